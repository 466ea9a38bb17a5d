import { describe, expect, test } from "vitest";
import { UsageError } from "../errors.js";
import { tini } from "../feature/tini.js";
import { defineImage } from "../spec/define.js";
import type { Platform } from "../spec/platform.js";
import { bakeCacheRef, bakeFile, cacheArch, type BakeOptions } from "./bake.js";
import { planBuild, type PlanOptions } from "./plan.js";
import { loadedImage } from "../testing/loaded-image.js";

const root = "/repo";

const baseDefinition = defineImage({
  name: "debian-base",
  description: "base",
  base: "debian:bookworm",
  features: [tini()],
  users: [{ name: "app", uid: 10001 }],
  user: "app",
});
const base = loadedImage(baseDefinition, "1.2.0");
const nginx = loadedImage(
  defineImage({ name: "debian-nginx", description: "web", base: baseDefinition }),
  "0.4.1",
  new Map([["debian-base", base.resolved]]),
);
const images = [base, nginx];
const all = new Map(images.map((image) => [image.pkg.name, image]));
const registry = "127.0.0.1:5000/kiln";
const bookwormDigest = `sha256:${"b".repeat(64)}`;
const planOptions: Omit<PlanOptions, "metadataFile"> = {
  root,
  output: { type: "push" },
  registry,
  revision: "89abcdef0123456789abcdef0123456789abcdef",
  createdEpoch: 1700000000,
};
const options: BakeOptions = { ...planOptions, baseDigests: { "debian-base": bookwormDigest }, latest: new Set(["debian-base"]) };

