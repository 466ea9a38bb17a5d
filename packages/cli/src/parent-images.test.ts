import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { runPlatforms, tagByContent, type ImagePlatforms } from "./parent-images.js";

const image = (name: string, platforms: string[]): ImagePlatforms => ({
  pkg: { name },
  resolved: { platforms: platforms as ImagePlatforms["resolved"]["platforms"] },
});
const both = ["linux/amd64", "linux/arm64"];
const parent = image("debian-base", both);
const child = image("debian-nginx", both);
const parentsInRun = new Set(["debian-base"]);

describe("runPlatforms: what each image of a run builds (loaded or pushed)", () => {
  test("a parent built with its child for a foreign platform also gets the engine's, for the child's fetch stage", () => {
    expect(runPlatforms(parent, ["linux/arm64"], parentsInRun, "linux/amd64")).toEqual(["linux/arm64", "linux/amd64"]);
  });

  test("the child itself builds only the platforms asked for", () => {
    expect(runPlatforms(child, ["linux/arm64"], parentsInRun, "linux/amd64")).toEqual(["linux/arm64"]);
  });

  test("a parent not built in this run is not widened (it is checked, not built)", () => {
    expect(runPlatforms(parent, ["linux/arm64"], new Set(), "linux/amd64")).toEqual(["linux/arm64"]);
  });

  test("nothing to add when the engine's platform is asked for, or the parent's definition lacks it", () => {
    expect(runPlatforms(parent, ["linux/amd64"], parentsInRun, "linux/amd64")).toEqual(["linux/amd64"]);
    expect(runPlatforms(image("debian-base", ["linux/arm64"]), ["linux/arm64"], parentsInRun, "linux/amd64")).toEqual(["linux/arm64"]);
  });

  test("a run not narrowed, or with no engine known, keeps what it was given", () => {
    expect(runPlatforms(parent, undefined, parentsInRun, "linux/amd64")).toBeUndefined();
    expect(runPlatforms(parent, ["linux/arm64"], parentsInRun, undefined)).toEqual(["linux/arm64"]);
  });
});

describe("tagByContent: the tag a child's context names its parent by", () => {
  // An engine socket that does not exist: any engine call fails, so a tag that comes back was
  // decided without one.
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "kiln-no-engine-"));
    vi.stubEnv("DOCKER_HOST", `unix://${path.join(dir, "docker.sock")}`);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });
  const id = `sha256:5f6f3a20303b${"0".repeat(52)}`;

  test("an image that already has its content tag keeps it, with no call to the engine", async () => {
    const tags = ["kiln.local/debian-base:0.1.0", "kiln.local/debian-base:local", "kiln.local/debian-base:0.1.0-5f6f3a20303b"];
    await expect(tagByContent("debian-base", "0.1.0", id, tags)).resolves.toBe("0.1.0-5f6f3a20303b");
  });

  test("an image without it (another content's tag does not count) is tagged through the engine", async () => {
    const tags = ["kiln.local/debian-base:0.1.0", "kiln.local/debian-base:0.1.0-aaaaaaaaaaaa"];
    await expect(tagByContent("debian-base", "0.1.0", id, tags)).rejects.toThrow();
    await expect(tagByContent("debian-base", "0.1.0", id)).rejects.toThrow();
  });
});
