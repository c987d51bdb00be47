// Lint rules for the UI: typescript-eslint's type-aware recommendations plus the
// React hooks rules, and the UI's two boundaries (the backend through src/ipc, no page
// importing another page).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

// Components must reach the backend only through src/ipc.
const ipcOnly = {
  group: ["@tauri-apps/api", "@tauri-apps/api/*", "@tauri-apps/plugin-*"],
  message: "Call the backend through src/ipc only.",
};
// No page imports another page: a page is routed by App alone; what two features share moves
// to src/components or to a non-page module of the feature that owns it.
const noPageImports = {
  group: ["**/*Page", "./*Page"],
  message: "A page is imported by App only; move what is shared to src/components or to a non-page module of its feature.",
};

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/ipc/bindings.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // The backend's {code, message, field} crosses as a plain object, never an Error.
      "@typescript-eslint/only-throw-error": [
        "error",
        { allow: [{ from: "file", name: "ApiError", path: "src/ipc/bindings.ts" }] },
      ],
      "no-restricted-imports": [
        "error",
        {
          patterns: [ipcOnly],
        },
      ],
    },
  },
  {
    files: ["src/features/**", "src/components/**", "src/data/**", "src/table/**", "src/routing/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [ipcOnly, noPageImports] }] },
  },
  {
    files: ["src/ipc/**", "src/**/*.test.ts", "src/**/*.test.tsx", "src/test/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
