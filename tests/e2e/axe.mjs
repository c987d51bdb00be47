// axe-core in the real app window: its source (ui/node_modules/axe-core, a UI dev dependency
// installed with the UI's modules) is injected through WebDriver's execute script, then run on
// the whole document; the serious and critical violations come back as lines to assert on.
import { readFileSync } from "node:fs";

const source = readFileSync(new URL("../../ui/node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/** Waits for the page's reads to land: a title, and no "Loading…" status left. */
async function settled(session, what) {
  await session.until(async () => {
    const state = await session.cmd("POST", "/execute/sync", {
      script: `const title = document.getElementById("page-title")?.textContent ?? "";
        const loading = [...document.querySelectorAll("[role=status]")].some((s) => /^Loading/.test(s.textContent ?? ""));
        return title.length > 0 && !loading;`,
      args: [],
    });
    return state ? true : null;
  }, `${what} to load`, { timeoutMs: 30000 });
}

/**
 * The serious and critical violations on the page now, one line each: rule, impact, help, and
 * where (up to five selectors). Injects axe-core first if this document has not got it.
 */
export async function violations(session, what) {
  await settled(session, what);
  await session.cmd("POST", "/timeouts", { script: 120000 });
  const present = await session.cmd("POST", "/execute/sync", { script: "return typeof window.axe === 'object';", args: [] });
  if (!present) await session.cmd("POST", "/execute/sync", { script: `${source}\nreturn true;`, args: [] });
  const answer = await session.cmd("POST", "/execute/async", {
    script: `const done = arguments[arguments.length - 1];
      window.axe
        .run(document, { resultTypes: ["violations"] })
        .then((r) => done(JSON.stringify(r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => \`\${v.id} (\${v.impact}): \${v.help} at \${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", ")}\${v.nodes.length > 5 ? \` and \${v.nodes.length - 5} more\` : ""}\`))))
        .catch((e) => done(JSON.stringify([\`axe-core failed: \${e}\`])));`,
    args: [],
  });
  return JSON.parse(answer).map((line) => `${what}: ${line}`);
}
