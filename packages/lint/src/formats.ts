import { createHash } from "node:crypto";
import type { Finding } from "./lint.js";
import { rules } from "./rules/catalog.js";

/** The output formats CI systems read: hadolint's names. */
export const formats = ["tty", "json", "sarif", "checkstyle", "gitlab_codeclimate"] as const;
export type Format = (typeof formats)[number];

const helpUri = (code: string) =>
  code.startsWith("SC")
    ? `https://www.shellcheck.net/wiki/${code}`
    : code.startsWith("DL")
      ? `https://github.com/hadolint/hadolint/wiki/${code}`
      : undefined;

export function formatFindings(findings: Finding[], format: Format): string {
  switch (format) {
    case "tty":
      return findings
        .map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.severity}: ${f.message}${f.fix ? `\n    fix: ${f.fix}` : ""}`)
        .join("\n");
    case "json":
      return JSON.stringify(
        findings.map((f) => ({
          file: f.file,
          line: f.line,
          column: f.column,
          code: f.code,
          level: f.severity,
          message: f.message,
          ...(f.fix ? { fix: f.fix } : {}),
        })),
        null,
        2,
      );
    case "sarif":
      return JSON.stringify(sarif(findings), null, 2);
    case "checkstyle":
      return checkstyle(findings);
    case "gitlab_codeclimate":
      return JSON.stringify(findings.map(codeclimate), null, 2);
  }
}

/** SARIF 2.1.0, as GitHub code scanning uploads it. */
function sarif(findings: Finding[]) {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const summaries = new Map(rules.map((rule) => [rule.code, rule.summary]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kiln-lint",
            informationUri: "https://github.com/hadolint/hadolint#rules",
            rules: codes.map((code) => ({
              id: code,
              shortDescription: { text: summaries.get(code) ?? code },
              ...(helpUri(code) ? { helpUri: helpUri(code) } : {}),
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          level: f.severity === "error" ? "error" : f.severity === "warning" ? "warning" : "note",
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: { startLine: f.line, startColumn: f.column } } }],
        })),
      },
    ],
  };
}

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

function checkstyle(findings: Finding[]): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const files = [...byFile].map(
    ([file, list]) =>
      `  <file name="${xml(file)}">\n${list.map((f) => `    <error line="${f.line}" column="${f.column}" severity="${f.severity === "style" ? "info" : f.severity}" message="${xml(f.message)}" source="${xml(f.code)}"/>`).join("\n")}\n  </file>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n${files.join("\n")}${files.length > 0 ? "\n" : ""}</checkstyle>`;
}

/** GitLab's Code Quality report (the Code Climate issue format). */
function codeclimate(f: Finding) {
  return {
    type: "issue",
    check_name: f.code,
    description: f.message,
    categories: [f.code.startsWith("SC") ? "Bug Risk" : "Style"],
    severity: { error: "blocker", warning: "major", info: "info", style: "minor" }[f.severity],
    fingerprint: createHash("sha256").update(`${f.file}:${f.line}:${f.column}:${f.code}`).digest("hex"),
    location: { path: f.file, lines: { begin: f.line } },
  };
}
