import { createRequire } from "node:module";
import { keyValuePairs, type Instruction } from "../dockerfile.js";
import { ofKeyword, type LabelType, type Rule, type RuleContext, type RuleFinding } from "./rule.js";

let spdxIds: Set<string> | undefined;
/** The SPDX license list (spdx-license-ids), read the first time a schema asks for it. */
function spdx(): Set<string> {
  spdxIds ??= new Set(createRequire(import.meta.url)("spdx-license-ids") as string[]);
  return spdxIds;
}

const semver =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const email = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

const validators: Partial<Record<LabelType, { code: string; what: string; valid: (value: string) => boolean }>> = {
  url: { code: "DL3052", what: "a URL", valid: (value) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && URL.canParse(value) },
  rfc3339: {
    code: "DL3053",
    what: "an RFC 3339 time",
    valid: (value) => rfc3339.test(value) && !Number.isNaN(Date.parse(value.replace(" ", "T"))),
  },
  spdx: { code: "DL3054", what: "an SPDX license identifier", valid: (value) => spdx().has(value) },
  hash: { code: "DL3055", what: "a git commit hash (7 or 40 hex digits)", valid: (value) => /^([0-9a-f]{7}|[0-9a-f]{40})$/.test(value) },
  semver: { code: "DL3056", what: "a semantic version", valid: (value) => semver.test(value) },
  email: { code: "DL3058", what: "an email address", valid: (value) => email.test(value) },
};

function labels(context: RuleContext): { instruction: Instruction; pairs: { key: string; value: string }[] }[] {
  return ofKeyword(context.dockerfile, "LABEL", { onbuild: true }).map((instruction) => ({
    instruction,
    pairs: keyValuePairs(instruction).map(({ key, value }) => ({ key, value: value ?? "" })),
  }));
}

function typedLabelRule(type: LabelType): Rule {
  const validator = validators[type] as { code: string; what: string; valid: (value: string) => boolean };
  return {
    code: validator.code,
    severity: "warning",
    summary: `a label the label-schema types as ${type} is not ${validator.what}`,
    check: (context) =>
      labels(context).flatMap(({ instruction, pairs }): RuleFinding[] => {
        const bad = pairs.filter(({ key, value }) => context.settings.labelSchema[key] === type && !validator.valid(value));
        return bad.length > 0
          ? [{ line: instruction.line, message: `label ${bad.map((b) => b.key).join(", ")} is not ${validator.what}` }]
          : [];
      }),
  };
}

const validKey = (key: string) =>
  /^[a-z]/.test(key) &&
  /[a-z0-9]$/.test(key) &&
  /^[a-z0-9.\-_/]+$/.test(key) &&
  !/^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/.test(key) &&
  !key.includes("..") &&
  !key.includes("--");

export const labelRules: Rule[] = [
  {
    code: "DL3048",
    severity: "style",
    summary: "label keys are lower-case reverse-DNS names (a-z, 0-9, . - _ /), outside Docker's own namespaces",
    check: (context) =>
      labels(context)
        .filter(({ pairs }) => pairs.some(({ key }) => !validKey(key)))
        .map(({ instruction }) => ({ line: instruction.line })),
  },
  {
    code: "DL3049",
    severity: "info",
    summary: "a label the label-schema requires is missing",
    check: (context) => {
      const required = Object.keys(context.settings.labelSchema);
      if (required.length === 0) return [];
      const { dockerfile } = context;
      const perStage = new Map<number, Set<string>>();
      for (const { instruction, pairs } of labels(context)) {
        if (instruction.onbuild) continue;
        const set = perStage.get(instruction.stage) ?? new Set<string>();
        for (const { key } of pairs) set.add(key);
        perStage.set(instruction.stage, set);
      }
      const copiedFrom = new Set(
        ofKeyword(dockerfile, "COPY").flatMap((copy) => copy.flags.filter((f) => f.name === "from").map((f) => f.value.toLowerCase())),
      );
      const has = (stage: number, label: string): boolean => {
        if (perStage.get(stage)?.has(label)) return true;
        const image = dockerfile.stages[stage]?.imageName.toLowerCase();
        const parent = dockerfile.stages.find((s) => s.index < stage && s.name === image);
        return parent ? has(parent.index, label) : false;
      };
      // A stage built FROM another (by its name) that sets the label speaks for it, as hadolint reads it.
      const setByChild = (stage: number, label: string) =>
        dockerfile.stages.some(
          (child) =>
            child.index > stage &&
            child.name === undefined &&
            child.imageName.toLowerCase() === dockerfile.stages[stage]?.name &&
            perStage.get(child.index)?.has(label),
        );
      return dockerfile.stages.flatMap((stage): RuleFinding[] => {
        if (stage.name && copiedFrom.has(stage.name)) return [];
        const missing = required.filter((label) => !has(stage.index, label) && !setByChild(stage.index, label));
        return missing.length > 0 ? [{ line: stage.line, message: `label ${missing.join(", ")} is missing` }] : [];
      });
    },
  },
  {
    code: "DL3050",
    severity: "info",
    summary: "a label outside the label-schema (strict-labels is on)",
    check: (context) =>
      context.settings.strictLabels
        ? labels(context)
            .filter(({ pairs }) => pairs.some(({ key }) => !(key in context.settings.labelSchema)))
            .map(({ instruction }) => ({ line: instruction.line }))
        : [],
  },
  {
    code: "DL3051",
    severity: "warning",
    summary: "a label the label-schema names is empty",
    check: (context) =>
      labels(context)
        .filter(({ pairs }) => pairs.some(({ key, value }) => key in context.settings.labelSchema && value === ""))
        .map(({ instruction }) => ({ line: instruction.line })),
  },
  typedLabelRule("url"),
  typedLabelRule("rfc3339"),
  typedLabelRule("spdx"),
  typedLabelRule("hash"),
  typedLabelRule("semver"),
  typedLabelRule("email"),
];
