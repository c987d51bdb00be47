//! Start, poll, manifest and blob of each export kind, and the ways each hop fails.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cspdesk_partner_api::graph_billing::{
    BillingPeriod, BlobLine, Export, PollLimits, Prepared, ReconciliationRow, UsageRow,
};
use cspdesk_partner_api::{Error, ErrorCode, GraphBilling, RetryPolicy, Session};

use super::server::{gzip_lines, Reply, Scripted};
use crate::common::*;
use crate::samples::sample;

const OPERATION: &str =
    "/v1.0/reports/partners/billing/operations/6fe687d7-1e0f-4bd6-9091-4672691f64bc";
const MANIFEST: &str =
    "/v1.0/reports/partners/billing/manifests/8fe347d7-1e0f-4bd6-9091-4672691f32db";

/// Microsoft's example operations (`graph/operation-*.json`: Graph docs,
/// partners-billing-operation-get), the success one's manifest link pointed at `base`.
fn running() -> Reply {
    Reply::json(200, &sample("graph/operation-running.json"))
}

fn succeeded(base: &str) -> Reply {
    Reply::json(
        200,
        &sample("graph/operation-succeeded.json").replace("https://graph.microsoft.com", base),
    )
}

fn failed() -> Reply {
    Reply::json(200, &sample("graph/operation-failed.json"))
}

/// Microsoft's example manifest (`graph/manifest.json`: Graph docs,
/// partners-billing-manifest-get) with its root directory on `base`, its SAS's signature
/// `SECRETSIG`, and `blobs` listed; every key is Microsoft's.
fn manifest(base: &str, e_tag: &str, blobs: &[&str]) -> Reply {
    let mut m: serde_json::Value = serde_json::from_str(&sample("graph/manifest.json")).unwrap();
    m["eTag"] = e_tag.into();
    m["rootDirectory"] =
        format!("{base}/blobs/PartnerTenantId=0e195b37/BillingMonth=202310/InvoiceId=G031809528")
            .into();
    let sas = m["sasToken"].as_str().unwrap().to_string();
    let signed = sas.split("&sig=").next().unwrap().to_string() + "&sig=SECRETSIG";
    m["sasToken"] = signed.into();
    m["blobCount"] = blobs.len().into();
    m["blobs"] = blobs
        .iter()
        .map(|b| serde_json::json!({"name": b, "partitionValue": "default"}))
        .collect();
    Reply::json(200, &m.to_string())
}

fn usage_line(customer: &str, day: &str, total: &str, pec: &str) -> String {
    format!(
        r#"{{"PartnerId":"0e195b37-4574-4539-bc42-0e539b9684c0","PartnerName":"Contoso","CustomerId":"{customer}","CustomerName":"Fabrikam","InvoiceNumber":"G031809528","ProductId":"DZH318Z0BPS6","SkuId":"0001","SkuName":"Azure plan","PublisherName":"Microsoft","SubscriptionId":"8d2a1a4b-3d53-4e3e-9bb7-2e0a2f55a9a1","ChargeStartDate":"2023-10-01T00:00:00","ChargeEndDate":"2023-10-31T00:00:00","UsageDate":"{day}","MeterType":"1 Compute Hour","MeterCategory":"Virtual Machines","MeterId":"9cbf0a2b-5d4e-4b7f-8f0a-0e0a2b3c4d5e","MeterSubCategory":"D2 v3","MeterName":"D2 v3","MeterRegion":"US East","Unit":"1 Hour","ResourceLocation":"eastus","ResourceURI":"/subscriptions/a1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1","ChargeType":"new","UnitPrice":"0.096","Quantity":24,"UnitType":"1 Hour","BillingPreTaxTotal":{total},"BillingCurrency":"USD","PricingPreTaxTotal":{total},"PricingCurrency":"USD","EffectiveUnitPrice":0.0816,"PCToBCExchangeRate":1,"PartnerEarnedCreditPercentage":{pec},"CreditPercentage":0,"CreditType":"Credit Not Applied","EntitlementId":"a1b2c3d4-0000-4000-8000-000000000001"}}"#
    )
}

