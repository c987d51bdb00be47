//! What a Partner Center that misbehaves on purpose can do to the client, played by a small
//! local stub: link headers that try to replace Authorization, a collection that never ends,
//! and 429s that name no Retry-After.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cspdesk_partner_api::{
    CallEvent, ClientOptions, Continuation, Error, PartnerCenter, RetryPolicy, Session,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

/// Status, extra headers and body of one stub answer.
type Reply = (u16, Vec<(&'static str, String)>, String);

/// A stub API: answers the n-th request (from 0) with `reply(n)` and records each request head,
/// lower-cased.
struct Stub {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Stub {
    async fn start(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Stub {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let sink = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let n = {
                    let mut heads = sink.lock().unwrap();
                    heads.push(String::from_utf8_lossy(&head).to_ascii_lowercase());
                    heads.len() - 1
                };
                let (status, headers, body) = reply(n);
                let mut text = format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
                for (k, v) in headers {
                    text.push_str(&format!("{k}: {v}\r\n"));
                }
                text.push_str("\r\n");
                text.push_str(&body);
                let _ = s.write_all(text.as_bytes()).await;
            }
        });
        Stub { url, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn customer(id: &str) -> String {
    format!(r#"{{"id":"{id}","companyProfile":{{"domain":"{id}.example","companyName":"{id}"}}}}"#)
}

fn page(items: &[String], next: Option<String>) -> String {
    let links = next
        .map(|n| format!(r#","links":{{"next":{n}}}"#))
        .unwrap_or_default();
    format!(
        r#"{{"totalCount":{},"items":[{}]{links},"attributes":{{"objectType":"Collection"}}}}"#,
        items.len(),
        items.join(",")
    )
}

/// A client signed in at the emulator but calling `stub` as Partner Center.
struct Pointed {
    client: PartnerCenter,
    events: Arc<Mutex<Vec<CallEvent>>>,
    _session: Arc<Session>,
    /// Kept serving: a refresh would go to its token endpoint.
    _emu: cspdesk_emulator::RunningEmulator,
}

async fn client_for(stub: &Stub, retry: RetryPolicy) -> Pointed {
    let emu = start().await;
    let mut settings = settings(&emu);
    settings.partner_center_base = stub.url.clone();
    let (_store, _key, session) = memory_session(&emu, settings).await;
    let session = Arc::new(session);
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let options = ClientOptions {
        retry,
        observer: Some(Arc::new(move |e: &CallEvent| {
            sink.lock().unwrap().push(e.clone())
        })),
        ..ClientOptions::default()
    };
    let client = PartnerCenter::new(session.clone(), options).unwrap();
    Pointed {
        client,
        events,
        _session: session,
        _emu: emu,
    }
}

fn header_lines<'a>(head: &'a str, name: &str) -> Vec<&'a str> {
    let prefix = format!("{name}:");
    head.lines().filter(|l| l.starts_with(&prefix)).collect()
}

#[tokio::test]
async fn link_headers_cannot_replace_authorization_or_add_headers() {
    let stub = Stub::start(|n| match n {
        0 => (
            200,
            vec![],
            page(
                &[customer("a")],
                Some(r#"{"uri":"/customers?size=1&seekOperation=Next","method":"GET","headers":[{"key":"Authorization","value":"Bearer forged-by-server"},{"key":"MS-ContinuationToken","value":"tok-2"},{"key":"X-Extra","value":"1"}]}"#.into()),
            ),
        ),
        _ => (200, vec![], page(&[customer("b")], None)),
    })
    .await;
    let pointed = client_for(&stub, RetryPolicy::default()).await;
    let customers = pointed.client.customers(1).await.expect("two pages");
    assert_eq!(
        customers.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["a", "b"],
        "both pages are read"
    );

    // A persisted continuation carrying foreign headers is filtered when sent, too.
    let persisted = Continuation {
        path: "/v1/customers?size=1&seekOperation=Next".into(),
        headers: vec![
            ("authorization".into(), "Bearer forged-in-storage".into()),
            ("MS-ContinuationToken".into(), "tok-3".into()),
        ],
    };
    pointed
        .client
        .customers_page(1, Some(&persisted))
        .await
        .unwrap();

    let heads = stub.heads();
    for (i, token) in [(1, "tok-2"), (2, "tok-3")] {
        let auth = header_lines(&heads[i], "authorization");
        assert_eq!(auth.len(), 1, "exactly one Authorization: {auth:?}");
        assert!(
            auth[0].starts_with("authorization: bearer ") && !auth[0].contains("forged"),
            "the session's own bearer token is sent, never the link's: {auth:?}"
        );
        assert_eq!(
            header_lines(&heads[i], "ms-continuationtoken"),
            [format!("ms-continuationtoken: {token}").as_str()],
            "the continuation token is the one header a link may set"
        );
        assert!(
            header_lines(&heads[i], "x-extra").is_empty(),
            "other link headers are dropped"
        );
    }
}

#[tokio::test]
async fn empty_pages_with_fresh_next_links_end_in_bad_response() {
    // Every page is empty and links onwards with a new token, so no link ever repeats.
    let stub = Stub::start(|n| {
        let next = format!(
            r#"{{"uri":"/customers?size=1&seekOperation=Next","headers":[{{"key":"MS-ContinuationToken","value":"tok-{n}"}}]}}"#
        );
        (200, vec![], page(&[], Some(next)))
    })
    .await;
    let pointed = client_for(&stub, RetryPolicy::default()).await;
    let err = pointed
        .client
        .customers(1)
        .await
        .expect_err("a server must not keep us paging for ever");
    assert!(
        matches!(&err, Error::BadResponse { field, detail, .. } if field == "links.next" && detail.contains("empty pages")),
        "{err:?}"
    );
    assert_eq!(
        stub.heads().len(),
        11,
        "ten empty pages in a row are tolerated, the eleventh ends the read"
    );
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_exponentially_not_at_a_flat_second() {
    let stub = Stub::start(|n| match n {
        0..=2 => (
            429,
            vec![],
            r#"{"statusCode":429,"message":"Rate limit is exceeded."}"#.into(),
        ),
        _ => (200, vec![], page(&[customer("a")], None)),
    })
    .await;
    let retry = RetryPolicy {
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        ..RetryPolicy::default()
    };
    let pointed = client_for(&stub, retry.clone()).await;
    let started = Instant::now();
    pointed
        .client
        .customers_page(1, None)
        .await
        .expect("three 429s fit the throttle budget");
    let elapsed = started.elapsed();
    let events = pointed.events.lock().unwrap().clone();
    assert_eq!(
        events.iter().map(|e| e.status).collect::<Vec<_>>(),
        [Some(429), Some(429), Some(429), Some(200)]
    );
    for (i, pair) in events.windows(2).enumerate() {
        let gap = pair[1].sent_at.duration_since(pair[0].received_at);
        let floor = retry.backoff(i as u32 + 1, 0.0);
        assert!(
            gap >= floor,
            "retry {} waited {gap:?}, below the backoff floor {floor:?}",
            i + 1
        );
    }
    assert!(
        elapsed < Duration::from_millis(2500),
        "three waits of 0.1-0.4 s, not three flat seconds: {elapsed:?}"
    );
}