describe("bakeFile with a registry", () => {
  const file = bakeFile(images, all, options);
  const platforms: Platform[] = ["linux/amd64", "linux/arm64"];

  test("one target per image with the tags, labels and platforms of kiln's push", () => {
    for (const image of images) {
      const name = image.pkg.name;
      const plan = planBuild(image, all, {
        ...planOptions,
        metadataFile: "",
        baseDigest: options.baseDigests?.[name],
        latest: options.latest?.has(name),
      });
      const target = file.target[image.pkg.name];
      expect(target?.tags).toEqual(plan.tags);
      expect(target?.labels).toEqual(plan.labels);
      expect(target?.platforms).toEqual(platforms);
      expect(target?.context).toBe(`images/${image.pkg.name}`);
      expect(target?.dockerfile).toBe("Dockerfile");
    }
    expect(file.target["debian-nginx"]?.tags).toContain(`${registry}/debian-nginx:0.4.1`);
  });

  test("a registry base's digest labels its image; latest only for the images given it", () => {
    expect(file.target["debian-base"]?.labels?.["org.opencontainers.image.base.digest"]).toBe(bookwormDigest);
    expect(file.target["debian-base"]?.tags).toContain(`${registry}/debian-base:latest`);
    expect(file.target["debian-nginx"]?.tags).not.toContain(`${registry}/debian-nginx:latest`);
  });

  test("a child's base.digest is empty, not the digest its parent's label names (bake builds the parent in the same run)", () => {
    expect(file.target["debian-nginx"]?.labels?.["org.opencontainers.image.base.digest"]).toBe("");
  });

  test("a child takes its parent as a target context, not from a registry", () => {
    expect(file.target["debian-nginx"]?.contexts?.["kiln.local/debian-base:local"]).toBe("target:debian-base");
  });

  test("SOURCE_DATE_EPOCH is a build arg, so the file alone gives the image kiln's build gives", () => {
    expect(file.target["debian-nginx"]?.args?.SOURCE_DATE_EPOCH).toBe("1700000000");
  });

  test("with a registry an image's target pushes on its own, gzip even where the cache holds zstd layers", () => {
    for (const image of images)
      expect(file.target[image.pkg.name]?.output).toEqual(["type=registry,compression=gzip,force-compression=true"]);
  });

  test("an image's target reads the cache of each of its platforms and writes none", () => {
    expect(file.target["debian-nginx"]?.["cache-from"]).toEqual([
      `type=registry,ref=${registry}/debian-nginx:buildcache-amd64`,
      `type=registry,ref=${registry}/debian-nginx:buildcache-arm64`,
    ]);
    expect(file.target["debian-nginx"]?.["cache-to"]).toBeUndefined();
  });

  test.each(platforms.flatMap((platform) => images.map((image) => [image.pkg.name, platform] as const)))(
    "%s on %s: a cache-only target of that platform alone writes its ref, with the image's inputs",
    (name, platform) => {
      const ref = `type=registry,ref=${registry}/${name}:buildcache-${cacheArch(platform)}`;
      const cache = file.target[`${name}_buildcache-${cacheArch(platform)}`];
      const image = file.target[name];
      expect(cache?.platforms).toEqual([platform]);
      expect(cache?.["cache-to"]).toEqual([`${ref},mode=max`]);
      expect(cache?.["cache-from"]).toEqual([ref]);
      expect(cache?.output).toEqual(["type=cacheonly"]);
      expect(cache?.tags).toBeUndefined();
      for (const key of ["context", "dockerfile", "args", "contexts", "secret"] as const) expect(cache?.[key]).toEqual(image?.[key]);
    },
  );

  test("no two targets write one cache ref", () => {
    const written = Object.values(file.target).flatMap((target) => target["cache-to"] ?? []);
    expect(written).toHaveLength(4);
    expect(new Set(written).size).toBe(written.length);
  });

  test("the default group runs the images and their cache targets, under names bake accepts", () => {
    expect(file.group.default.targets).toEqual([
      "debian-base",
      "debian-nginx",
      "debian-base_buildcache-amd64",
      "debian-base_buildcache-arm64",
      "debian-nginx_buildcache-amd64",
      "debian-nginx_buildcache-arm64",
    ]);
    expect(Object.keys(file.target).sort()).toEqual([...file.group.default.targets].sort());
    for (const name of file.group.default.targets) expect(name).toMatch(/^[a-zA-Z0-9_-]+$/);
  });

  test("a platform override leaves only that platform's cache", () => {
    const armOnly = bakeFile([base], all, { ...options, platforms: ["linux/arm64"] });
    expect(Object.keys(armOnly.target)).toEqual(["debian-base", "debian-base_buildcache-arm64"]);
    expect(armOnly.target["debian-base"]?.["cache-from"]).toEqual([`type=registry,ref=${registry}/debian-base:buildcache-arm64`]);
  });

  test("an image named like another's cache target is refused", () => {
    const clash = loadedImage(defineImage({ name: "debian-base_buildcache-amd64", description: "clash", base: baseDefinition }), "1.0.0");
    const both = [base, clash];
    expect(() => bakeFile(both, new Map(both.map((image) => [image.pkg.name, image])), options)).toThrow(UsageError);
  });
});

describe("bakeFile without a registry (--load)", () => {
  const file = bakeFile(images, all, { ...options, output: { type: "load" }, registry: undefined });

  test("no registry cache and no cache targets: the images' targets only, with local tags", () => {
    expect(Object.keys(file.target)).toEqual(["debian-base", "debian-nginx"]);
    for (const target of Object.values(file.target)) {
      expect(target["cache-from"]).toBeUndefined();
      expect(target["cache-to"]).toBeUndefined();
      expect(target.output).toBeUndefined();
    }
    expect(file.target["debian-nginx"]?.tags).toEqual(["kiln.local/debian-nginx:local", "kiln.local/debian-nginx:0.4.1"]);
  });
});

test.each<[Platform, string]>([
  ["linux/amd64", "amd64"],
  ["linux/arm64", "arm64"],
  ["linux/arm/v7", "arm-v7"],
  ["linux/386", "386"],
])("the cache of %s is tagged buildcache-%s", (platform, arch) => {
  expect(bakeCacheRef("r.example/ns", "debian-base", platform)).toBe(`r.example/ns/debian-base:buildcache-${arch}`);
});