async fn graph_for(emu: &cspdesk_emulator::RunningEmulator, server: &Scripted) -> GraphBilling {
    let (tokens, _) = sign_in(emu, Choice::Accept(admin(emu))).await;
    let mut settings = settings(emu);
    settings.graph_base = format!("{}/v1.0", server.base);
    let session = Arc::new(
        Session::start(
            settings,
            cspdesk_partner_api::AccountKey::generate(),
            store(),
            tokens.expect("signed in"),
            now(),
        )
        .unwrap()
        .with_clock(emu_clock(emu)),
    );
    GraphBilling::new(session).unwrap().with_retry(RetryPolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    })
}

/// A sleep that returns at once and records what it was asked to wait.
fn recorded() -> (PollLimits, Arc<Mutex<Vec<Duration>>>) {
    let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let log = waits.clone();
    let limits = PollLimits {
        sleep: Arc::new(move |d| {
            log.lock().unwrap().push(d);
            Box::pin(async {})
        }),
        ..PollLimits::default()
    };
    (limits, waits)
}

#[tokio::test]
async fn a_billed_usage_export_is_started_polled_and_streamed_into_rows() {
    let emu = start().await;
    let server = Scripted::start().await;
    server.route(
        "POST",
        "/v1.0/reports/partners/billing/usage/billed/export",
        vec![Reply::json(202, "").header("Location", &format!("{}{OPERATION}", server.base))],
    );
    server.route(
        "GET",
        OPERATION,
        vec![
            running().header("Retry-After", "7"),
            running().header("Retry-After", "7"),
            succeeded(&server.base),
        ],
    );
    server.route(
        "GET",
        MANIFEST,
        vec![manifest(
            &server.base,
            "WYjLro78HdMg6vUWR",
            &["part-00000.c000.json.gz", "part-00001.c000.json.gz"],
        )],
    );
    let c = "0f3a1a4b-0000-4000-8000-00000000000c";
    server.route(
        "GET",
        "/blobs/PartnerTenantId=0e195b37/BillingMonth=202310/InvoiceId=G031809528/part-00000",
        vec![Reply::bytes(
            200,
            gzip_lines(&[
                usage_line(c, "2023-10-01T00:00:00", "1.95", "15"),
                // Numbers as strings, and a day with its zone: still read exactly.
                usage_line(c, "2023-10-02T00:00:00Z", "\"1.95\"", "\"15\""),
            ]),
        )],
    );
    server.route(
        "GET",
        "/blobs/PartnerTenantId=0e195b37/BillingMonth=202310/InvoiceId=G031809528/part-00001",
        vec![Reply::bytes(
            200,
            gzip_lines(&[
                usage_line(c, "2023-10-03T00:00:00", "2.30", "0"),
                "{\"CustomerId\":\"half a line".to_string(),
                usage_line(c, "2023-10-04T00:00:00", "2.30", "0"),
            ]),
        )],
    );
    // Every request is told to the observer (a run counts them), a blob by its name only.
    let told: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = told.clone();
    let graph = graph_for(&emu, &server).await.with_observer(Arc::new(
        move |e: &cspdesk_partner_api::CallEvent| {
            log.lock().unwrap().push(e.endpoint.clone());
        },
    ));
    let export = Export::BilledUsage {
        invoice_id: "G031809528".into(),
    };

    let operation = graph.start(&export).await.expect("the export is accepted");
    assert_eq!(operation, format!("{}{OPERATION}", server.base));
    let (limits, waits) = recorded();
    let prepared = graph
        .wait(&export, &operation, &limits)
        .await
        .expect("the operation succeeds");
    assert_eq!(
        *waits.lock().unwrap(),
        vec![Duration::from_secs(7); 2],
        "each poll waits what Retry-After asked, no less"
    );
    let Prepared::Ready { manifest } = prepared else {
        panic!("{prepared:?}")
    };
    let manifest = graph
        .manifest(&manifest)
        .await
        .expect("Microsoft's manifest reads");
    assert_eq!(manifest.e_tag, "WYjLro78HdMg6vUWR");
    assert_eq!(manifest.blobs.len(), 2);

    let mut rows = Vec::new();
    let mut aside = Vec::new();
    for i in 0..manifest.blobs.len() {
        let mut blob = graph
            .open_blob::<UsageRow>(&manifest, i)
            .await
            .expect("the blob opens");
        while let Some(line) = blob.next().await.expect("the blob streams") {
            match line {
                BlobLine::Row(r) => rows.push(r),
                BlobLine::SetAside(s) => aside.push(s),
            }
        }
    }
    assert_eq!(rows.len(), 4, "every good line of both blobs is a row");
    let told = told.lock().unwrap().clone();
    assert_eq!(
        told.len(),
        server.seen().len(),
        "one event per request sent: {told:?}"
    );
    assert!(
        told.iter().all(|e| !e.contains("sig=") && !e.contains('?')),
        "no SAS in what is told: {told:?}"
    );
    assert_eq!(aside.len(), 1, "the broken line alone is set aside");
    assert_eq!(
        aside[0].endpoint, "part-00001.c000.json.gz",
        "it names its blob"
    );
    assert_eq!(aside[0].index, 2, "and its line");
    let first = rows[0].clone().into_line_item();
    assert_eq!(
        first.partner_earned_credit_rate(),
        "0.15".parse().unwrap(),
        "15 % is a 0.15 rate"
    );
    assert_eq!(
        rows[1].billing_pre_tax_total,
        "1.95".parse().unwrap(),
        "a string-typed total reads exactly"
    );
    assert_eq!(
        rows[1].usage_date,
        rows[0].usage_date + chrono::Duration::days(1)
    );
    assert_eq!(
        rows[2]
            .clone()
            .into_line_item()
            .partner_earned_credit_rate(),
        rust_decimal::Decimal::ZERO
    );

    let seen = server.seen();
    let post = seen.iter().find(|s| s.method == "POST").unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&post.body).unwrap(),
        serde_json::json!({"invoiceId": "G031809528", "attributeSet": "full"}),
        "Microsoft's body"
    );
    assert!(post
        .authorization
        .as_deref()
        .is_some_and(|a| a.starts_with("Bearer ")));
    let blob = seen
        .iter()
        .find(|s| s.target.starts_with("/blobs/"))
        .unwrap();
    assert!(
        blob.authorization.is_none(),
        "the Graph token never goes to the blob host"
    );
    assert!(
        blob.target.contains("sig=SECRETSIG"),
        "the SAS reads the blob"
    );
}

