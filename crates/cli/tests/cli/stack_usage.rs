//! `cspdesk stack usage` against the sandbox, each command its own process with its own
//! emulator port: the sandbox's registration follows the emulator, a window imports, imports
//! again without doubling, and lists the unregistered lab tenant on the default subscription.

use serde_json::Value;

use crate::{cspdesk, ok};

#[test]
fn import_twice_then_list_the_default_subscriptions_vcpu_hours() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    ok(cspdesk(&db, &["sandbox", "--yes"]), "sandbox --yes");
    let listed = ok(
        cspdesk(
            &db,
            &[
                "stack",
                "registration",
                "list",
                "--account",
                "sandbox",
                "--refresh",
                "--json",
            ],
        ),
        "registration list --refresh",
    );
    let overview: Value = serde_json::from_str(&listed).unwrap();
    let approved = overview["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["billingModel"] == "PayAsYouUse" && r["customerSubscriptions"].as_u64() > Some(0)
        })
        .expect("the approved registration with its seeded tenants")["at"]["name"]
        .as_str()
        .unwrap()
        .to_string();

    let bad = cspdesk(
        &db,
        &[
            "stack",
            "registration",
            "endpoint",
            "--account",
            "sandbox",
            "--registration",
            &approved,
            "http://adminmanagement.example.com",
            "--provider-subscription",
            "x",
        ],
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("must use https"),
        "says what is wrong: {}",
        String::from_utf8_lossy(&bad.stderr)
    );

    let day = (chrono::Utc::now() - chrono::Duration::days(40)).date_naive();
    let (from, to) = (
        day.to_string(),
        (day + chrono::Duration::days(2)).to_string(),
    );
    let import = [
        "stack",
        "usage",
        "import",
        "--account",
        "sandbox",
        "--registration",
        &approved,
        "--from",
        &from,
        "--to",
        &to,
    ];
    let first = ok(cspdesk(&db, &import), "usage import");
    assert!(first.contains("(0 replaced)"), "{first}");
    let again = ok(cspdesk(&db, &import), "usage import again");
    let records = |text: &str| text.split_whitespace().nth(1).unwrap().to_string();
    assert_eq!(records(&first), records(&again));
    assert!(
        again.contains(&format!("({} replaced)", records(&first))),
        "{again}"
    );

    let month = day.format("%Y-%m").to_string();
    let list_args = [
        "stack",
        "usage",
        "list",
        "--account",
        "sandbox",
        "--month",
        &month,
    ];
    let list = ok(
        cspdesk(&db, &[&list_args[..], &["--json"]].concat()),
        "usage list",
    );
    let totals: Vec<Value> = serde_json::from_str(&list).unwrap();
    let lab = totals
        .iter()
        .find(|t| t["attribution"] == "default")
        .expect("the lab tenant's usage on the default subscription");
    assert_eq!(
        lab["lines"][0]["quantity"], "288",
        "one 4-vCPU VM for 3 days: 4 x 72 = 288 vCPU-hours"
    );
    assert_eq!(
        lab["unpricedLines"], 1,
        "no rate card before Discovery: unpriced, not guessed"
    );
    let text = ok(cspdesk(&db, &list_args), "usage list (text)");
    assert!(
        text.contains("Azure Stack") && text.contains("default subscription"),
        "{text}"
    );
}
