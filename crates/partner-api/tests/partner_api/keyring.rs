//! The real OS keyring (kernel keyutils on headless Linux): round trip, isolation between
//! accounts, and sign-out removing the entry.

use std::sync::Arc;

use chrono::TimeZone;
use cspdesk_partner_api::{
    AccountKey, ConsentRecord, Error, KeyringStore, Sensitive, Session, StoredConsent, TokenStore,
};

use crate::common::*;

fn consent(token: &str) -> StoredConsent {
    let at = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    StoredConsent {
        refresh_token: Sensitive::new(token.to_string()),
        record: ConsentRecord {
            upn: "admin@x".into(),
            tenant_id: "t".into(),
            consented_at: at,
            last_refreshed_at: at,
        },
    }
}

#[test]
fn entries_round_trip_per_account_and_delete_cleanly() {
    let store = KeyringStore::with_service(SERVICE);
    let (a, b) = (AccountKey::generate(), AccountKey::generate());
    store
        .save(&a, &consent("rt-a"))
        .expect("the keyring accepts the entry");
    store.save(&b, &consent("rt-b")).unwrap();
    assert_eq!(
        store.load(&a).unwrap().unwrap().refresh_token.expose(),
        "rt-a",
        "read back what was written"
    );
    assert_eq!(
        store.load(&b).unwrap().unwrap().refresh_token.expose(),
        "rt-b",
        "another account's entry is not overwritten"
    );
    assert_eq!(
        store.consent(&a).unwrap().unwrap().upn,
        "admin@x",
        "metadata is readable without the caller touching the token"
    );
    store.save(&a, &consent("rt-a2")).unwrap();
    assert_eq!(
        store.load(&a).unwrap().unwrap().refresh_token.expose(),
        "rt-a2",
        "saving replaces (rotation)"
    );
    store.delete(&a).unwrap();
    assert!(
        store.load(&a).unwrap().is_none(),
        "deleted entries are gone"
    );
    store.delete(&a).expect("deleting twice is fine");
    store.delete(&b).unwrap();
}

#[tokio::test]
async fn sign_out_removes_the_entry_and_resume_then_says_not_signed_in() {
    let (emu, signed) = admin_signed_in(Default::default()).await;
    let store: Arc<dyn TokenStore> = store();
    assert!(
        store.load(&signed.key).unwrap().is_some(),
        "sign-in stored the refresh token in the keyring"
    );
    let resumed = Session::resume(settings(&emu), signed.key.clone(), store.clone())
        .expect("a stored token resumes")
        .with_clock(emu_clock(&emu));
    assert_eq!(
        resumed.user().await.unwrap().upn,
        admin(&emu),
        "a resumed session refreshes and knows the user"
    );
    signed.session.sign_out().await.unwrap();
    assert!(
        store.load(&signed.key).unwrap().is_none(),
        "sign-out deletes the keyring entry"
    );
    let err =
        Session::resume(settings(&emu), signed.key.clone(), store).expect_err("nothing to resume");
    assert!(matches!(err, Error::NotSignedIn), "{err:?}");
}
