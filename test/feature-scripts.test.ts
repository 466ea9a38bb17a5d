import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { execute } from "@kiln/core";
import { shellcheckAvailable } from "@kiln/lint";

/**
 * The scripts features copy into images (packages/<pkg>/files/**) run as PID 1's children on
 * BusyBox ash and dash alike, so they must be POSIX sh and shellcheck-clean at every severity.
 */
const packagesDir = fileURLToPath(new URL("../packages/", import.meta.url));

function shellScripts(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...shellScripts(file));
    else if (readFileSync(file, "utf8").startsWith("#!/bin/sh")) found.push(file);
  }
  return found;
}

const scripts = readdirSync(packagesDir)
  .map((pkg) => path.join(packagesDir, pkg, "files"))
  .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory())
  .flatMap(shellScripts);

test("feature scripts exist, are executable and shellcheck-clean as POSIX sh", async (context) => {
  expect(scripts.map((s) => path.basename(s))).toEqual(
    expect.arrayContaining([
      "kiln-crond",
      "kiln-ssh-prepare",
      "kiln-ssh-start",
      "my_init",
      "setuser",
      "kiln-init-health",
      "kiln-nginx-start",
      "kiln-httpd",
    ]),
  );
  for (const script of scripts) expect(statSync(script).mode & 0o111, `${script} is not executable`).not.toBe(0);
  if (!(await shellcheckAvailable())) {
    if (process.env.KILN_REQUIRE_SHELLCHECK === "1") throw new Error("KILN_REQUIRE_SHELLCHECK=1 but shellcheck is not installed");
    context.skip("shellcheck is not installed (apt-get install shellcheck)");
  }
  const result = await execute({ command: "shellcheck", args: ["--shell=sh", "--severity=style", ...scripts] });
  expect(result.stdout, result.stdout).toBe("");
  expect(result.exitCode).toBe(0);
});
