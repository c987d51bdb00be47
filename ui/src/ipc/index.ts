// The one door from the UI to the backend. Every call goes through `call`, which turns
// whatever the backend throws into a typed ApiError; components import the functions
// below and never call `invoke` themselves.
import { invoke } from "@tauri-apps/api/core";
import type { AccountDto, ApiError, AppInfo, ErrorCode, NewAccount } from "./bindings";

export type { AccountDto, ApiError, AppInfo, ErrorCode, NewAccount };

const CODES: readonly ErrorCode[] = [
  "Validation",
  "Duplicate",
  "NotFound",
  "NewerDatabase",
  "Storage",
  "Internal",
];

/** True when `e` has the `{code, message}` shape the backend sends. */
export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== "object" || e === null) return false;
  const r = e as Record<string, unknown>;
  return typeof r.message === "string" && CODES.includes(r.code as ErrorCode);
}

/** Normalises anything thrown by the IPC layer into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { code: e.code, message: e.message, field: e.field ?? null };
  const text = e instanceof Error ? e.message : String(e);
  return {
    code: "Internal",
    message: `CSP Desk failed unexpectedly (${text}). Restart the app; if it happens again, report it.`,
    field: null,
  };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const app = {
  info: () => call<AppInfo>("app_info"),
};

export const accounts = {
  list: () => call<AccountDto[]>("list_accounts"),
  add: (input: NewAccount) => call<AccountDto>("add_account", { input }),
  remove: (id: string) => call<AccountDto>("remove_account", { id }),
};
