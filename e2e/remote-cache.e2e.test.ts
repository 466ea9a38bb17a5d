import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { availableForE2e, debianBaseMirror, engineForE2e, loopbackRegistry } from "./engine.js";
import { cloneRepository } from "./kiln.js";
import { startPrivateEngine, type PrivateEngine } from "./private-engine.js";
import { startRemoteCacheServer, type RemoteCacheServer } from "./remote-cache-server.js";

/**
 * Issue 15, part 4: Turborepo's remote cache across machines stays correct for images. Clone A
 * builds and pushes debian-base and debian-nginx (KILN_PUSH=1) with a real self-hosted remote cache
 * (turborepo-remote-cache on loopback). Clone B, fresh, on a second engine whose store is empty,
 * runs the same `turbo build`: every task is a remote hit, so no image is built there, and
 * `kiln test` then finds each image where dist/build.json says and pulls it by digest; a record
 * whose digest the registry lacks is an error, never a test of nothing.
 *
 * Lean on purpose (CI's budget): a parent and one child show both an image task with a workspace
 * dependency and its parent; linux/amd64 only, because nothing here depends on the platform (a
 * record names the index digest whatever it holds) and the arm64 half would double the build
 * under QEMU. The registry namespace is unique per run, so a version tag never collides with an
 * earlier run's.
 */
const engine = await engineForE2e();
const registryUp =
  engine.available &&
  (await fetch(`http://${loopbackRegistry}/v2/`).then(
    (r) => r.ok,
    () => false,
  ));
const available = engine.available && availableForE2e(registryUp, `no registry at ${loopbackRegistry}`);
const namespace = `${loopbackRegistry}/kiln-remote-${randomBytes(4).toString("hex")}`;
const images = ["debian-base", "debian-nginx"];

let server: RemoteCacheServer;
let second: PrivateEngine | undefined;
let cloneA = "";
let cloneB = "";

const buildEnv = () => ({
  ...server.env,
  KILN_MIRROR: debianBaseMirror,
  KILN_PLATFORMS: "linux/amd64",
  KILN_REGISTRY: namespace,
  KILN_PUSH: "1",
  TURBO_TELEMETRY_DISABLED: "1",
});

/** `turbo build` of the family in a clone, reading and writing the remote cache only (a local hit proves nothing). */
function turboBuild(clone: string, env: Record<string, string>) {
  return execute(
    {
      command: "pnpm",
      args: ["turbo", "build", "--filter=debian-nginx", "--remote-only", "--summarize", "--output-logs=new-only", "--ui=stream"],
    },
    { cwd: clone, env },
  );
}
function kilnIn(clone: string, args: string[], env: Record<string, string>) {
  return execute({ command: process.execPath, args: [path.join(clone, "packages/cli/bin/kiln.js"), ...args] }, { cwd: clone, env });
}
function record(clone: string, name: string) {
  return JSON.parse(readFileSync(path.join(clone, `images/${name}/dist/build.json`), "utf8")) as {
    version: string;
    digest: string;
    location: { kind: string; repository?: string };
  };
}
/** The tasks of the run `--summarize` wrote to .turbo/runs/ (one run per clone here). */
function summaryTasks(clone: string) {
  const dir = path.join(clone, ".turbo/runs");
  const files = readdirSync(dir).filter((name) => name.endsWith(".json"));
  expect(files, "one --summarize file").toHaveLength(1);
  const summary = JSON.parse(readFileSync(path.join(dir, files[0] ?? ""), "utf8")) as {
    tasks: { taskId: string; cache: { status: string; source?: string; remote: boolean } }[];
  };
  return summary.tasks;
}

