import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { debianBaseMirror, engineForE2e, loopbackRegistry } from "./engine.js";
import { platformConfigs, rawManifest } from "./image-configs.js";
import { kiln, repositoryRoot } from "./kiln.js";
import { startPrivateEngine, type PrivateEngine } from "./private-engine.js";

/**
 * Issue 15: per-platform builds on separate engines, merged by digest. The machine's engine builds
 * debian-nginx's amd64 half and a second dockerd of the suite's own (own data root, exec root and
 * socket; the machine's engine is never touched) builds the arm64 half; both push by digest to the
 * loopback registry, and kiln merge makes the index. Its per-platform image configs must equal
 * those of a one-engine build of the same commit.
 *
 * The second engine has no route out (its bridge gets no NAT: the suite never touches the
 * machine's iptables), so its RUN steps could not reach Debian's archive. It builds as a fresh CI
 * runner does with a registry cache: the one-engine build exports its cache to the loopback
 * registry (--cache-ref), and the second engine's build imports it. Equal layers then come from
 * that cache, and what the test proves is the path: per-platform builds on two engines, pushed by
 * digest, merged into the index a one-engine build makes.
 */
const engine = await engineForE2e();
const env = { KILN_MIRROR: debianBaseMirror };
const nginxDir = path.join(repositoryRoot, "images/debian-nginx");
const digestsDir = path.join(nginxDir, "dist/digests");

function digestFiles(): { platform: string; digest: string; commit: string; repository: string }[] {
  return readdirSync(digestsDir).map((name) => JSON.parse(readFileSync(path.join(digestsDir, name), "utf8")));
}

describe.skipIf(!engine.available)("debian-nginx built on two engines, one platform each, merged by digest", () => {
  let second: PrivateEngine | undefined;
  const registry = `${loopbackRegistry}/kiln-merge-${Date.now()}`;
  const repository = `${registry}/debian-nginx`;
  const cacheRef = `${registry}/buildcache`;
  const oneEngine: Record<string, string> = {};

  beforeAll(async () => {
    rmSync(digestsDir, { recursive: true, force: true });
    second = await startPrivateEngine();
    // The parent goes up first: a per-platform child build takes it from the registry by digest.
    const base = await kiln(["build", "debian-base", "--push", "--no-sbom", "--registry", registry, "--progress", "plain"], { env });
    expect(base.exitCode, base.stderr.slice(-3000)).toBe(0);
    // The one-engine build of the same commit, both platforms at once, for the comparison.
    const one = await kiln(
      ["build", "debian-nginx", "--push-by-digest", "--registry", registry, "--cache-ref", cacheRef, "--progress", "plain"],
      { env },
    );
    expect(one.exitCode, one.stderr.slice(-3000)).toBe(0);
    for (const file of digestFiles())
      Object.assign(oneEngine, { [file.platform]: (await rawManifest(`${repository}@${file.digest}`)).config?.digest });
    rmSync(digestsDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await second?.remove();
    rmSync(digestsDir, { recursive: true, force: true });
  });

  test("each engine pushes its platform by digest; kiln merge makes the index with the one-engine build's configs", async () => {
    // One after the other: the two builds share this working tree (buildx's metadata file), which
    // two CI runners would not, and the one cache ref of the image: an amd64 export finishing first
    // would replace the ref the arm64 build is about to import (docs/scale.md: per-platform jobs
    // take a ref per platform).
    const perPlatform = (platform: string) => [
      "build",
      "debian-nginx",
      "--platform",
      platform,
      "--push-by-digest",
      "--registry",
      registry,
      "--cache-ref",
      cacheRef,
      "--progress",
      "plain",
    ];
    const arm = await kiln(perPlatform("linux/arm64"), { env: { ...env, DOCKER_HOST: second?.host ?? "" } });
    const amd = await kiln(perPlatform("linux/amd64"), { env });
    expect(arm.exitCode, arm.stderr.slice(-3000)).toBe(0);
    expect(amd.exitCode, amd.stderr.slice(-3000)).toBe(0);
    const files = digestFiles();
    expect(files.map((f) => f.platform).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    expect(new Set(files.map((f) => f.commit)).size).toBe(1);
    // The docker driver pushes through the staging repository, storing each half under the staging
    // reference on the engine that built it; kiln removed that tag there once the push was over.
    for (const [result, host] of [
      [arm, second?.host ?? ""],
      [amd, undefined],
    ] as const) {
      expect(result.stderr).toContain(`removed the local staging tag ${registry}/kiln-staging/debian-nginx:`);
      const images = await execute({
        command: "docker",
        args: [...(host ? ["--host", host] : []), "image", "ls", "--format", "{{.Repository}}"],
      });
      expect(images.stdout.split("\n"), host ?? "the machine's engine").not.toContain(`${registry}/kiln-staging/debian-nginx`);
    }

    const merged = await kiln(["merge", "debian-nginx", "--registry", registry]);
    expect(merged.exitCode, merged.stderr).toBe(0);
    const index = await rawManifest(`${repository}:0.1.0`);
    const platforms = (index.manifests ?? []).filter((m) => m.platform?.os === "linux").map((m) => `linux/${m.platform?.architecture}`);
    expect(platforms.sort()).toEqual(["linux/amd64", "linux/arm64"]);
    const record = JSON.parse(readFileSync(path.join(nginxDir, "dist/build.json"), "utf8"));
    expect(record.location).toEqual({ kind: "registry", repository });
    expect(await platformConfigs(repository, record.digest)).toEqual(oneEngine);
  });
});
