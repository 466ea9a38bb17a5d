import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { RegistryClient, repositoryLocation } from "@kiln/registry";
import { debianBaseMirror, engineForE2e, loopbackRegistry } from "./engine.js";
import { cloneRepository } from "./kiln.js";

/**
 * Issue 5's contract, in a clone of the repository: a changeset bumps debian-nginx, `changeset
 * version` and `kiln release` push exactly that image with the right tags, labels and
 * annotations; a second run pushes nothing; a registry that dies half-way leaves no tag on a
 * half-pushed image and the next run completes; moving a released version needs --force.
 */
const engine = await engineForE2e();
const env = { KILN_MIRROR: debianBaseMirror, GIT_AUTHOR_NAME: "e2e", GIT_AUTHOR_EMAIL: "e2e@localhost", GIT_COMMITTER_NAME: "e2e", GIT_COMMITTER_EMAIL: "e2e@localhost" };
let clone = "";

const run = (command: string, args: string[], extra: Record<string, string> = {}) => execute({ command, args }, { cwd: clone, env: { ...env, ...extra } });
const kilnBin = () => path.join(clone, "packages/cli/bin/kiln.js");
const kiln = (args: string[]) => run(process.execPath, [kilnBin(), ...args]);
const tagsOf = (registry: string, image: string) => new RegistryClient(repositoryLocation(registry, image)).tags();

async function changeset(bumps: Record<string, "patch" | "minor" | "major">, summary: string): Promise<void> {
  const front = Object.entries(bumps).map(([name, type]) => `"${name}": ${type}`).join("\n");
  writeFileSync(path.join(clone, `.changeset/e2e-${Date.now()}.md`), `---\n${front}\n---\n\n${summary}\n`);
  const version = await run("pnpm", ["changeset", "version"]);
  expect(version.exitCode, version.stderr).toBe(0);
  const commit = await run("git", ["commit", "-qam", `release: ${summary}`]);
  expect(commit.exitCode, commit.stderr).toBe(0);
}

