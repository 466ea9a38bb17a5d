import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { execute, type ExecResult } from "@kiln/core";
import { e2eMirror } from "./engine.js";

export const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));

/** Runs the real `kiln` command (the same bin a user runs) in the repository root. */
export async function kiln(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<ExecResult> {
  return execute(
    { command: process.execPath, args: [fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url)), ...args] },
    { cwd: options.cwd ?? repositoryRoot, env: options.env },
  );
}

/**
 * Builds images (list parents before children) for both platforms into the local image store,
 * with the Debian base served from the loopback registry. BuildKit's cache makes repeats cheap.
 */
export async function buildImages(names: string[]): Promise<void> {
  const result = await kiln(["build", ...names, "--mirror", e2eMirror, "--progress", "plain"]);
  if (result.exitCode !== 0) {
    throw new Error(`kiln build ${names.join(" ")} failed (exit ${result.exitCode}):\n${result.stderr.slice(-4000)}`);
  }
}

/**
 * A clone of the committed repository with its dependencies installed (offline, from pnpm's
 * store): for tests that commit, tag, version or lock, so the working tree is never touched.
 */
export async function cloneRepository(): Promise<string> {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  const clone = mkdtempSync(path.join(tmpdir(), "kiln-clone-"));
  const cloned = await execute({ command: "git", args: ["clone", "-q", repositoryRoot, clone] });
  if (cloned.exitCode !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  const installed = await execute({ command: "pnpm", args: ["install", "--offline", "--frozen-lockfile"] }, { cwd: clone });
  if (installed.exitCode !== 0) throw new Error(`pnpm install in the clone failed: ${installed.stderr}`);
  return clone;
}

/** `kiln test IMAGE` passes, and the named checks ran and passed on both platforms. */
export async function expectImageTestsPass(image: string, names: string[]): Promise<void> {
  const result = await kiln(["test", image]);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  for (const platform of ["linux/amd64", "linux/arm64"]) {
    for (const name of names) expect(result.stdout).toContain(`✓ ${image} ${platform}  ${name}`);
  }
}
