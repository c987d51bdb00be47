// Invokes a command by its declared name with its declared arguments, and turns whatever the
// backend throws into a typed ApiError. Only the generated commands.ts calls it.
import { invoke } from "@tauri-apps/api/core";
import type { ApiError, ErrorCode } from "./bindings";
import type { CommandName, Commands } from "./commands";

// Keyed by ErrorCode so the compiler fails here when the backend adds a code.
const CODES = {
  Validation: true,
  Duplicate: true,
  NotFound: true,
  NewerDatabase: true,
  Storage: true,
  Upgrading: true,
  Internal: true,
  NotSignedIn: true,
  ConsentExpired: true,
  ConsentDenied: true,
  SignInFailed: true,
  SignInAborted: true,
  SignInCancelled: true,
  Unauthorized: true,
  MfaRequired: true,
  Forbidden: true,
  Throttled: true,
  Unavailable: true,
  BadResponse: true,
  Keyring: true,
  AlreadyRunning: true,
  SasExpired: true,
} satisfies Record<ErrorCode, true>;

/** True when `e` has the `{code, message}` shape the backend sends. */
export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== "object" || e === null) return false;
  const r = e as Record<string, unknown>;
  return typeof r.message === "string" && typeof r.code === "string" && Object.hasOwn(CODES, r.code);
}

/** Normalises anything thrown by the IPC layer into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { code: e.code, message: e.message, field: e.field ?? null };
  const text = e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e);
  return {
    code: "Internal",
    message: `CSP Desk failed unexpectedly (${text}). Restart the app; if it happens again, report it.`,
    field: null,
  };
}

/** Calls `command`; rejects with an ApiError. */
export async function call<K extends CommandName>(command: K, args: Commands[K]["args"]): Promise<Commands[K]["result"]> {
  try {
    return await invoke<Commands[K]["result"]>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}
