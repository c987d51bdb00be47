// The first-run path on Accounts: add the partner account -> sign in -> run Discovery, as
// three numbered steps with the current one marked, shown until a Discovery run has succeeded.
// Each step has one primary action on the page (the Add form, Login with Microsoft, Start
// Discovery); the page makes only the current step's action primary, so the eye goes there.
import type { AccountDto, DiscoveryStatusDto } from "../../ipc";

export type SetupStep = "add" | "signIn" | "discover" | "done";

/** Where the setup stands: the first step not yet done by any account. */
export function setupStep(list: readonly AccountDto[], statuses: ReadonlyMap<string, DiscoveryStatusDto>): SetupStep {
  if (list.length === 0) return "add";
  if (!list.some((a) => a.signIn.state === "signedIn")) return "signIn";
  if (!list.some((a) => statuses.get(a.id)?.lastSuccessAt)) return "discover";
  return "done";
}

const STEPS: { step: Exclude<SetupStep, "done">; title: string; now: string }[] = [
  {
    step: "add",
    title: "Add the partner account",
    now: "Give it a name and the partner tenant ID from Partner Center, then Add account.",
  },
  {
    step: "signIn",
    title: "Sign in with Microsoft",
    now: "Use Login with Microsoft on the account below: an admin of the partner tenant consents once.",
  },
  {
    step: "discover",
    title: "Run Discovery",
    now: "Start Discovery below: it reads customers, subscriptions, usage, prices and invoices.",
  },
];

export function SetupPath({ step }: { step: SetupStep }) {
  if (step === "done") return null;
  const at = STEPS.findIndex((s) => s.step === step);
  return (
    <section className="setup-path card" aria-labelledby="setup-title" data-testid="setup-path">
      <h2 id="setup-title" className="visually-hidden">
        Setting up CSP Desk
      </h2>
      <ol>
        {STEPS.map((s, i) => {
          const state = i < at ? "done" : i === at ? "current" : "todo";
          return (
            <li key={s.step} className={state} aria-current={state === "current" ? "step" : undefined} data-testid={`setup-${s.step}`}>
              <span className="setup-mark" aria-hidden="true">
                {state === "done" ? "✓" : i + 1}
              </span>
              <span>
                <strong>{s.title}</strong>
                {state === "done" && <span className="visually-hidden"> (done)</span>}
                {state === "current" && <span className="setup-now">{s.now}</span>}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
