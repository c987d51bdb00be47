// The one door from the UI to the backend. Every call goes through `call`, which turns
// whatever the backend throws into a typed ApiError; components import the functions
// below and never call `invoke` themselves.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  AccountDto,
  AccountSettingsDto,
  Access,
  ApiError,
  AppInfo,
  ErrorCode,
  LoginEvent,
  NewAccount,
  RoleDto,
  SignInStatus,
} from "./bindings";

export type { AccountDto, AccountSettingsDto, Access, ApiError, AppInfo, ErrorCode, LoginEvent, NewAccount, RoleDto, SignInStatus };

// Keyed by ErrorCode so the compiler fails here when the backend adds a code.
const CODES = {
  Validation: true,
  Duplicate: true,
  NotFound: true,
  NewerDatabase: true,
  Storage: true,
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
  addSandbox: () => call<AccountDto>("add_sandbox"),
  settings: (id: string) => call<AccountSettingsDto>("account_settings", { id }),
  updateSettings: (id: string, settings: AccountSettingsDto) =>
    call<AccountSettingsDto>("update_account_settings", { id, settings }),
};

export const signIn = {
  /** Opens the browser and resolves when the sign-in finishes; `onEvent` hears the URL. */
  login: (id: string, onEvent: (e: LoginEvent) => void) => {
    const events = new Channel<LoginEvent>();
    events.onmessage = onEvent;
    return call<AccountDto>("login_account", { id, events });
  },
  cancel: (id: string) => call<null>("cancel_login", { id }),
  logout: (id: string) => call<AccountDto>("logout_account", { id }),
  verify: (id: string) => call<AccountDto>("verify_sign_in", { id }),
};