describe.skipIf(!available)("a fresh clone on an empty engine, from Turborepo's remote cache", () => {
  beforeAll(async () => {
    server = await startRemoteCacheServer();
    cloneA = await cloneRepository();
    const built = await turboBuild(cloneA, buildEnv());
    expect(built.exitCode, built.stdout.slice(-4000) + built.stderr.slice(-2000)).toBe(0);
    cloneB = await cloneRepository();
    second = await startPrivateEngine();
  });

  afterAll(async () => {
    await second?.remove();
    await server?.stop();
    for (const clone of [cloneA, cloneB]) if (clone) rmSync(clone, { recursive: true, force: true });
    // kiln removes the staging tags its pushes leave; a run that failed half-way may leave some.
    const listed = await execute({ command: "docker", args: ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"] });
    const ours = listed.stdout.split("\n").filter((reference) => reference.startsWith(`${namespace}/`));
    if (ours.length > 0) await execute({ command: "docker", args: ["image", "rm", "--force", ...ours] });
  });

  test("clone A pushed each image and recorded it in the registry, and filled the remote cache", () => {
    for (const name of images) {
      const built = record(cloneA, name);
      expect(built.location).toEqual({ kind: "registry", repository: `${namespace}/${name}` });
      expect(built.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    }
    const tasks = summaryTasks(cloneA);
    for (const name of images) expect(tasks.find((task) => task.taskId === `${name}#build`)?.cache.status).toBe("MISS");
    expect(readdirSync(server.storage, { recursive: true }).length, "artifacts in the server's storage").toBeGreaterThan(0);
  });

  test("clone B's turbo build is a remote hit for every task, builds nothing, and restores A's records", async () => {
    const env = { ...buildEnv(), DOCKER_HOST: second?.host ?? "" };
    const empty = await execute({ command: "docker", args: ["--host", env.DOCKER_HOST, "image", "ls", "--quiet"] });
    expect(empty.stdout.trim(), "the second engine's store is empty").toBe("");

    const result = await turboBuild(cloneB, env);
    expect(result.exitCode, result.stdout.slice(-4000) + result.stderr.slice(-2000)).toBe(0);
    const tasks = summaryTasks(cloneB);
    for (const name of images) expect(tasks.map((task) => task.taskId)).toContain(`${name}#build`);
    const notRemoteHits = tasks.filter((task) => task.cache.status !== "HIT" || task.cache.source !== "REMOTE");
    expect(notRemoteHits, "tasks that were not remote cache hits").toEqual([]);
    for (const name of images) expect(record(cloneB, name)).toEqual(record(cloneA, name));

    const still = await execute({ command: "docker", args: ["--host", env.DOCKER_HOST, "image", "ls", "--quiet"] });
    expect(still.stdout.trim(), "a hit builds and pulls nothing").toBe("");
  });

  test("kiln test in clone B pulls each image by the digest its record names, and it passes", async () => {
    const env = { ...buildEnv(), DOCKER_HOST: second?.host ?? "" };
    const result = await kilnIn(cloneB, ["test", ...images, "--platform", "linux/amd64"], env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m);
    expect(result.stderr).not.toContain("building");
    for (const name of images) {
      expect(result.stderr).toContain(`✓ ${name} linux/amd64  uname -m is the linux/amd64 machine`);
      const reference = `${namespace}/${name}@${record(cloneB, name).digest}`;
      expect(result.stderr).toContain(`pulled ${reference} for linux/amd64, as dist/build.json records`);
      const there = await execute({ command: "docker", args: ["--host", env.DOCKER_HOST, "image", "inspect", reference] });
      expect(there.exitCode, `${reference} is in the second engine's store`).toBe(0);
    }
  });

  test("a record whose digest the registry does not have fails kiln test (exit 4) instead of testing another image", async () => {
    const env = { ...buildEnv(), DOCKER_HOST: second?.host ?? "" };
    const file = path.join(cloneB, "images/debian-base/dist/build.json");
    const stale = { ...record(cloneB, "debian-base"), digest: `sha256:${"0".repeat(64)}` };
    writeFileSync(file, `${JSON.stringify(stale, null, 2)}\n`);
    const result = await kilnIn(cloneB, ["test", "debian-base", "--platform", "linux/amd64"], env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(4);
    expect(result.stderr).toContain(`debian-base: dist/build.json says the image is ${namespace}/debian-base@sha256:${"0".repeat(64)}`);
    expect(result.stdout).not.toMatch(/passed/);
  });
});