#[tokio::test]
async fn no_data_is_an_outcome_and_other_failures_and_endless_preparation_are_errors() {
    let emu = start().await;
    let server = Scripted::start().await;
    server.route(
        "POST",
        "/v1.0/reports/partners/billing/reconciliation/unbilled/export",
        vec![Reply::json(202, "").header("Location", OPERATION)],
    );
    server.route("GET", OPERATION, vec![failed()]);
    let graph = graph_for(&emu, &server).await;
    let export = Export::UnbilledReconciliation {
        period: BillingPeriod::Current,
        currency: "EUR".into(),
    };
    let op = graph.start(&export).await.unwrap();
    assert_eq!(
        op,
        format!("{}{OPERATION}", server.base),
        "a relative Location is read on the Graph host"
    );
    let (limits, _) = recorded();
    assert_eq!(
        graph.wait(&export, &op, &limits).await.unwrap(),
        Prepared::NoData {
            message: "No data available".into()
        },
        "code 5000 is no data, not a failure"
    );

    let other = Scripted::start().await;
    other.route(
        "GET",
        OPERATION,
        vec![Reply::json(200, &failed_with("9001"))],
    );
    let graph = graph_for(&emu, &other).await;
    let err = graph
        .wait(&export, &format!("{}{OPERATION}", other.base), &limits)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ExportFailed, "{err}");
    assert!(
        err.to_string().contains("unbilled reconciliation export"),
        "names the export: {err}"
    );

    let slow = Scripted::start().await;
    slow.route(
        "GET",
        OPERATION,
        vec![running().header("Retry-After", "30")],
    );
    let graph = graph_for(&emu, &slow).await;
    let (mut limits, waits) = recorded();
    limits.max_total = Duration::from_secs(60);
    let err = graph
        .wait(&export, &format!("{}{OPERATION}", slow.base), &limits)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unavailable, "{err}");
    assert_eq!(
        waits.lock().unwrap().len(),
        2,
        "two 30 s waits fill the minute, then it gives up"
    );
}

fn failed_with(code: &str) -> String {
    String::from_utf8(failed().body)
        .unwrap()
        .replace("\"5000\"", &format!("\"{code}\""))
}