describe.skipIf(!engine.available)("releasing images", () => {
  const registry = `${loopbackRegistry}/kiln-release-${Date.now()}`;

  beforeAll(async () => {
    clone = await cloneRepository();
    // Only the nginx family: a patch to debian-base bumps every image built on it, and the other
    // Debian images (ssh, init, dev, node) and the apps built on them (catalog) would make this
    // test about their build times.
    for (const name of readdirSync(path.join(clone, "images"))) {
      if (name.startsWith("debian-") && !["debian-base", "debian-nginx"].includes(name)) rmSync(path.join(clone, "images", name), { recursive: true });
    }
    rmSync(path.join(clone, "apps"), { recursive: true, force: true });
    const focused = await run("git", ["commit", "-qam", "e2e: only the nginx family"]);
    expect(focused.exitCode, focused.stderr).toBe(0);
    // The parent is already in the registry, as after an earlier release.
    const parent = await kiln(["build", "debian-base", "--push", "--registry", registry]);
    expect(parent.exitCode, parent.stderr.slice(-2000)).toBe(0);
    const baseline = await kiln(["release", "--baseline"]);
    expect(baseline.exitCode, baseline.stderr).toBe(0);
    await changeset({ "debian-nginx": "major" }, "debian-nginx serves its own page");
  });
  afterAll(() => clone && rmSync(clone, { recursive: true, force: true }));

  test("the changeset versioned debian-nginx only, with a changelog entry", () => {
    expect(JSON.parse(readFileSync(path.join(clone, "images/debian-nginx/package.json"), "utf8")).version).toBe("1.0.0");
    expect(JSON.parse(readFileSync(path.join(clone, "images/debian-base/package.json"), "utf8")).version).toBe("0.1.0");
    expect(readFileSync(path.join(clone, "images/debian-nginx/CHANGELOG.md"), "utf8")).toContain("debian-nginx serves its own page");
  });

  test("--dry-run shows the plan: debian-nginx with its tags, the rest skipped with the reason", async () => {
    const result = await kiln(["release", "--registry", registry, "--dry-run", "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { images: { image: string; result: string; tags: string[]; reason: string }[] };
    const nginx = plan.images.find((i) => i.image === "debian-nginx");
    expect(nginx).toMatchObject({ result: "planned", tags: ["1.0.0", "1.0", "1", "latest", expect.stringMatching(/^sha-[0-9a-f]{7}$/)] });
    expect(plan.images.find((i) => i.image === "debian-base")).toMatchObject({ result: "skipped", reason: "debian-base@0.1.0 was released before (git tag)" });
  });

  test("kiln release pushes X.Y.Z, X.Y, X, latest and sha- for debian-nginx only, both platforms, labelled", async () => {
    const baseTagsBefore = await tagsOf(registry, "debian-base");
    const result = await kiln(["release", "--registry", registry]);
    expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
    const revision = (await run("git", ["rev-parse", "HEAD"])).stdout.trim();
    expect(await tagsOf(registry, "debian-nginx")).toEqual(["1", "1.0", "1.0.0", "latest", `sha-${revision.slice(0, 7)}`].sort());
    expect(await tagsOf(registry, "debian-base")).toEqual(baseTagsBefore);
    expect((await run("git", ["tag", "--list", "debian-nginx@*"])).stdout.trim().split("\n")).toEqual(["debian-nginx@0.1.0", "debian-nginx@1.0.0"]);

    const ref = `${registry}/debian-nginx:1.0.0`;
    const index = await run("docker", ["buildx", "imagetools", "inspect", ref]);
    expect(index.stdout).toContain("linux/amd64");
    expect(index.stdout).toContain("linux/arm64");
    const configs = JSON.parse((await run("docker", ["buildx", "imagetools", "inspect", ref, "--format", "{{json .Image}}"])).stdout) as Record<string, { config: { Labels: Record<string, string> } }>;
    const committed = Number((await run("git", ["log", "-1", "--format=%ct"])).stdout.trim());
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      expect(configs[platform]?.config.Labels).toMatchObject({
        "org.opencontainers.image.version": "1.0.0",
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.created": new Date(committed * 1000).toISOString().replace(".000Z", "Z"),
      });
    }
    const manifest = JSON.parse((await run("docker", ["buildx", "imagetools", "inspect", ref, "--raw"])).stdout) as { annotations?: Record<string, string> };
    expect(manifest.annotations).toMatchObject({ "org.opencontainers.image.version": "1.0.0", "org.opencontainers.image.revision": revision });

    const summary = JSON.parse(readFileSync(path.join(clone, "dist/release.json"), "utf8"));
    expect(summary.images.find((i: { image: string }) => i.image === "debian-nginx")).toMatchObject({ result: "pushed" });
    expect(readFileSync(path.join(clone, "dist/release.md"), "utf8")).toContain("| debian-nginx | 1.0.0 | pushed |");
  });

  test("running kiln release again pushes nothing and says so", async () => {
    const result = await kiln(["release", "--registry", registry]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("nothing to release");
  });

  describe("a registry that stops half-way", () => {
    const port = 5000 + 100 + Math.floor(Math.random() * 800);
    const flaky = `127.0.0.1:${port}/kiln`;
    let storage = "";
    let server: ReturnType<typeof spawn> | undefined;
    const startRegistry = async () => {
      const config = path.join(storage, "config.yml");
      writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${storage}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
      server = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
      for (let i = 0; i < 50; i++) {
        if (await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error("the second registry did not start");
    };
    const stopRegistry = () => new Promise<void>((resolve) => {
      // A process killed by a signal has signalCode set and exitCode null.
      if (!server || server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once("exit", () => resolve());
      server.kill("SIGKILL");
    });

    beforeAll(async () => {
      storage = mkdtempSync(path.join(tmpdir(), "kiln-registry-"));
      await startRegistry();
      await changeset({ "debian-base": "patch", "debian-nginx": "patch" }, "rebuild on the patched base");
    });
    afterAll(async () => {
      await stopRegistry();
      rmSync(storage, { recursive: true, force: true });
    });

    test("fails naming what was and was not pushed, and no tag points at a half-pushed image", async () => {
      const child = spawn(process.execPath, [kilnBin(), "release", "--registry", flaky], { cwd: clone, env: { ...process.env, ...env } });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/debian-base ▸ release: pushed/.test(stderr)) void stopRegistry();
      });
      const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
      expect(code, stderr.slice(-3000)).toBe(4);
      expect(stderr).toContain("release incomplete: pushed debian-base@0.1.1; not pushed debian-nginx@1.0.1");
      await startRegistry();
      const nginxTags = await tagsOf(flaky, "debian-nginx");
      expect(nginxTags.filter((tag) => /^\d/.test(tag) || tag === "latest")).toEqual([]);
    });

    test("with the registry back, the next run completes and pushes only what is missing", async () => {
      const result = await kiln(["release", "--registry", flaky]);
      expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
      expect(result.stderr).not.toContain("debian-base ▸ release: pushed");
      expect(await tagsOf(flaky, "debian-nginx")).toEqual(expect.arrayContaining(["1.0.1", "1.0", "1", "latest"]));
    });

    test("pushing a different build under a released version is refused; --force moves it and says so", async () => {
      const page = path.join(clone, "images/debian-nginx/files/index.html");
      appendFileSync(page, "<!-- a different build -->\n");
      const refused = await kiln(["build", "debian-nginx", "--push", "--registry", flaky]);
      expect(refused.exitCode).toBe(4);
      expect(refused.stderr).toMatch(/tag 1\.0\.1 already points at sha256:[0-9a-f]{64}, and this build is sha256:[0-9a-f]{64}; refusing to overwrite a released version/);
      const forced = await kiln(["build", "debian-nginx", "--push", "--registry", flaky, "--force"]);
      expect(forced.exitCode, forced.stderr.slice(-2000)).toBe(0);
      expect(forced.stderr).toMatch(/moved 1\.0\.1 from sha256:[0-9a-f]{64} to sha256:[0-9a-f]{64} \(--force\)/);
    });
  });
});

