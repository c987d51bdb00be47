// The Azure Stack part of the fake backend: registrations and customer subscriptions kept in
// memory, validating ids like the backend does before calling Azure. Tests set `stackMock`
// and provoke Azure's refusals through the mock's `failures`.
import type {
  AddStackCustomerDto,
  ApiError,
  RegistrationRefDto,
  StackCustomerSubscriptionDto,
  StackOverviewDto,
  StackSubscriptionChoiceDto,
} from "../ipc";

export const stackMock: {
  overview: StackOverviewDto;
  customers: Map<string, StackCustomerSubscriptionDto[]>;
  choices: StackSubscriptionChoiceDto[];
} = { overview: { subscriptions: [], registrations: [] }, customers: new Map(), choices: [] };

export function resetStackMock(overview: StackOverviewDto, choices: StackSubscriptionChoiceDto[] = []) {
  stackMock.overview = structuredClone(overview);
  stackMock.customers = new Map();
  stackMock.choices = choices;
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

export function stackCommand(cmd: string, a: Record<string, unknown>): unknown {
  switch (cmd) {
    case "stack_overview":
    case "stack_refresh":
      return stackMock.overview;
    case "stack_subscription_choices":
      return stackMock.choices;
    case "stack_customer_subscriptions":
      return stackMock.customers.get(keyOf(a.registration as RegistrationRefDto)) ?? [];
    case "stack_add_customer": {
      const input = a.input as AddStackCustomerDto;
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
    }
    case "stack_remove_customer": {
      const key = keyOf(a.registration as RegistrationRefDto);
      const id = checkedId(a.subscriptionId as string);
      const list = (stackMock.customers.get(key) ?? []).filter((m) => m.subscriptionId !== id);
      stackMock.customers.set(key, list);
      return list;
    }
    case "stack_verify_customer":
      return stackMock.customers.get(keyOf(a.registration as RegistrationRefDto)) ?? [];
    default:
      throw new Error(`unmocked command ${cmd}`);
  }
}
