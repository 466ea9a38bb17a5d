import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { debianBaseMirror, engineForE2e, loopbackRegistry } from "./engine.js";
import { buildImages, repositoryRoot } from "./kiln.js";

const engine = await engineForE2e();
const bin = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));
const runMark = randomBytes(6).toString("hex");

interface Interrupted {
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
  output: string;
}

/** The real kiln, sent `signal` as soon as its output matches `when` (the work is then under way). */
function interruptKiln(args: string[], signal: "SIGINT" | "SIGTERM", when: RegExp): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, KILN_MIRROR: debianBaseMirror, KILN_E2E_RUN: runMark },
    });
    let output = "";
    let sent = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (sent || !when.test(output)) return;
      sent = true;
      child.kill(signal);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("exit", (exitCode, signalCode) => resolve({ exitCode, signalCode, output }));
  });
}

/** Processes that inherited this run's mark from kiln: its children, orphaned or not. */
function processesOfThisRun(): string[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`KILN_E2E_RUN=${runMark}`);
      } catch {
        return false; // gone meanwhile
      }
    });
}

async function lines(command: string, args: string[]): Promise<string[]> {
  const result = await execute({ command, args });
  return result.stdout.split("\n").filter(Boolean);
}

describe.skipIf(!engine.available)("signals on commands that drive the engine", () => {
  beforeAll(async () => {
    await buildImages(["debian-base"]);
  });

  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during kiln build stops buildx, records nothing and exits %i", async (signal, exitCode) => {
    const record = path.join(repositoryRoot, "images/debian-base/dist/build.json");
    const recordBefore = existsSync(record) ? readFileSync(record, "utf8") : undefined;
    // --no-cache: the build has real steps to be in the middle of when the signal comes.
    const result = await interruptKiln(
      ["build", "debian-base", "--no-cache", "--progress", "plain"],
      signal,
      /^#\d+ \[linux\/(amd64|arm64) /m,
    );
    expect(result.signalCode, "kiln handled the signal itself").toBeNull();
    expect(result.exitCode, result.output.slice(-2000)).toBe(exitCode);
    expect(result.output).toContain(`kiln: interrupted (${signal})`);
    expect(processesOfThisRun(), "no buildx client (or any child of kiln) left running").toEqual([]);
    expect(existsSync(path.join(repositoryRoot, "images/debian-base/dist/buildx-metadata.json"))).toBe(false);
    expect(existsSync(record) ? readFileSync(record, "utf8") : undefined, "the build record is the previous one").toBe(recordBefore);
  });

  test("SIGINT during kiln build --push, once the docker driver has stored the image under its staging tag, removes that tag", async () => {
    const registry = `${loopbackRegistry}/kiln-interrupt-${runMark}`;
    const revision = (await execute({ command: "git", args: ["rev-parse", "HEAD"] }, { cwd: repositoryRoot })).stdout.trim();
    const staging = `${registry}/kiln-staging/debian-base:0.1.0-${revision.slice(0, 7)}`;
    // One platform and no SBOM: the point is the tag, which exists from "naming to" on.
    const result = await interruptKiln(
      ["build", "debian-base", "--push", "--registry", registry, "--platform", "linux/amd64", "--no-sbom", "--progress", "plain"],
      "SIGINT",
      new RegExp(`naming to ${staging.replace(/[.]/g, "\\.")} done`),
    );
    expect(result.signalCode, "kiln handled the signal itself").toBeNull();
    expect(result.exitCode, result.output.slice(-2000)).toBe(130);
    expect(result.output).toContain(`removed the local staging tag ${staging}`);
    expect((await execute({ command: "docker", args: ["image", "inspect", staging] })).exitCode, `${staging} is gone`).not.toBe(0);
    expect(processesOfThisRun(), "no buildx client (or any child of kiln) left running").toEqual([]);
  });

  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during kiln test with containers up removes them and exits %i", async (signal, exitCode) => {
    const before = await lines("docker", ["ps", "--all", "--quiet", "--filter", "label=kiln.test"]);
    // The first outcome line means a container is up and being checked.
    const result = await interruptKiln(["test", "debian-base"], signal, /^✓ debian-base linux\//m);
    expect(result.signalCode, "kiln handled the signal itself").toBeNull();
    expect(result.exitCode, result.output.slice(-2000)).toBe(exitCode);
    const after = await lines("docker", ["ps", "--all", "--quiet", "--filter", "label=kiln.test"]);
    expect(
      after.filter((id) => !before.includes(id)),
      "kiln test's containers are gone",
    ).toEqual([]);
  });
});