#[tokio::test]
async fn a_refused_graph_a_cut_blob_and_an_expired_sas_are_named() {
    let emu = start().await;
    let server = Scripted::start().await;
    server.route(
        "POST",
        "/v1.0/reports/partners/billing/usage/unbilled/export",
        vec![Reply::json(
            403,
            r#"{"error":{"code":"Forbidden","message":"Missing PartnerBilling.Read.All"}}"#,
        )],
    );
    let graph = graph_for(&emu, &server).await;
    let err = graph
        .start(&Export::UnbilledUsage {
            period: BillingPeriod::Last,
            currency: "USD".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::GraphConsent { .. }), "{err:?}");
    assert!(
        err.to_string().contains("PartnerBilling.Read.All")
            && err.to_string().contains("admin consent"),
        "says what the admin must consent to: {err}"
    );

    let blobs = Scripted::start().await;
    blobs.route(
        "GET",
        MANIFEST,
        vec![manifest(
            &blobs.base,
            "e1",
            &["cut.json.gz", "expired.json.gz"],
        )],
    );
    let mut whole = gzip_lines(
        &(1..=3000)
            .map(|d| {
                usage_line(
                    &format!("c{d}"),
                    &format!("2023-10-{:02}", d % 28 + 1),
                    &format!("{d}.{}", d * 7919 % 1000),
                    "0",
                )
            })
            .collect::<Vec<_>>(),
    );
    whole.truncate(whole.len() * 2 / 3);
    blobs.route(
        "GET",
        "/blobs/PartnerTenantId=0e195b37/BillingMonth=202310/InvoiceId=G031809528/cut",
        vec![Reply::bytes(200, whole)],
    );
    blobs.route(
        "GET",
        "/blobs/PartnerTenantId=0e195b37/BillingMonth=202310/InvoiceId=G031809528/expired",
        vec![Reply::json(
            403,
            "<Error><Code>AuthenticationFailed</Code></Error>",
        )],
    );
    let graph = graph_for(&emu, &blobs).await;
    let manifest = graph
        .manifest(&format!("{}{MANIFEST}", blobs.base))
        .await
        .unwrap();
    let mut cut = graph.open_blob::<UsageRow>(&manifest, 0).await.unwrap();
    let mut read = 0;
    let err = loop {
        match cut.next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("a cut blob must not end quietly"),
            Err(e) => break e,
        }
    };
    assert!(read > 0, "the lines before the cut were read");
    match &err {
        Error::BadResponse {
            endpoint, field, ..
        } => {
            assert_eq!(endpoint, "cut.json.gz");
            assert_eq!(
                field,
                &format!("line {}", read + 1),
                "names the line it got to"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = graph
        .open_blob::<ReconciliationRow>(&manifest, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::SasExpired { blob, status: 403 } if blob == "expired.json.gz"),
        "{err:?}"
    );
    assert!(!err.to_string().contains("sig="), "never the SAS: {err}");
}

#[tokio::test]
async fn graph_throttling_is_waited_out_and_a_401_is_asked_again_after_a_refresh() {
    let emu = start().await;
    let server = Scripted::start().await;
    server.route(
        "POST",
        "/v1.0/reports/partners/billing/reconciliation/billed/export",
        vec![
            Reply::json(429, &sample("graph/throttled.json")).header("Retry-After", "0"),
            Reply::json(
                401,
                r#"{"error":{"code":"InvalidAuthenticationToken","message":"expired"}}"#,
            ),
            Reply::json(202, "").header("Location", OPERATION),
        ],
    );
    let graph = graph_for(&emu, &server).await;
    let op = graph
        .start(&Export::BilledReconciliation {
            invoice_id: "G031809528".into(),
        })
        .await
        .expect("a 429 and an expired token are both waited out");
    assert!(op.ends_with(OPERATION));
    let posts: Vec<_> = server
        .seen()
        .into_iter()
        .filter(|s| s.method == "POST")
        .collect();
    assert_eq!(
        posts.len(),
        3,
        "one retry after the 429, one after refreshing the Graph token (the frozen emulator \
         mints the same token again, so the count tells)"
    );
    assert!(posts.iter().all(|p| p
        .authorization
        .as_deref()
        .is_some_and(|a| a.starts_with("Bearer "))));
}
