//! JWT-shaped tokens signed with HS256 under a key derived from the seed, so tokens minted by
//! one emulator stay valid after a restart with the same seed (like a stable Entra signing key).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Why a token was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFault {
    /// Not three base64url segments of JSON.
    Malformed,
    /// Signature does not match the emulator's key.
    BadSignature,
}

/// Signing key of a seed.
pub fn signing_key(seed: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"cspdesk-emulator-signing-key/v1/");
    h.update(seed.to_le_bytes());
    h.finalize().into()
}

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Signs `claims` as `header.payload.signature`.
pub fn sign(key: &[u8], kid: &str, claims: &Value) -> String {
    let header = json!({ "typ": "JWT", "alg": "HS256", "kid": kid });
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{head}.{body}");
    let sig = URL_SAFE_NO_PAD.encode(mac(key, signing_input.as_bytes()));
    format!("{signing_input}.{sig}")
}

/// Verifies the signature and returns the claims (expiry is the caller's business).
pub fn verify(key: &[u8], token: &str) -> Result<Value, TokenFault> {
    let mut parts = token.split('.');
    let (Some(head), Some(body), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenFault::Malformed);
    };
    let given = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|_| TokenFault::Malformed)?;
    let expected = mac(key, format!("{head}.{body}").as_bytes());
    if given != expected {
        return Err(TokenFault::BadSignature);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| TokenFault::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenFault::Malformed)
}

/// Opaque-looking signed blob used for refresh tokens and device codes.
pub fn seal(key: &[u8], prefix: &str, payload: &Value) -> String {
    let body = URL_SAFE_NO_PAD.encode(payload.to_string());
    let sig = URL_SAFE_NO_PAD.encode(&mac(key, body.as_bytes())[..16]);
    format!("{prefix}{body}.{sig}")
}

/// Opens a [`seal`]ed blob.
pub fn open(key: &[u8], prefix: &str, sealed: &str) -> Option<Value> {
    let rest = sealed.strip_prefix(prefix)?;
    let (body, sig) = rest.split_once('.')?;
    let given = URL_SAFE_NO_PAD.decode(sig).ok()?;
    if given != mac(key, body.as_bytes())[..16] {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
}

/// S256 PKCE transform of a verifier.
pub fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_under_their_seed() {
        let claims = json!({ "aud": "x", "exp": 1 });
        let t = sign(&signing_key(1), "k", &claims);
        assert_eq!(t.split('.').count(), 3, "JWT shape");
        assert_eq!(verify(&signing_key(1), &t).unwrap(), claims);
        assert_eq!(
            verify(&signing_key(2), &t),
            Err(TokenFault::BadSignature),
            "another seed's key must not verify"
        );
        assert_eq!(verify(&signing_key(1), "abc"), Err(TokenFault::Malformed));
    }

    #[test]
    fn pkce_matches_an_independent_sha256_base64url() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gXk-jFlwk"),
            "t1poxLUhjXDz9_9YiymVHwnHRtHYEzPHg9DoNpLqqzo",
            "value computed with Python hashlib + urlsafe_b64encode"
        );
    }
}
