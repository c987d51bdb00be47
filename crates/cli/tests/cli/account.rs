//! `cspdesk account ...` as a script would use it.

use crate::cspdesk;

#[test]
fn add_then_list_json_shows_the_account() {
    let (_dir, db) = crate::with_contoso();
    let out = cspdesk(&db, &["account", "list", "--json"]);
    assert!(out.status.success());
    let list: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("list --json prints JSON");
    assert_eq!(list[0]["name"], "Contoso");
    assert_eq!(list[0]["tenantId"], "0a1b2c3d-0000-4000-8000-000000000001");
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn invalid_tenant_exits_non_zero_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    let out = cspdesk(
        &db,
        &[
            "account",
            "add",
            "--name",
            "Contoso",
            "--tenant",
            "not-a-guid",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--tenant"),
        "stderr should name the flag: {err}"
    );
    assert!(
        err.contains("not-a-guid"),
        "stderr should quote the input: {err}"
    );
    let out = cspdesk(&db, &["account", "list", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[]",
        "nothing was written"
    );
}

#[test]
fn remove_by_name_and_unknown_name_fails() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    assert!(cspdesk(
        &db,
        &[
            "account",
            "add",
            "--name",
            "Fabrikam",
            "--tenant",
            "0a1b2c3d-0000-4000-8000-000000000002"
        ]
    )
    .status
    .success());
    let out = cspdesk(&db, &["account", "remove", "fabrikam"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cspdesk(&db, &["account", "remove", "Fabrikam"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
}

#[test]
fn set_client_id_then_show_json() {
    let (_dir, db) = crate::with_contoso();
    let out = cspdesk(&db, &["account", "set", "Contoso", "--client-id", "nope"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--client-id"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cspdesk(
        &db,
        &[
            "account",
            "set",
            "Contoso",
            "--client-id",
            "c3d9a1f2-4b6e-4d8a-9f1c-2e7b5a0d6c48",
            "--authority",
            "http://login.example.com",
        ],
    );
    assert!(
        !out.status.success(),
        "plain http to a remote host is refused"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--authority"));
    let out = cspdesk(
        &db,
        &[
            "account",
            "set",
            "Contoso",
            "--client-id",
            "c3d9a1f2-4b6e-4d8a-9f1c-2e7b5a0d6c48",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cspdesk(&db, &["account", "show", "Contoso", "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["clientId"], "c3d9a1f2-4b6e-4d8a-9f1c-2e7b5a0d6c48");
    assert_eq!(shown["authority"], "https://login.microsoftonline.com");
}

#[test]
fn login_without_a_client_id_says_what_to_set() {
    let (_dir, db) = crate::with_contoso();
    let out = cspdesk(&db, &["login", "--account", "Contoso"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("client) ID"), "{err}");
}

/// A database an older CSP Desk wrote is upgraded before the command, with each step on
/// standard error; the next command has nothing to upgrade and says nothing of it.
#[test]
fn an_older_database_is_upgraded_first_with_its_steps_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.sqlite3");
    {
        // A file from before any migration: every one of them is pending.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 0).unwrap();
        conn.execute_batch("CREATE TABLE keep_me (x INTEGER)")
            .unwrap();
    }
    let out = cspdesk(&db, &["account", "list"]);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("from schema 0"),
        "the upgrade is announced: {err}"
    );
    assert!(
        err.contains("step 1 of ") && err.contains("database upgraded in"),
        "each step and the end are told: {err}"
    );
    let steps = err
        .lines()
        .filter(|l| l.contains(", step ") || l.contains(": step "))
        .count();
    assert!(steps > 10, "every migration was pending: {err}");

    let again = cspdesk(&db, &["account", "list"]);
    assert!(again.status.success(), "{again:?}");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(!err.contains("upgrading"), "nothing left to upgrade: {err}");
}

/// An empty file is a new database: it is made without a word of upgrading.
#[test]
fn an_empty_file_is_made_a_database_without_an_upgrade_notice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.sqlite3");
    std::fs::write(&db, b"").unwrap();
    let out = cspdesk(&db, &["account", "list"]);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("upgrading"), "{err}");
}
