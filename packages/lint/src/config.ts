import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { LintInputError } from "./errors.js";
import type { LabelType, Severity } from "./rules/rule.js";

/** .hadolint.yaml, read as hadolint reads it, so a project that has one keeps its settings. */
export interface LintConfig {
  /** codes never reported */
  ignored: string[];
  /** a new severity per code */
  override: Partial<Record<Exclude<Severity, "ignore">, string[]>>;
  trustedRegistries: string[];
  labelSchema: Record<string, LabelType>;
  strictLabels: boolean;
  /** the lowest severity that fails the run ("none": never fail) */
  failureThreshold: Severity | "none" | undefined;
  noFail: boolean;
  /** ignore `# hadolint ignore=` pragmas */
  disableIgnorePragma: boolean;
  /** where it was read from */
  file: string | undefined;
}

export const defaultConfig: LintConfig = {
  ignored: [],
  override: {},
  trustedRegistries: [],
  labelSchema: {},
  strictLabels: false,
  failureThreshold: undefined,
  noFail: false,
  disableIgnorePragma: false,
  file: undefined,
};

const severities = ["error", "warning", "info", "style", "ignore"] as const;
const labelTypes = ["text", "url", "semver", "hash", "rfc3339", "spdx", "email"] as const;

/** Where hadolint looks, first found wins: ./.hadolint.yaml, the XDG config dir, ~/.hadolint.yaml. */
export function findConfigFile(cwd: string): string | undefined {
  const xdg = process.env.XDG_CONFIG_HOME || path.join(homedir(), ".config");
  const candidates = [
    path.join(cwd, ".hadolint.yaml"),
    path.join(cwd, ".hadolint.yml"),
    path.join(xdg, "hadolint.yaml"),
    path.join(xdg, "hadolint.yml"),
    path.join(homedir(), ".hadolint", "hadolint.yaml"),
    path.join(homedir(), ".hadolint", "hadolint.yml"),
    path.join(homedir(), ".hadolint.yaml"),
    path.join(homedir(), ".hadolint.yml"),
  ];
  return candidates.find((file) => existsSync(file));
}

export function loadConfig(file: string): LintConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new LintInputError(`${file}: ${(error as Error).message.split("\n")[0]}`, `fix the YAML in ${file}`);
  }
  return parseConfig(raw ?? {}, file);
}

export function parseConfig(raw: unknown, file: string): LintConfig {
  const bad = (field: string, expected: string): never => {
    throw new LintInputError(
      `${file}: ${field} must be ${expected}`,
      `fix ${field} in ${file} (see the README of @kiln/lint for the keys)`,
    );
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad("the file", "a mapping of settings");
  const map = raw as Record<string, unknown>;
  const codes = (value: unknown, field: string): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return bad(field, "a list of rule codes");
    return value.map((v: string) => v.trim().toUpperCase());
  };
  const flag = (field: string): boolean => {
    const value = map[field];
    if (value === undefined || value === null) return false;
    return typeof value === "boolean" ? value : bad(field, "true or false");
  };
  const override: LintConfig["override"] = {};
  if (map.override !== undefined && map.override !== null) {
    if (typeof map.override !== "object" || Array.isArray(map.override))
      bad("override", "a mapping of error/warning/info/style to rule codes");
    for (const [level, list] of Object.entries(map.override as Record<string, unknown>)) {
      if (!["error", "warning", "info", "style"].includes(level)) bad(`override.${level}`, "one of error, warning, info, style");
      override[level as keyof LintConfig["override"]] = codes(list, `override.${level}`);
    }
  }
  const labelSchema: Record<string, LabelType> = {};
  const schema = map["label-schema"];
  if (schema !== undefined && schema !== null) {
    if (typeof schema !== "object" || Array.isArray(schema)) bad("label-schema", "a mapping of label names to types");
    for (const [label, type] of Object.entries(schema as Record<string, unknown>)) {
      if (!labelTypes.includes(type as LabelType)) bad(`label-schema.${label}`, `one of ${labelTypes.join(", ")}`);
      labelSchema[label] = type as LabelType;
    }
  }
  const threshold = map["failure-threshold"];
  if (threshold !== undefined && threshold !== null && !([...severities, "none"] as string[]).includes(threshold as string))
    bad("failure-threshold", "one of error, warning, info, style, ignore, none");
  const registries = map.trustedRegistries;
  if (registries !== undefined && registries !== null && (!Array.isArray(registries) || !registries.every((r) => typeof r === "string")))
    bad("trustedRegistries", "a list of registry names");
  return {
    ignored: codes(map.ignored, "ignored"),
    override,
    trustedRegistries: (registries as string[] | undefined | null) ?? [],
    labelSchema,
    strictLabels: flag("strict-labels"),
    failureThreshold: (threshold as LintConfig["failureThreshold"] | null) ?? undefined,
    noFail: flag("no-fail"),
    disableIgnorePragma: flag("disable-ignore-pragma"),
    file,
  };
}
