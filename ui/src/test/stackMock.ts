// The Azure Stack part of the fake backend: registrations and customer subscriptions kept in
// memory, validating ids like the backend does before calling Azure. Tests set `stackMock`
// and provoke Azure's refusals through the mock's `failures`.
import type {
  StackAdminEndpointDto,
  StackUsageTotalDto,
  ApiError,
  RegistrationRefDto,
  StackCustomerSubscriptionDto,
  StackOverviewDto,
  StackSubscriptionChoiceDto,
} from "../ipc";
import type { MockHandlers } from "./ipcMock";

export const stackMock: {
  overview: StackOverviewDto;
  customers: Map<string, StackCustomerSubscriptionDto[]>;
  choices: StackSubscriptionChoiceDto[];
  endpoints: StackAdminEndpointDto[];
  /** What the Stack reports: an import makes it the imported usage. */
  stackUsage: StackUsageTotalDto[];
  usage: StackUsageTotalDto[];
} = {
  overview: { subscriptions: [], registrations: [], setAside: [] },
  customers: new Map(),
  choices: [],
  endpoints: [],
  stackUsage: [],
  usage: [],
};

export function resetStackMock(overview: StackOverviewDto, choices: StackSubscriptionChoiceDto[] = []) {
  stackMock.overview = structuredClone(overview);
  stackMock.customers = new Map();
  stackMock.choices = choices;
  stackMock.endpoints = [];
  stackMock.stackUsage = [];
  stackMock.usage = [];
}

const GUID = /^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/;
const keyOf = (r: RegistrationRefDto) => `${r.subscriptionId}/${r.resourceGroup}/${r.name}`;

function fail(code: ApiError["code"], message: string, field: string | null): never {
  const err: ApiError = { code, message, field };
  throw err;
}

function checkedId(text: string): string {
  const t = text.trim();
  if (!GUID.test(t)) {
    fail(
      "Validation",
      `This is not a valid Azure subscription id. Enter the customer's Azure subscription id as a GUID. (checked before calling Azure: '${t}' is not a subscription GUID)`,
      "subscriptionId",
    );
  }
  return t.replace(/[{}]/g, "").toLowerCase();
}

/** The Azure Stack commands. */
export const stackHandlers: MockHandlers = {
  azure_stack_refresh: () => stackMock.overview,
  azure_stack_get_overview: () => stackMock.overview,
  azure_stack_list_choices: () => stackMock.choices,
  azure_stack_list_customers: (a) => stackMock.customers.get(keyOf(a.registration)) ?? [],
  azure_stack_add_customer: (a) => {
    const input = a.input;
    const id = checkedId(input.subscriptionId);
    const choice = stackMock.choices.find((c) => c.subscriptionId === id);
    const tenant = input.tenantId ?? choice?.tenantId ?? fail("Validation", "Enter the customer's tenant ID.", "tenantId");
    const key = keyOf(input.registration);
    const list = (stackMock.customers.get(key) ?? []).filter((m) => m.subscriptionId !== id && m.tenantId !== tenant);
    list.push({
      subscriptionId: id,
      tenantId: tenant,
      customerId: choice?.customerId ?? null,
      companyName: choice?.companyName ?? null,
      friendlyName: choice?.friendlyName ?? null,
      readAt: "2026-11-22T09:00:00Z",
    });
    stackMock.customers.set(key, list);
    return list;
  },
  azure_stack_remove_customer: (a) => {
    const key = keyOf(a.registration);
    const id = checkedId(a.subscriptionId);
    const list = (stackMock.customers.get(key) ?? []).filter((m) => m.subscriptionId !== id);
    stackMock.customers.set(key, list);
    return list;
  },
  azure_stack_verify_customer: (a) => stackMock.customers.get(keyOf(a.registration)) ?? [],
  azure_stack_list_admin_endpoints: () => stackMock.endpoints,
  azure_stack_set_admin_endpoint: (a) => {
    const input = a.input;
    if (!/^https:\/\/|^http:\/\/127\.0\.0\.1/.test(input.endpoint.trim()))
      fail("Validation", "The Stack admin endpoint must be an https:// address, e.g. https://adminmanagement.local.azurestack.external", "endpoint");
    stackMock.endpoints = [
      ...stackMock.endpoints.filter((e) => keyOf(e.registration) !== keyOf(input.registration)),
      { ...input, setAt: "2026-11-22T08:00:00Z" },
    ];
    return stackMock.endpoints;
  },
  azure_stack_import_usage: (a) => {
    const input = a.input;
    stackMock.usage = stackMock.stackUsage;
    return {
      registration: input.registration,
      from: "2026-11-01",
      to: "2026-11-21",
      userSubscriptions: 2,
      records: stackMock.usage.reduce((n, t) => n + t.lines.length, 0),
      replaced: 0,
    };
  },
  azure_stack_list_usage_totals: () => stackMock.usage,
};
