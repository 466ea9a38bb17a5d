/** One test on one platform of one image. */
export interface TestOutcome {
  image: string;
  platform: string;
  name: string;
  kind: string;
  passed: boolean;
  durationMs: number;
  /** why it failed */
  detail?: string;
}

export interface TestReport {
  outcomes: TestOutcome[];
  passed: number;
  failed: number;
  durationMs: number;
}

export function summarize(outcomes: TestOutcome[], durationMs: number): TestReport {
  const passed = outcomes.filter((o) => o.passed).length;
  return { outcomes, passed, failed: outcomes.length - passed, durationMs };
}

/** One line per test, failures followed by their reason, and a closing `N passed, M failed`. */
export function formatReport(report: TestReport): string {
  const lines = report.outcomes.map((o) => {
    const line = `${o.passed ? "✓" : "✗"} ${o.image} ${o.platform}  ${o.name}  (${(o.durationMs / 1000).toFixed(1)}s)`;
    return o.passed || !o.detail
      ? line
      : `${line}\n${o.detail
          .split("\n")
          .map((l) => `    ${l.trimStart()}`)
          .join("\n")}`;
  });
  lines.push(`${report.passed} passed, ${report.failed} failed`);
  return lines.join("\n");
}

// Control characters other than tab and newlines are not allowed in XML 1.0 at all: they are dropped.
// eslint-disable-next-line no-control-regex
const xmlForbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(xmlForbidden, "");

/** JUnit XML: one testsuite per image and platform, for CI test report viewers. */
export function junitReport(report: TestReport): string {
  const suites = new Map<string, TestOutcome[]>();
  for (const o of report.outcomes) suites.set(`${o.image} ${o.platform}`, [...(suites.get(`${o.image} ${o.platform}`) ?? []), o]);
  const body = [...suites].map(([suite, outcomes]) => {
    const failures = outcomes.filter((o) => !o.passed).length;
    const time = outcomes.reduce((sum, o) => sum + o.durationMs, 0) / 1000;
    const cases = outcomes.map((o) => {
      const head = `    <testcase classname="${xml(suite)}" name="${xml(o.name)}" time="${(o.durationMs / 1000).toFixed(3)}"`;
      return o.passed
        ? `${head}/>`
        : `${head}>\n      <failure message="${xml((o.detail ?? "failed").split("\n")[0] ?? "")}">${xml(o.detail ?? "")}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(suite)}" tests="${outcomes.length}" failures="${failures}" time="${time.toFixed(3)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${report.outcomes.length}" failures="${report.failed}">\n${body.join("\n")}\n</testsuites>\n`;
}
