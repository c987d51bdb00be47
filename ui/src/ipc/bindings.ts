// Generated from the Rust DTOs in crates/api by `cargo test -p cspdesk-api` with
// UPDATE_BINDINGS=1. Do not edit by hand: change the Rust type instead.

export type ErrorCode = "Validation" | "Duplicate" | "NotFound" | "NewerDatabase" | "Storage" | "Internal" | "NotSignedIn" | "ConsentExpired" | "ConsentDenied" | "SignInFailed" | "SignInAborted" | "SignInCancelled" | "Unauthorized" | "MfaRequired" | "Forbidden" | "Throttled" | "Unavailable" | "BadResponse" | "Keyring";

export type ApiError = { 
/**
 * The kind of failure.
 */
code: ErrorCode, 
/**
 * What happened and what to do, in words for the user.
 */
message: string, 
/**
 * The input field at fault, when there is one (`name`, `tenantId`, ...).
 */
field: string | null, };

export type AppInfo = { 
/**
 * CSP Desk version.
 */
version: string, 
/**
 * The database file in use.
 */
databasePath: string, 
/**
 * What the signed-in user may do: Finance hides adding, removing and settings.
 */
access: Access, 
/**
 * Who makes the app read-only, in words (empty for Admin).
 */
accessReason: string, };

export type AccountDto = { 
/**
 * Stable id (also keys the keyring entry).
 */
id: string, 
/**
 * Display name.
 */
name: string, 
/**
 * Partner tenant GUID, lower case.
 */
tenantId: string, 
/**
 * When it was added, RFC 3339 UTC.
 */
createdAt: string, 
/**
 * Whether it is the sandbox partner served by the embedded emulator.
 */
sandbox: boolean, 
/**
 * Whether someone is signed in, and until when.
 */
signIn: SignInStatus, };

export type NewAccount = { 
/**
 * Display name.
 */
name: string, 
/**
 * Partner tenant GUID as typed.
 */
tenantId: string, };

export type Access = "Admin" | "Finance";

export type RoleDto = { 
/**
 * Role template id (`wids`).
 */
id: string, 
/**
 * e.g. "Global Administrator".
 */
name: string, };

export type SignInStatus = { "state": "signedOut" } | { "state": "signedIn", 
/**
 * User principal name.
 */
upn: string, 
/**
 * The tenant that issued the token.
 */
tenantId: string, 
/**
 * Directory roles.
 */
roles: Array<RoleDto>, 
/**
 * What the roles allow in CSP Desk.
 */
access: Access, 
/**
 * Whether the sign-in was MFA-backed.
 */
mfa: boolean, 
/**
 * When consent was given, RFC 3339.
 */
consentedAt: string, 
/**
 * When consent lapses unless used, RFC 3339.
 */
lapsesAt: string, 
/**
 * True within two weeks of the lapse.
 */
lapsingSoon: boolean, } | { "state": "lapsed", 
/**
 * Who was signed in.
 */
upn: string, 
/**
 * When it lapsed, RFC 3339.
 */
lapsedAt: string, };

export type LoginEvent = { "kind": "browserOpened", 
/**
 * Microsoft's (or the emulator's) sign-in page for this attempt.
 */
url: string, 
/**
 * False when no browser could be started: the page offers the link instead.
 */
opened: boolean, };

export type AccountSettingsDto = { 
/**
 * Identity authority, e.g. `https://login.microsoftonline.com`.
 */
authority: string, 
/**
 * The partner's registered native app (client) id; empty until set.
 */
clientId: string, 
/**
 * Partner Center REST base.
 */
partnerCenterBase: string, 
/**
 * Azure Resource Manager base.
 */
armBase: string, };
