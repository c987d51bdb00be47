//! Signing the sandbox partner in: the refresh token reaches the keyring and nothing
//! secret reaches the database or any other file under the data directory.

use std::path::Path;
use std::sync::Mutex;

use cspdesk_api::shared::sign_in::SignInStatus;
use cspdesk_api::{accounts::login, accounts::sandbox, ErrorCode};
use cspdesk_partner_api::{AccountKey, KeyringStore, TokenStore};
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

/// Every byte of every file below `dir`.
fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_sign_in_keeps_tokens_in_the_keyring_only() {
    let data = tempfile::tempdir().unwrap();
    let db = Mutex::new(Database::open(&data.path().join("cspdesk.sqlite3")).unwrap());
    let now = chrono::Utc::now();
    let account = sandbox::ensure_account(&db, now).await.unwrap();
    let emulator = sandbox::emulator(sandbox::SANDBOX_SEED, now).await.unwrap();
    let stored = cspdesk_api::accounts::settings::get(&db.lock().unwrap(), &account.id).unwrap();
    assert_eq!(
        stored.pricing_base.as_deref(),
        Some(format!("{}/partner/v1.0", emulator.url()).as_str()),
        "the sandbox's Pricing API is the emulator's"
    );

    // Without a sign-in, verifying says so in a way the page can act on.
    let err = login::verify(&db, &account.id, now).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSignedIn, "{err:?}");

    let signed = sandbox::sign_in_as_admin(&db, &account.id, now)
        .await
        .unwrap();
    match &signed.sign_in {
        SignInStatus::SignedIn { upn, mfa, .. } => {
            assert_eq!(upn, &sandbox::admin_upn(emulator));
            assert!(mfa, "the sandbox admin signs in with MFA");
        }
        other => panic!("expected SignedIn, got {other:?}"),
    }

    // A refresh rotates the token; both the first and the rotated one must stay out of files.
    let key = AccountKey::from_stored(account.id.clone());
    let first = KeyringStore::new()
        .load(&key)
        .unwrap()
        .expect("refresh token in the keyring");
    let first_rt = first.refresh_token.expose().clone();
    login::verify(&db, &account.id, now).await.unwrap();
    let rotated = KeyringStore::new().load(&key).unwrap().unwrap();
    let rotated_rt = rotated.refresh_token.expose().clone();
    assert_ne!(
        first_rt, rotated_rt,
        "Microsoft rotates refresh tokens on use"
    );

    drop(db);
    let files = all_bytes(data.path());
    assert!(!files.is_empty());
    for (path, bytes) in &files {
        for (what, secret) in [
            ("first refresh token", &first_rt),
            ("rotated refresh token", &rotated_rt),
        ] {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "{what} found in {path}"
            );
        }
        // Access tokens are JWTs: their header always starts `eyJ` (base64 of `{"`).
        assert!(
            !contains(bytes, b"eyJ"),
            "a JWT-shaped token found in {path}"
        );
    }

    let db = Mutex::new(Database::open(&data.path().join("cspdesk.sqlite3")).unwrap());
    // Ninety-one idle days later Microsoft refuses the token: the page must say "Sign in again"
    // for the same user, not fall back to a blank "signed out".
    emulator.clock().advance(chrono::Duration::days(91));
    let err = login::verify(&db, &account.id, now).await.unwrap_err();
    emulator.clock().advance(chrono::Duration::days(-91));
    assert_eq!(err.code, ErrorCode::ConsentExpired, "{err:?}");
    assert!(err.message.contains("Sign in again"), "{}", err.message);
    let listed =
        cspdesk_api::accounts::partner_accounts::list(&cspdesk_api::lock(&db), now).unwrap();
    assert!(
        matches!(&listed[0].sign_in, SignInStatus::Lapsed { upn, .. } if upn.starts_with("admin@")),
        "{:?}",
        listed[0].sign_in
    );

    let out = login::logout(&db, &account.id, now).unwrap();
    assert_eq!(out.sign_in, SignInStatus::SignedOut);
    assert!(
        KeyringStore::new().load(&key).unwrap().is_none(),
        "sign-out removes the keyring entry"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_that_finishes_after_its_account_was_removed_leaves_no_token() {
    let data = tempfile::tempdir().unwrap();
    let db = Mutex::new(Database::open(&data.path().join("cspdesk.sqlite3")).unwrap());
    let now = chrono::Utc::now();
    let account = sandbox::ensure_account(&db, now).await.unwrap();
    let emulator = sandbox::emulator(sandbox::SANDBOX_SEED, now).await.unwrap();
    let stored = cspdesk_api::accounts::settings::get(&db.lock().unwrap(), &account.id).unwrap();
    assert_eq!(
        stored.pricing_base.as_deref(),
        Some(format!("{}/partner/v1.0", emulator.url()).as_str()),
        "the sandbox's Pricing API is the emulator's"
    );
    emulator.set_auto_consent(Some(sandbox::admin_upn(emulator)));
    let err = login::login_with_browser(&db, &account.id, now, CancellationToken::new(), |url| {
        // The user deletes the account while the browser is still open.
        cspdesk_store::accounts::remove(&cspdesk_api::lock(&db), &account.id).unwrap();
        let url = url.clone();
        tokio::spawn(async move {
            let _ = reqwest::get(url).await;
        });
        Ok(())
    })
    .await
    .unwrap_err();
    emulator.set_auto_consent(None);
    assert_eq!(err.code, ErrorCode::SignInFailed, "{err:?}");
    let key = AccountKey::from_stored(account.id.clone());
    assert!(
        KeyringStore::new().load(&key).unwrap().is_none(),
        "no orphaned refresh token in the keyring"
    );
}
