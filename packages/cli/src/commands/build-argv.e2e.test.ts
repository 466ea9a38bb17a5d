import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { availableForE2e } from "../../../../e2e/engine.js";
import { createWorkspaceFixture, type WorkspaceFixture } from "../../../core/src/testing/workspace-fixture.js";

/**
 * One plan: what `kiln build --dry-run` prints is what `kiln build` runs, flag by flag, for a
 * push and for a local build. The executed argv is captured at the process boundary: `docker` on
 * PATH is a script that records the argv of `docker buildx build` (and its SOURCE_DATE_EPOCH),
 * then fails it; every other docker command (buildx inspect, imagetools) goes to the real docker.
 * Pushes plan against the machine's loopback registry, under a namespace nothing is pushed to;
 * the mirror maps debian:bookworm to the copy there.
 */
const bin = fileURLToPath(new URL("../../bin/kiln.js", import.meta.url));
const realDocker = (await execute({ command: "sh", args: ["-c", "command -v docker"] })).stdout.trim();
const registryUp = availableForE2e(
  await fetch("http://127.0.0.1:5000/v2/").then(
    (r) => r.ok,
    () => false,
  ),
  "no registry answers on 127.0.0.1:5000",
);
const registry = `127.0.0.1:5000/release-argv-${process.pid}`;
let fixture: WorkspaceFixture;
let shims = "";

beforeAll(() => {
  fixture = createWorkspaceFixture();
  fixture.addImage(
    "base",
    `import { defineImage } from "@kiln/core";
export default defineImage({ name: "base", description: "base image", base: "debian:bookworm", users: [{ name: "app", uid: 10001 }], user: "app", buildArgs: { GREETING: "hello" } });
`,
  );
  const digest = `sha256:${"c".repeat(64)}`;
  fixture.write(
    "images/base/kiln.lock.json",
    JSON.stringify({
      image: "base",
      base: { reference: "debian:bookworm", digest, platforms: { "linux/amd64": digest, "linux/arm64": digest } },
    }),
  );
  shims = mkdtempSync(path.join(tmpdir(), "kiln-argv-"));
  const docker = path.join(shims, "docker");
  writeFileSync(
    docker,
    `#!/bin/sh
if [ "$1" = buildx ] && [ "$2" = build ]; then
  printf '%s\\0' "SOURCE_DATE_EPOCH=\${SOURCE_DATE_EPOCH:-}" "$@" > "$KILN_ARGV_LOG"
  echo "ERROR: recorded by the test, not built" >&2
  exit 1
fi
exec ${realDocker} "$@"
`,
  );
  chmodSync(docker, 0o755);
});
afterAll(() => {
  fixture?.remove();
  if (shims) rmSync(shims, { recursive: true, force: true });
});

async function kiln(args: string[], log: string, env: Record<string, string> = {}) {
  return execute(
    { command: process.execPath, args: [bin, ...args] },
    {
      cwd: fixture.root,
      env: { PATH: `${shims}:${process.env.PATH}`, KILN_ARGV_LOG: log, KILN_MIRROR: "", SOURCE_DATE_EPOCH: "1700000000", ...env },
    },
  );
}

/** The argv --dry-run --json prints, and the argv the same command line ran, as the recording docker saw it. */
async function dryRunAndExecuted(
  args: string[],
  push: boolean,
  env: Record<string, string> = {},
): Promise<{ printed: string[]; executed: string[] }> {
  const log = path.join(shims, `argv-${Math.random().toString(36).slice(2)}`);
  const dry = await kiln([...args, "--dry-run", "--json"], log, env);
  expect(dry.exitCode, dry.stderr).toBe(0);
  const plan = (
    JSON.parse(dry.stdout) as {
      command?: { args: string[] };
      env: Record<string, string>;
      build?: { command: { args: string[] }; env: Record<string, string> };
    }[]
  )[0];
  const build = push ? plan?.build : plan;
  const printed = [`SOURCE_DATE_EPOCH=${build?.env.SOURCE_DATE_EPOCH ?? ""}`, "buildx", ...(build?.command?.args.slice(1) ?? [])];
  const run = await kiln(args, log, env);
  expect(run.stderr).toContain("recorded by the test, not built");
  expect(existsSync(log), run.stderr).toBe(true);
  const executed = readFileSync(log, "utf8").split("\0").slice(0, -1);
  return { printed, executed };
}

