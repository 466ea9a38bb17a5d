import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { debianBaseMirror, engineForE2e } from "./engine.js";
import { kiln, repositoryRoot } from "./kiln.js";

/**
 * Issue 15: a Turborepo cache hit never stands in for an image. The parent's build task is a hit
 * (its dist/build.json restored) while its image has left the local store; the child's build finds
 * that out and builds the parent first, instead of asking the network for `kiln.local/…`.
 * One platform keeps it lean: the point does not depend on the platform.
 */
const engine = await engineForE2e();
const env = { KILN_MIRROR: debianBaseMirror, KILN_PLATFORMS: "linux/amd64", TURBO_TELEMETRY_DISABLED: "1" };

function turbo(args: string[]) {
  return execute({ command: "pnpm", args: ["turbo", ...args, "--output-logs=new-only", "--ui=stream"] }, { cwd: repositoryRoot, env });
}
function docker(args: string[]) {
  return execute({ command: "docker", args });
}
function record(name: string) {
  return JSON.parse(readFileSync(path.join(repositoryRoot, `images/${name}/dist/build.json`), "utf8")) as {
    digest: string;
    location: { kind: string; reference?: string };
  };
}

describe.skipIf(!engine.available)("a parent gone from the local store after a Turborepo cache hit", () => {
  const page = path.join(repositoryRoot, "images/debian-nginx/files/index.html");
  const original = readFileSync(page, "utf8");
  afterAll(() => writeFileSync(page, original));

  beforeAll(async () => {
    const first = await turbo(["build", "--filter=debian-nginx"]);
    expect(first.exitCode, first.stdout.slice(-3000) + first.stderr).toBe(0);
  });

  test("the build record says where the image is: the local store, under its version tag, at its digest", async () => {
    const base = record("debian-base");
    expect(base.location).toEqual({ kind: "local-store", reference: "kiln.local/debian-base:0.1.0" });
    const id = await docker(["image", "inspect", "--format", "{{.Id}}", "kiln.local/debian-base:0.1.0"]);
    expect(id.stdout.trim(), "the store's image ID is the recorded digest").toBe(base.digest);
  });

  test("the child's build builds the parent again instead of pulling kiln.local from the network", async () => {
    const removed = await docker(["image", "rm", "kiln.local/debian-base:0.1.0", "kiln.local/debian-base:local"]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    appendFileSync(page, `<!-- parent-cache e2e ${Date.now()} -->\n`);
    const result = await turbo(["build", "--filter=debian-nginx"]);
    expect(result.stdout + result.stderr).not.toContain("no such host");
    expect(result.exitCode, result.stdout.slice(-3000) + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/debian-base:build: cache hit/);
    expect(result.stdout).toMatch(/debian-nginx:build: cache miss, executing/);
    expect(result.stdout).toContain(
      "debian-base 0.1.0 is not in the local image store (a cache hit without the image?): building it first",
    );
    const id = await docker(["image", "inspect", "--format", "{{.Id}}", "kiln.local/debian-base:0.1.0"]);
    expect(id.exitCode, "debian-base is back in the store").toBe(0);
    expect(record("debian-base").digest).toBe(id.stdout.trim());
    const run = await docker(["run", "--rm", "--entrypoint", "cat", "kiln.local/debian-nginx:0.1.0", "/data/html/index.html"]);
    expect(run.stdout).toContain("parent-cache e2e");
  });

  // The parent in the store (and its record) is amd64 only, from the builds above. A child built
  // for arm64 needs an arm64 parent: buildx would fail with "no match for platform in manifest".
  test("a child built for a platform its recorded parent lacks builds the parent for it first", async () => {
    const arm64 = { env: { KILN_MIRROR: debianBaseMirror, KILN_PLATFORMS: "" } };
    try {
      const result = await kiln(["build", "debian-nginx", "--platform", "linux/arm64", "--progress", "quiet"], arm64);
      expect(result.exitCode, result.stdout.slice(-3000) + result.stderr).toBe(0);
      expect(result.stderr + result.stdout).toContain(
        "debian-base 0.1.0 in the local image store was built for linux/amd64 only, not linux/arm64: building it first",
      );
      const platform = await docker(["image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", "kiln.local/debian-nginx:0.1.0"]);
      expect(platform.stdout.trim()).toBe("linux/arm64");
    } finally {
      // The next files expect the amd64 family this file started from.
      const back = await kiln(["build", "debian-nginx", "--platform", "linux/amd64", "--progress", "quiet"], arm64);
      expect(back.exitCode, back.stderr).toBe(0);
    }
  });

  test("a parent built in the same run for a foreign platform is built for the engine's platform too", async () => {
    const env = { env: { KILN_MIRROR: debianBaseMirror, KILN_PLATFORMS: "" } };
    try {
      const result = await kiln(["build", "debian-base", "debian-nginx", "--platform", "linux/arm64", "--progress", "quiet"], env);
      expect(result.exitCode, result.stdout.slice(-3000) + result.stderr).toBe(0);
      expect(result.stderr).toContain("debian-base ▸ build: linux/arm64 + linux/amd64 → local image store");
      expect(result.stderr).toContain("debian-nginx ▸ build: linux/arm64 → local image store");
    } finally {
      const back = await kiln(["build", "debian-nginx", "--platform", "linux/amd64", "--progress", "quiet"], env);
      expect(back.exitCode, back.stderr).toBe(0);
    }
  });
});
