// Generated from the Rust DTOs in crates/api by `cargo test -p cspdesk-api` with
// UPDATE_BINDINGS=1. Do not edit by hand: change the Rust type instead.

export type ErrorCode = "Validation" | "Duplicate" | "NotFound" | "NewerDatabase" | "Storage" | "Internal";

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
databasePath: string, };

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
createdAt: string, };

export type NewAccount = { 
/**
 * Display name.
 */
name: string, 
/**
 * Partner tenant GUID as typed.
 */
tenantId: string, };
