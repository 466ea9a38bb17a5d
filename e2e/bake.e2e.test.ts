import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { RegistryClient, repositoryLocation } from "@kiln/registry";
import { debianBaseMirror, engineForE2e, loopbackRegistry } from "./engine.js";
import { platformConfigs } from "./image-configs.js";
import { kiln, repositoryRoot } from "./kiln.js";

/**
 * Issue 15, part 3: the bake file kiln writes is one any builder can run. `docker buildx bake -f`
 * on it builds debian-base for both platforms, pushes it, and fills one registry cache per
 * platform; its per-platform image configs equal those of `kiln build --push` of the same commit
 * (SOURCE_DATE_EPOCH is in the file, the base's digest label is looked up as kiln's push does).
 */
const engine = await engineForE2e();
const { version } = JSON.parse(readFileSync(path.join(repositoryRoot, "images/debian-base/package.json"), "utf8")) as { version: string };

describe.skipIf(!engine.available)("docker buildx bake on kiln's bake file", () => {
  const stamp = Date.now();
  const baked = `${loopbackRegistry}/kiln-bake-${stamp}`;
  const built = `${loopbackRegistry}/kiln-bake-${stamp}-kiln`;
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-bake-"));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    // buildx's docker driver pushes from the local image store: bake's tags stay there unless removed.
    const listed = await execute({ command: "docker", args: ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"] });
    const ours = listed.stdout.split("\n").filter((reference) => reference.startsWith(`${baked}/`));
    if (ours.length > 0) await execute({ command: "docker", args: ["image", "rm", "--no-prune", ...ours] });
  });

  test("builds debian-base as kiln's push does, with a cache ref per platform", async () => {
    const file = path.join(dir, "docker-bake.json");
    const written = await kiln(["bake", "debian-base", "--registry", baked, "--mirror", debianBaseMirror, "--out", file]);
    expect(written.exitCode, written.stderr).toBe(0);
    expect(written.stderr, "the command kiln bake prints").not.toContain("--push");
    const bake = await execute(
      // As kiln bake says to run it: with a registry the image targets push on their own.
      { command: "docker", args: ["buildx", "bake", "-f", file, "--progress", "plain"] },
      { cwd: repositoryRoot },
    );
    expect(bake.exitCode, bake.stderr.slice(-3000)).toBe(0);
    const push = await kiln([
      "build",
      "debian-base",
      "--push",
      "--no-sbom",
      "--registry",
      built,
      "--mirror",
      debianBaseMirror,
      "--progress",
      "plain",
    ]);
    expect(push.exitCode, push.stderr.slice(-3000)).toBe(0);

    const fromBake = await platformConfigs(`${baked}/debian-base`, version);
    expect(Object.keys(fromBake).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    expect(fromBake).toEqual(await platformConfigs(`${built}/debian-base`, version));
    const tags = await new RegistryClient(repositoryLocation(baked, "debian-base")).tags();
    expect(tags).toEqual(expect.arrayContaining(["buildcache-amd64", "buildcache-arm64", version, "latest"]));
  });
});
