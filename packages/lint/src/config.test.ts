import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { findConfigFile, loadConfig } from "./config.js";
import { LintInputError } from "./errors.js";
import { lintText } from "./lint.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function configFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-lint-config-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, ".hadolint.yaml"), text);
  return path.join(dir, ".hadolint.yaml");
}

describe(".hadolint.yaml", () => {
  test("is found in the directory and read as hadolint reads it", async () => {
    const file = configFile(
      [
        "ignored: [DL3003]",
        "override:",
        "  error: [DL3008]",
        "trustedRegistries:",
        "  - registry.example.com",
        "failure-threshold: warning",
        "strict-labels: true",
        "label-schema:",
        "  owner: text",
      ].join("\n"),
    );
    expect(findConfigFile(path.dirname(file))).toBe(file);
    const config = loadConfig(file);
    expect(config).toMatchObject({
      ignored: ["DL3003"],
      override: { error: ["DL3008"] },
      trustedRegistries: ["registry.example.com"],
      failureThreshold: "warning",
      strictLabels: true,
      labelSchema: { owner: "text" },
    });
    const findings = await lintText("FROM debian:12\nRUN cd /x && apt-get install -y curl\nLABEL other=1\n", "Dockerfile", {
      config,
      shellcheck: "off",
    });
    const found = findings.map((f) => `${f.code} ${f.severity}`);
    expect(found).toEqual(expect.arrayContaining(["DL3026 error", "DL3049 info", "DL3008 error", "DL3050 info"]));
    expect(found.filter((f) => f.startsWith("DL3003"))).toEqual([]);
  });

  test("a wrong key type or YAML error names the file and the field", () => {
    expect(() => loadConfig(configFile("override:\n  fatal: [DL3008]\n"))).toThrow(
      /\.hadolint\.yaml: override\.fatal must be one of error, warning, info, style/,
    );
    expect(() => loadConfig(configFile("ignored: DL3008\n"))).toThrow(LintInputError);
    expect(() => loadConfig(configFile("label-schema:\n  owner: number\n"))).toThrow(/label-schema\.owner must be one of text, url/);
    expect(() => loadConfig(configFile("ignored: [\n"))).toThrow(/\.hadolint\.yaml: /);
  });

  test("disable-ignore-pragma makes # hadolint ignore= count for nothing", async () => {
    const config = loadConfig(configFile("disable-ignore-pragma: true\n"));
    const findings = await lintText("FROM debian:12\n# hadolint ignore=DL3004\nRUN sudo x\n", "Dockerfile", { config, shellcheck: "off" });
    expect(findings.map((f) => f.code)).toContain("DL3004");
  });
});
