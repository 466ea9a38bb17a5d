import { defaultConfig, type LintConfig } from "./config.js";
import { parseDockerfile } from "./dockerfile.js";
import { ignoresOf } from "./pragmas.js";
import { rules } from "./rules/catalog.js";
import { ruleContext, type Severity } from "./rules/rule.js";
import { loadShellParser } from "./shell.js";
import { ProcessPool, shellcheckAvailable, shellcheckFindings, type ScriptFinding } from "./shellcheck.js";

export interface Finding {
  file: string;
  line: number;
  column: number;
  /** DL…, SC…, KL… */
  code: string;
  severity: Exclude<Severity, "ignore">;
  message: string;
  /** how to fix it, when the message alone does not say */
  fix?: string;
}

export interface LintOptions {
  /** .hadolint.yaml settings (defaults: none) */
  config?: LintConfig;
  /** "auto" (default): run shellcheck when it is installed; "on": it must be */
  shellcheck?: "auto" | "on" | "off";
  /** per RUN script; default 10 s */
  shellcheckTimeoutMs?: number;
  /** share one pool across files so shellcheck runs in parallel without oversubscribing */
  pool?: ProcessPool;
  /** named contexts the build passes (--build-context NAME=…), which COPY --from may name */
  buildContexts?: string[];
}

const rank: Record<Severity, number> = { error: 3, warning: 2, info: 1, style: 0, ignore: -1 };

/** Whether a finding of `severity` is at or above `level`. */
export function atLeast(severity: Severity, level: Severity): boolean {
  return rank[severity] >= rank[level];
}

/** Decodes a file's bytes; a binary, UTF-16 or non-UTF-8 file is a DL1000 finding, not an exception. */
export function decodeDockerfile(bytes: Uint8Array): { text: string } | { problem: string } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { problem: "the file is UTF-16: save it as UTF-8" };
  if (bytes.includes(0)) return { problem: "the file is binary, not a Dockerfile" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { problem: "the file is not valid UTF-8: save it as UTF-8" };
  }
}

/** Lints a Dockerfile's bytes (see lintText). */
export async function lintBytes(bytes: Uint8Array, file: string, options: LintOptions = {}): Promise<Finding[]> {
  const decoded = decodeDockerfile(bytes);
  if ("problem" in decoded) return [{ file, line: 1, column: 1, code: "DL1000", severity: "error", message: decoded.problem }];
  return lintText(decoded.text, file, options);
}

/**
 * Every rule on one Dockerfile, and shellcheck on its RUN scripts unless turned off. At most one
 * finding per rule and instruction; severities, ignores and pragmas as the config and the file
 * say. Sorted by line, column and code.
 */
export async function lintText(text: string, file: string, options: LintOptions = {}): Promise<Finding[]> {
  await loadShellParser();
  const config = options.config ?? defaultConfig;
  const dockerfile = parseDockerfile(text);
  const context = ruleContext(dockerfile, {
    trustedRegistries: config.trustedRegistries,
    labelSchema: config.labelSchema,
    strictLabels: config.strictLabels,
    buildContexts: options.buildContexts ?? [],
  });
  const found: { code: string; severity: Severity; line: number; column: number; message: string }[] = dockerfile.problems.map(
    (problem) => ({ code: "DL1000", severity: "error", ...problem }),
  );
  for (const rule of rules) {
    for (const finding of rule.check(context)) {
      found.push({
        code: rule.code,
        severity: rule.severity,
        line: finding.line,
        column: finding.column ?? 1,
        message: finding.message ?? rule.summary,
      });
    }
  }
  if (options.shellcheck !== "off" && dockerfile.problems.length === 0) {
    const installed = await shellcheckAvailable();
    if (!installed && options.shellcheck === "on") throw new Error("shellcheck is not installed");
    if (installed)
      found.push(
        ...(await shellcheckFindings(context, options.pool ?? new ProcessPool(), options.shellcheckTimeoutMs ?? 10_000)).map(
          (f: ScriptFinding) => f,
        ),
      );
  }
  const ignores = config.disableIgnorePragma
    ? { global: new Set<string>(), byLine: new Map<number, Set<string>>() }
    : ignoresOf(dockerfile);
  const ignored = new Set(config.ignored);
  const overrides = new Map<string, Severity>();
  for (const [level, codes] of Object.entries(config.override)) for (const code of codes ?? []) overrides.set(code, level as Severity);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const finding of found) {
    const severity = overrides.get(finding.code) ?? finding.severity;
    if (
      severity === "ignore" ||
      ignored.has(finding.code) ||
      ignores.global.has(finding.code) ||
      ignores.byLine.get(finding.line)?.has(finding.code)
    )
      continue;
    // One finding per rule and place: a rule never repeats itself on one instruction.
    const key = finding.code.startsWith("SC") ? `${finding.code}:${finding.line}:${finding.column}` : `${finding.code}:${finding.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ file, line: finding.line, column: finding.column, code: finding.code, severity, message: finding.message });
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
