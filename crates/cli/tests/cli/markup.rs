//! `cspdesk markup set | list | history` as a script would use them.

use crate::org::{fails, ok, with_customers};

#[test]
fn set_list_and_history_keep_every_change_and_show_what_is_in_effect() {
    let (_dir, db) = with_customers();
    ok(
        &db,
        &[
            "markup",
            "set",
            "--customer",
            "fabrikam.com",
            "--percent",
            "12",
            "--category",
            "Virtual Machines=5",
            "--fee",
            "50.00",
            "--from",
            "2026-11-01",
        ],
    );
    ok(
        &db,
        &[
            "markup",
            "set",
            "--customer",
            "fabrikam.com",
            "--percent=-3",
            "--from",
            "2099-01-01",
        ],
    );
    let list: serde_json::Value =
        serde_json::from_str(&ok(&db, &["markup", "list", "--json"])).unwrap();
    let fabrikam = &list[0];
    assert_eq!(fabrikam["name"], "Fabrikam");
    assert_eq!(
        fabrikam["percent"], "12",
        "the -3% starts in 2099: {fabrikam}"
    );
    assert_eq!(
        fabrikam["categories"],
        serde_json::json!([["Virtual Machines", "5"]])
    );
    assert_eq!(fabrikam["monthlyFee"], "50.00");
    let history: serde_json::Value = serde_json::from_str(&ok(
        &db,
        &["markup", "history", "--customer", "Fabrikam", "--json"],
    ))
    .unwrap();
    assert_eq!(history.as_array().unwrap().len(), 4, "{history}");
    assert_eq!(history[3]["term"]["percent"], "-3");
    assert_eq!(history[3]["effectiveFrom"], "2099-01-01");
}

#[test]
fn bad_markups_are_refused_with_what_to_do() {
    let (_dir, db) = with_customers();
    let err = fails(
        &db,
        &[
            "markup",
            "set",
            "--customer",
            "fabrikam.com",
            "--percent=-150",
        ],
    );
    assert!(err.contains("-100 or more"), "{err}");
    let err = fails(
        &db,
        &[
            "markup",
            "set",
            "--customer",
            "fabrikam.com",
            "--percent",
            "twelve",
        ],
    );
    assert!(err.contains("not a decimal number"), "{err}");
    let err = fails(&db, &["markup", "set", "--customer", "fabrikam.com"]);
    assert!(err.contains("Nothing to change"), "{err}");
    let err = fails(
        &db,
        &[
            "markup",
            "set",
            "--customer",
            "Contoso Ltd",
            "--percent",
            "1",
        ],
    );
    assert!(
        err.contains("Woodgrove") && err.contains("--account"),
        "an ambiguous customer names the accounts: {err}"
    );
    ok(
        &db,
        &[
            "markup",
            "set",
            "--customer",
            "Contoso Ltd",
            "--account",
            "Woodgrove",
            "--percent",
            "1",
        ],
    );
}
