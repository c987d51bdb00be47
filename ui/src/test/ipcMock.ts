// A fake backend for component tests: Tauri's own mockIPC with an in-memory account
// list that validates like the real one would, so tests exercise the real IPC module.
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import type { AccountDto, ApiError, NewAccount } from "../ipc";

export function mockBackend(initial: AccountDto[] = [], access: "Admin" | "Finance" = "Admin"): { accounts: AccountDto[] } {
  const state = { accounts: [...initial] };
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown>;
    switch (cmd) {
      case "app_info":
        return { version: "0.0.0-test", databasePath: "/tmp/test.sqlite3", access, accessReason: access === "Finance" ? "billing@contoso.onmicrosoft.com (Billing Administrator)" : "" };
      case "list_accounts":
        return state.accounts;
      case "add_account": {
        const input = a.input as NewAccount;
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.tenantId.trim())) {
          const err: ApiError = { code: "Validation", message: `Account Id: "${input.tenantId}" is not a tenant id`, field: "tenantId" };
          throw err;
        }
        const added: AccountDto = { id: `id-${state.accounts.length + 1}`, name: input.name.trim(), tenantId: input.tenantId.toLowerCase(), createdAt: "2026-11-21T09:30:00Z", sandbox: false, signIn: { state: "signedOut" } };
        state.accounts.push(added);
        return added;
      }
      case "add_sandbox": {
        const added: AccountDto = { id: "sandbox-id", name: "sandbox", tenantId: "3c990f80-f9a9-44be-9757-a87d131a8a48", createdAt: "2026-11-21T09:30:00Z", sandbox: true, signIn: { state: "signedOut" } };
        state.accounts.push(added);
        return added;
      }
      case "logout_account": {
        const id = a.id as string;
        state.accounts = state.accounts.map((x) => (x.id === id ? { ...x, signIn: { state: "signedOut" } } : x));
        return state.accounts.find((x) => x.id === id);
      }
      case "account_settings":
        return { authority: "https://login.microsoftonline.com", clientId: "", partnerCenterBase: "https://api.partnercenter.microsoft.com", armBase: "https://management.azure.com" };
      case "update_account_settings": {
        const settings = a.settings as { clientId: string };
        if (!/^[0-9a-f-]{36}$/i.test(settings.clientId)) {
          const err: ApiError = { code: "Validation", message: `"${settings.clientId}" is not an application (client) ID`, field: "clientId" };
          throw err;
        }
        return settings;
      }
      case "remove_account": {
        const id = a.id as string;
        const found = state.accounts.find((x) => x.id === id);
        state.accounts = state.accounts.filter((x) => x.id !== id);
        return found;
      }
      default:
        throw new Error(`unmocked command ${cmd}`);
    }
  });
  return state;
}

export { clearMocks };
