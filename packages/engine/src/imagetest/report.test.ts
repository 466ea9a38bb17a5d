import { describe, expect, test } from "vitest";
import { formatReport, junitReport, summarize, type TestOutcome } from "./report.js";

const outcomes: TestOutcome[] = [
  { image: "web", platform: "linux/amd64", name: "GET / answers", kind: "http", passed: true, durationMs: 120 },
  {
    image: "web",
    platform: "linux/arm64",
    name: "GET / answers",
    kind: "http",
    passed: false,
    durationMs: 2500,
    detail: 'GET / answered 404, expected 200\n<html> & "quotes"',
  },
];

describe("test reports", () => {
  const report = summarize(outcomes, 3000);

  test("counts passes and failures", () => {
    expect(report).toMatchObject({ passed: 1, failed: 1, durationMs: 3000 });
  });

  test("text: one line per test, the reason under a failure, the closing count", () => {
    expect(formatReport(report).split("\n")).toEqual([
      "✓ web linux/amd64  GET / answers  (0.1s)",
      "✗ web linux/arm64  GET / answers  (2.5s)",
      "    GET / answered 404, expected 200",
      '    <html> & "quotes"',
      "1 passed, 1 failed",
    ]);
  });

  test("JUnit: a suite per image and platform, failures escaped", () => {
    const text = junitReport(report);
    expect(text).toContain('<testsuites tests="2" failures="1">');
    expect(text).toContain('<testsuite name="web linux/arm64" tests="1" failures="1" time="2.500">');
    expect(text).toContain(
      '<failure message="GET / answered 404, expected 200">GET / answered 404, expected 200\n&lt;html&gt; &amp; &quot;quotes&quot;</failure>',
    );
    expect(text).toContain('<testcase classname="web linux/amd64" name="GET / answers" time="0.120"/>');
  });
});
