import { describe, expect, test } from "vitest";
import { formatFindings, formats } from "./formats.js";
import type { Finding } from "./lint.js";

const findings: Finding[] = [
  { file: "images/a/Dockerfile", line: 3, column: 5, code: "DL3008", severity: "warning", message: 'pin <versions> & "such"' },
  { file: "images/b/Dockerfile", line: 1, column: 1, code: "SC2086", severity: "info", message: "quote it" },
];

describe("output formats", () => {
  test("tty: file:line:column code severity: message, one per line", () => {
    expect(formatFindings(findings, "tty").split("\n")).toEqual([
      'images/a/Dockerfile:3:5 DL3008 warning: pin <versions> & "such"',
      "images/b/Dockerfile:1:1 SC2086 info: quote it",
    ]);
  });

  test("json: hadolint's fields", () => {
    expect(JSON.parse(formatFindings(findings, "json"))[0]).toEqual({
      file: "images/a/Dockerfile",
      line: 3,
      column: 5,
      code: "DL3008",
      level: "warning",
      message: 'pin <versions> & "such"',
    });
  });

  test("sarif 2.1.0: rules, results with level and region", () => {
    const sarif = JSON.parse(formatFindings(findings, "sarif"));
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["DL3008", "SC2086"]);
    expect(run.results[1]).toEqual({
      ruleId: "SC2086",
      level: "note",
      message: { text: "quote it" },
      locations: [{ physicalLocation: { artifactLocation: { uri: "images/b/Dockerfile" }, region: { startLine: 1, startColumn: 1 } } }],
    });
  });

  test("checkstyle: one <file> per file, attributes escaped", () => {
    const xml = formatFindings(findings, "checkstyle");
    expect(xml).toContain('<file name="images/a/Dockerfile">');
    expect(xml).toContain(
      '<error line="3" column="5" severity="warning" message="pin &lt;versions&gt; &amp; &quot;such&quot;" source="DL3008"/>',
    );
    expect(xml.endsWith("</checkstyle>")).toBe(true);
  });

  test("gitlab codeclimate: severity, location and a stable, distinct fingerprint", () => {
    const issues = JSON.parse(formatFindings(findings, "gitlab_codeclimate"));
    expect(issues[0]).toMatchObject({
      check_name: "DL3008",
      severity: "major",
      location: { path: "images/a/Dockerfile", lines: { begin: 3 } },
    });
    expect(issues[0].fingerprint).not.toBe(issues[1].fingerprint);
    expect(JSON.parse(formatFindings(findings, "gitlab_codeclimate"))[0].fingerprint).toBe(issues[0].fingerprint);
  });

  test("no findings is an empty document in every format", () => {
    for (const format of formats) expect(formatFindings([], format), format).not.toContain("DL");
    expect(JSON.parse(formatFindings([], "json"))).toEqual([]);
  });
});
