// Lint rules for the UI: typescript-eslint's type-aware recommendations plus the
// React hooks rules. Components must reach the backend only through src/ipc.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

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
          patterns: [
            {
              group: ["@tauri-apps/api", "@tauri-apps/api/*", "@tauri-apps/plugin-*"],
              message: "Call the backend through src/ipc only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/ipc/**", "src/**/*.test.ts", "src/**/*.test.tsx", "src/test/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
