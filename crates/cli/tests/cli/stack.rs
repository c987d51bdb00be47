//! `cspdesk stack customer` against the sandbox, each command its own process: the customer
//! subscriptions read from ARM are bare lowercase GUIDs (ARM names them
//! `{registration}/{subscription}`, issue 18), and add / list / remove / verify work with them.

use serde_json::Value;

use crate::{cspdesk, ok};

fn is_lower_guid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && id
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

fn customers(db: &std::path::Path, registration: &str) -> Vec<(String, String)> {
    let out = ok(
        cspdesk(
            db,
            &[
                "stack",
                "customer",
                "list",
                "--account",
                "sandbox",
                "--registration",
                registration,
                "--json",
            ],
        ),
        "customer list",
    );
    let list: Value = serde_json::from_str(&out).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["subscriptionId"].as_str().unwrap().to_string(),
                c["tenantId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn customer_subscriptions_are_guids_and_can_be_verified_removed_and_added_back() {
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
        .find(|r| r["customerSubscriptions"].as_u64() > Some(0))
        .expect("the approved registration with its seeded tenants")["at"]["name"]
        .as_str()
        .unwrap()
        .to_string();

    let before = customers(&db, &approved);
    assert!(!before.is_empty());
    for (sub, tenant) in &before {
        assert!(
            is_lower_guid(sub) && is_lower_guid(tenant),
            "ids are bare GUIDs, not {{registration}}/{{id}}: {sub} {tenant}"
        );
    }
    let (sub, tenant) = before[0].clone();
    let at = ["--account", "sandbox", "--registration", approved.as_str()];
    let run = |verb: &str, extra: &[&str]| {
        let mut args = vec!["stack", "customer", verb];
        args.extend(at);
        args.extend(extra);
        cspdesk(&db, &args)
    };

    let verified = ok(run("verify", &[&sub]), "customer verify");
    assert!(
        verified.contains(&format!("Azure has {sub} added")),
        "{verified}"
    );

    ok(run("remove", &[&sub]), "customer remove");
    assert!(
        !customers(&db, &approved).iter().any(|(s, _)| *s == sub),
        "removed from the kept list"
    );

    ok(
        run("add", &[&sub.to_uppercase(), "--tenant", &tenant]),
        "customer add (upper case in, lowercase kept)",
    );
    let after = customers(&db, &approved);
    assert!(
        after.contains(&(sub.clone(), tenant.clone())),
        "added back under its GUID with its tenant: {after:?}"
    );
    assert_eq!(after.len(), before.len());
}
