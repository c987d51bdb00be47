//! `cspdesk sandbox --yes`, `whoami` and `logout` as a script would use them: each command is
//! its own process with its own in-process emulator on a new port, so a passing `whoami`
//! proves the keyring token outlives the process that got it.

use crate::cspdesk;

#[test]
fn sandbox_sign_in_survives_the_process_and_logout_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    let out = cspdesk(&db, &["sandbox", "--yes"]);
    assert!(
        out.status.success(),
        "sandbox --yes failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("signed in as admin@"));

    let out = cspdesk(&db, &["whoami", "--account", "sandbox", "--json"]);
    assert!(
        out.status.success(),
        "whoami failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let who: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(who["signIn"]["state"], "signedIn");
    assert_eq!(who["signIn"]["access"], "Admin");
    assert!(who["signIn"]["upn"].as_str().unwrap().starts_with("admin@"));

    let out = cspdesk(&db, &["logout", "--account", "sandbox"]);
    assert!(out.status.success());
    let out = cspdesk(&db, &["whoami", "--account", "sandbox"]);
    assert!(
        !out.status.success(),
        "after logout there is no token to verify"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not signed in"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
