import { baseImageRules } from "./base-images.js";
import { copyAddRules } from "./copy-add.js";
import { instructionRules } from "./instructions.js";
import { kilnRules } from "./kiln-rules.js";
import { labelRules } from "./labels.js";
import { languagePackageRules } from "./language-packages.js";
import { osPackageRules } from "./os-packages.js";
import type { Rule } from "./rule.js";
import { runCommandRules } from "./run-commands.js";
import { secretRules } from "./secret-rules.js";

/** Every rule kiln lint runs, by code. DL1000 (the file cannot be read) comes from the parser. */
export const rules: Rule[] = [
  ...instructionRules,
  ...baseImageRules,
  ...copyAddRules,
  ...osPackageRules,
  ...languagePackageRules,
  ...runCommandRules,
  ...labelRules,
  ...secretRules,
  ...kilnRules,
].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
