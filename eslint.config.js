// ESLint for kiln's TypeScript: typescript-eslint's type-checked rules (they see through types,
// so a floating promise or an `any` leaking out of JSON.parse is caught), over every package,
// image and app definition, the e2e suite and the bench. Formatting is Prettier's job, not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "bench/results/**", "apps/*/site/dist/**", "e2e/artifacts/**", "docs/reference/**"],
  },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a value destructured away on purpose ({ content: _content, ...rest }).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      // Numbers and booleans in messages read fine; objects in templates are what this should catch.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setImmediate: "readonly", URL: "readonly", Buffer: "readonly" },
    },
  },
);
