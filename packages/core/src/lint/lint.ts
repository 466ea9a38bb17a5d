import { ignoredRules } from "./inline-ignore.js";
import { parseDockerfile } from "./parse.js";
import { rules, type LintSeverity } from "./rules.js";
import { shellcheckAvailable, shellcheckFindings } from "./shellcheck.js";
import { compareCodePoints } from "../text/code-point-order.js";

export interface LintFinding {
  file: string;
  line: number;
  rule: string;
  severity: LintSeverity;
  message: string;
  fix: string;
}

export interface LintOptions {
  /** shown in findings */
  file: string;
  /** "auto": run shellcheck when it is installed */
  shellcheck?: "auto" | "off";
  /** lowest severity reported (default "warning": info findings are opt-in) */
  level?: LintSeverity;
}

const rank: Record<LintSeverity, number> = { info: 0, warning: 1, error: 2 };

/** Whether a finding of this severity is reported at the given --level (default "warning"). */
export function reportedAt(severity: LintSeverity, level: LintSeverity = "warning"): boolean {
  return rank[severity] >= rank[level];
}

/** kiln's rules on a Dockerfile's text. Pure and synchronous. */
export function lintDockerfileText(text: string, options: LintOptions): LintFinding[] {
  const ast = parseDockerfile(text);
  const findings = rules.flatMap((rule) => rule.check(ast).map((f) => ({ file: options.file, rule: rule.id, severity: rule.severity, ...f })));
  return filterFindings(findings, ast, options);
}

/** kiln's rules plus shellcheck on RUN scripts (when installed and not turned off). */
export async function lintDockerfile(text: string, options: LintOptions): Promise<LintFinding[]> {
  const ast = parseDockerfile(text);
  const own = rules.flatMap((rule) => rule.check(ast).map((f) => ({ file: options.file, rule: rule.id, severity: rule.severity, ...f })));
  const scripts =
    options.shellcheck !== "off" && (await shellcheckAvailable())
      ? (await shellcheckFindings(ast)).map(({ id, ...f }) => ({ file: options.file, rule: id, ...f }))
      : [];
  return filterFindings([...own, ...scripts], ast, options);
}

function filterFindings(findings: LintFinding[], ast: ReturnType<typeof parseDockerfile>, options: LintOptions): LintFinding[] {
  const ignored = ignoredRules(ast);
  return findings
    .filter((f) => reportedAt(f.severity, options.level) && !ignored.global.has(f.rule) && !ignored.byLine.get(f.line)?.has(f.rule))
    .sort((a, b) => a.line - b.line || compareCodePoints(a.rule, b.rule));
}

/** `path:line  DL3019 error  message` then the fix, one block per finding. */
export function formatFindings(findings: LintFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}  ${f.rule} ${f.severity}  ${f.message}\n    fix: ${f.fix}`).join("\n");
}
