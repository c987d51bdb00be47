//! Where an account signs in: its registered app (client) id and, for sovereign clouds or
//! proxies, the authority and API hosts. Validated with the same rules the client applies
//! (https unless loopback), so a typo cannot send a token in clear text.

use chrono::{DateTime, Utc};
use cspdesk_partner_api::{default_scopes, AccountKey, ApiSettings, KeyringStore, TokenStore};
use cspdesk_store::{accounts, sign_in, Database};

use super::dto::AccountSettingsDto;
use crate::{shared::access, ApiError, ErrorCode};
/// The settings of the account with this name or id.
pub fn get(db: &Database, name_or_id: &str) -> Result<AccountSettingsDto, ApiError> {
    let account = accounts::find(db, name_or_id)?;
    let s = sign_in::settings(db, &account.id)?;
    Ok(AccountSettingsDto {
        authority: s.authority,
        client_id: s.client_id.unwrap_or_default(),
        partner_center_base: s.partner_center_base,
        arm_base: s.arm_base,
        graph_base: Some(s.graph_base),
        pricing_base: Some(s.pricing_base),
    })
}

/// Validates and saves the settings. Changing where or as which app the account signs in
/// signs it out: its refresh token belongs to the old app and authority.
pub fn update(
    db: &Database,
    name_or_id: &str,
    input: &AccountSettingsDto,
    now: DateTime<Utc>,
) -> Result<AccountSettingsDto, ApiError> {
    access::require_admin(db, now, "changing account settings")?;
    let account = accounts::find(db, name_or_id)?;
    let stored = sign_in::settings(db, &account.id)?;
    super::endpoints::editable(&stored)?;
    let client_id = input.client_id.trim().to_ascii_lowercase();
    if uuid::Uuid::parse_str(&client_id).is_err() || client_id.len() != 36 {
        return Err(ApiError {
            code: ErrorCode::Validation,
            message: format!(
                "{:?} is not an application (client) ID: copy the GUID of the native app registered for CSP Desk (Partner Center > App management, or Entra ID > App registrations)",
                input.client_id
            ),
            field: Some("clientId".into()),
        });
    }
    let trimmed = |s: &str| s.trim().trim_end_matches('/').to_string();
    let candidate = ApiSettings {
        authority: trimmed(&input.authority),
        tenant: account.tenant_id.to_string(),
        client_id: client_id.clone(),
        scopes: default_scopes(),
        partner_center_base: trimmed(&input.partner_center_base),
        arm_base: trimmed(&input.arm_base),
        graph_base: input
            .graph_base
            .as_deref()
            .map(trimmed)
            .unwrap_or_else(|| stored.graph_base.clone()),
        pricing_base: input
            .pricing_base
            .as_deref()
            .map(trimmed)
            .unwrap_or_else(|| stored.pricing_base.clone()),
        extra_ca_pem: None,
    };
    candidate.validate()?;
    let next = sign_in::Settings {
        authority: candidate.authority,
        client_id: Some(client_id),
        partner_center_base: candidate.partner_center_base,
        arm_base: candidate.arm_base,
        graph_base: candidate.graph_base,
        pricing_base: candidate.pricing_base,
        sandbox_seed: None,
    };
    if next.authority != stored.authority || next.client_id != stored.client_id {
        KeyringStore::new().delete(&AccountKey::from_stored(account.id.clone()))?;
        sign_in::clear_session(db, &account.id)?;
    }
    sign_in::set_settings(db, &account.id, &next)?;
    get(db, &account.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap()
    }

    fn input(client: &str, authority: &str) -> AccountSettingsDto {
        AccountSettingsDto {
            authority: authority.into(),
            client_id: client.into(),
            partner_center_base: "https://api.partnercenter.microsoft.com/".into(),
            arm_base: "https://management.azure.com".into(),
            graph_base: None,
            pricing_base: None,
        }
    }

    #[test]
    fn client_id_and_urls_are_validated_and_normalised() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("s.sqlite3")).unwrap();
        accounts::add(
            &db,
            "Contoso",
            "0a1b2c3d-0000-4000-8000-000000000001",
            now(),
        )
        .unwrap();
        let err = update(
            &db,
            "Contoso",
            &input("my-app", "https://login.microsoftonline.com"),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            (ErrorCode::Validation, Some("clientId"))
        );
        let err = update(
            &db,
            "Contoso",
            &input(
                "C3D9A1F2-4B6E-4D8A-9F1C-2E7B5A0D6C48",
                "http://login.example.com",
            ),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            (ErrorCode::Validation, Some("authority")),
            "{err:?}"
        );
        let saved = update(
            &db,
            "Contoso",
            &input(
                "C3D9A1F2-4B6E-4D8A-9F1C-2E7B5A0D6C48",
                "https://login.microsoftonline.us/",
            ),
            now(),
        )
        .unwrap();
        assert_eq!(saved.client_id, "c3d9a1f2-4b6e-4d8a-9f1c-2e7b5a0d6c48");
        assert_eq!(saved.authority, "https://login.microsoftonline.us");
        assert_eq!(
            saved.partner_center_base,
            "https://api.partnercenter.microsoft.com"
        );
        assert_eq!(get(&db, "Contoso").unwrap(), saved);
    }
}