const flags: [string, string[], string][] = [
  ["--platform", ["--platform", "linux/arm64"], "linux/arm64"],
  ["--cache-ref", ["--cache-ref", "127.0.0.1:5000/release-argv/cache"], "type=registry,ref=127.0.0.1:5000/release-argv/cache:base"],
  ["--no-cache", ["--no-cache"], "--no-cache"],
  ["--locked", ["--locked"], `org.opencontainers.image.base.digest=sha256:${"c".repeat(64)}`],
  ["--build-arg", ["--build-arg", "GREETING=bonjour"], "GREETING=bonjour"],
  ["--mirror", ["--mirror", "registry.hub=127.0.0.1:5000"], "=docker-image://127.0.0.1:5000/library/debian:bookworm"],
  ["--progress", ["--progress", "plain"], "plain"],
];

describe.skipIf(!registryUp)("dry-run argv = executed argv, with every build flag at once", () => {
  const every = flags.flatMap(([, args]) => args);
  test.each([
    ["build --push", ["build", "base", "--push", "--registry", registry, ...every], true],
    ["build (local store)", ["build", "base", ...every], false],
  ] as [string, string[], boolean][])(
    "%s runs exactly the printed command",
    async (_what, args, push) => {
      const { printed, executed } = await dryRunAndExecuted(args, push);
      expect(executed).toEqual(printed);
      for (const [flag, , expected] of flags)
        expect(
          executed.some((arg) => arg.includes(expected)),
          `${flag} reaches the build: ${expected}`,
        ).toBe(true);
      if (push) expect(executed.some((arg) => arg.startsWith(`type=image,name=${registry}/kiln-staging/base:`))).toBe(true);
    },
    60_000,
  );
});

describe.skipIf(!registryUp)("the buildx builder: --builder, else BUILDX_BUILDER, printed and run alike", () => {
  test.each([
    ["--builder, local store", ["build", "base", "--builder", "kiln-argv-flag"], {}, false, "kiln-argv-flag"],
    [
      // The push resolves the base's digest with imagetools: a missing builder named by the
      // variable would fail it, so the flag's builder (one that exists) must reach it too.
      "--builder over BUILDX_BUILDER, push (imagetools included)",
      ["build", "base", "--push", "--registry", registry, "--builder", "default", "--mirror", "registry.hub=127.0.0.1:5000"],
      { BUILDX_BUILDER: "kiln-argv-env" },
      true,
      "default",
    ],
    ["BUILDX_BUILDER, local store", ["build", "base"], { BUILDX_BUILDER: "kiln-argv-env" }, false, "kiln-argv-env"],
  ] as [string, string[], Record<string, string>, boolean, string][])(
    "%s",
    async (_what, args, env, push, builder) => {
      const { printed, executed } = await dryRunAndExecuted(args, push, env);
      expect(executed).toEqual(printed);
      expect(executed.slice(1, 5)).toEqual(["buildx", "build", "--builder", builder]);
    },
    60_000,
  );

  test("kiln doctor inspects the chosen builder and names a missing one with its fix", async () => {
    const result = await kiln(["doctor", "--builder", "kiln-argv-missing"], path.join(shims, "unused"));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAIL +builder: docker buildx inspect kiln-argv-missing: ERROR: no builder "kiln-argv-missing" found/m);
    expect(result.stdout).toContain("fix: docker buildx ls lists the builders; create one with docker buildx create --name NAME");
  }, 60_000);
});
