// ESLint for kiln's TypeScript: typescript-eslint's type-checked rules (they see through types,
// so a floating promise or an `any` leaking out of JSON.parse is caught), over every package,
// image and app definition, the e2e suite and the bench. Formatting is Prettier's job, not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/.turbo/**",
      "bench/results/**",
      "apps/*/site/dist/**",
      "e2e/artifacts/**",
      "docs/reference/**",
    ],
  },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // The root tsconfig: its paths map @kiln/* to the sources, so types flow between packages
      // without a build (a package's own tsconfig would see an unbuilt dist/ and type it as any).
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a value destructured away on purpose ({ content: _content, ...rest }).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      // Numbers and booleans in messages read fine; objects in templates are what this should catch.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Tests read kiln's JSON output and use vitest's asymmetric matchers, both typed `any` on
    // purpose; the assertions are what check their shape.
    files: ["**/*.test.ts", "e2e/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["apps/*/site/static/**/*.js"],
    languageOptions: { globals: { document: "readonly", location: "readonly", URLSearchParams: "readonly", window: "readonly" } },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ignores: ["apps/*/site/static/**"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
        Buffer: "readonly",
      },
    },
  },
  {
    // CommonJS by packages/cli/bin/package.json: the bin starts no ES module loader.
    files: ["packages/cli/bin/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", __dirname: "readonly" },
    },
  },
);
