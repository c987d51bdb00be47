//! Who may call the Pricing API: an App+User token for `https://api.partner.microsoft.com` of
//! the partner tenant (a Partner Center or Graph token gets 401, reference §0), a user who is
//! an Admin agent or a Sales agent in Partner Center (403 otherwise, as the price sheet page
//! states), then the route's token bucket (429 with `Retry-After`). App-only tokens are refused:
//! "application-only isn't yet supported".

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::identity::PRICING;
use crate::partner_center::guard::{unauthorized, verify_bearer};
use crate::server::Shared;
use crate::wire::{pc_error, throttled};
use crate::world::tenancy::partner_roles::{ADMIN_AGENT, SALES_AGENT};

/// Admits one Pricing API call or answers why not.
pub(crate) fn admit(s: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let claims = verify_bearer(s, headers, PRICING)?;
    let tid = claims["tid"].as_str().unwrap_or_default().to_string();
    if tid != s.world.partner.tenant_id {
        return Err(unauthorized(
            s,
            "400",
            "Access denied: the token's tenant is not a Partner Center partner.",
        ));
    }
    let upn = claims["upn"]
        .as_str()
        .filter(|_| claims.get("scp").is_some());
    let Some(upn) = upn else {
        return Err(pc_error(
            StatusCode::FORBIDDEN,
            "403",
            "Application-only authentication is not supported: call as a signed-in user (App+User).",
        ));
    };
    let agent = s.world.partner.user(upn).is_some_and(|u| {
        u.partner_roles
            .iter()
            .any(|r| *r == ADMIN_AGENT || *r == SALES_AGENT)
    });
    if !agent {
        return Err(pc_error(
            StatusCode::FORBIDDEN,
            "403",
            "The user is not authorized: the Pricing API needs the Admin agent or Sales agent role.",
        ));
    }
    let knobs = s.knobs();
    if let Err(retry_after) =
        s.buckets
            .take(&knobs.rate_limits, "pricing", &tid, None, s.clock.now())
    {
        return Err(throttled(retry_after));
    }
    Ok(())
}
