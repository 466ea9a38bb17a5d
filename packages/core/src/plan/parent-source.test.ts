import { describe, expect, test } from "vitest";
import type { BuildRecord } from "../build/metadata.js";
import { parentSource, recordedRegistryReference } from "./parent-source.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
function record(overrides: Partial<BuildRecord>): BuildRecord {
  return {
    image: "debian-base",
    version: "0.1.0",
    digest: digest("a"),
    platforms: ["linux/amd64", "linux/arm64"],
    tags: ["kiln.local/debian-base:local", "kiln.local/debian-base:0.1.0"],
    output: "load",
    location: { kind: "local-store", reference: "kiln.local/debian-base:0.1.0" },
    manifests: [],
    ...overrides,
  };
}

describe("parentSource: where a child build takes its workspace parent from", () => {
  test("the local store's image is the recorded one: local", () => {
    expect(parentSource("debian-base", "0.1.0", { record: record({}), localId: digest("a") })).toEqual({ kind: "local" });
  });

  test("a cache hit restored the record but the store has no image: rebuild, saying why", () => {
    expect(parentSource("debian-base", "0.1.0", { record: record({}), localId: undefined })).toEqual({
      kind: "rebuild",
      reason: "debian-base 0.1.0 is not in the local image store (a cache hit without the image?)",
    });
  });

  test("the store has another image under the tag than the record names: rebuild", () => {
    const source = parentSource("debian-base", "0.1.0", { record: record({}), localId: digest("b") });
    expect(source).toEqual({
      kind: "rebuild",
      reason: "debian-base 0.1.0 in the local image store is bbbbbbbbbbbb, not the recorded aaaaaaaaaaaa",
    });
  });

  test("the recorded parent lacks a platform the child builds for: rebuild, naming it", () => {
    const armOnly = record({ platforms: ["linux/arm64"] });
    expect(parentSource("debian-base", "0.1.0", { record: armOnly, localId: digest("a"), platforms: ["linux/amd64"] })).toEqual({
      kind: "rebuild",
      reason: "debian-base 0.1.0 in the local image store was built for linux/arm64 only, not linux/amd64",
    });
    expect(parentSource("debian-base", "0.1.0", { record: armOnly, localId: digest("a"), platforms: ["linux/arm64"] })).toEqual({
      kind: "local",
    });
    expect(
      parentSource("debian-base", "0.1.0", { record: record({}), localId: digest("a"), platforms: ["linux/amd64", "linux/arm64"] }),
    ).toEqual({ kind: "local" });
  });

  test("a pushed parent is pulled by digest from the recorded repository, whatever the local store has", () => {
    const pushed = record({ output: "push-by-digest", location: { kind: "registry", repository: "127.0.0.1:5000/kiln/debian-base" } });
    for (const localId of [undefined, digest("c")]) {
      expect(parentSource("debian-base", "0.1.0", { record: pushed, localId })).toEqual({
        kind: "registry",
        reference: `127.0.0.1:5000/kiln/debian-base@${digest("a")}`,
      });
    }
  });

  test("no record, or a record of another version: the local tag decides", () => {
    expect(parentSource("debian-base", "0.1.0", { record: undefined, localId: digest("d") })).toEqual({ kind: "local" });
    expect(parentSource("debian-base", "0.1.0", { record: undefined, localId: undefined }).kind).toBe("rebuild");
    const old = record({ version: "0.0.9", location: { kind: "registry", repository: "r/debian-base" } });
    expect(parentSource("debian-base", "0.1.0", { record: old, localId: digest("d") })).toEqual({ kind: "local" });
  });

  test("a record from before locations were recorded trusts an image under the tag", () => {
    const legacy = record({ location: undefined });
    expect(parentSource("debian-base", "0.1.0", { record: legacy, localId: digest("e") })).toEqual({ kind: "local" });
  });
});

describe("recordedRegistryReference: the pushed image a record names, for a child build and kiln test", () => {
  const pushed = record({ location: { kind: "registry", repository: "127.0.0.1:5000/acme/debian-base" }, output: "push-by-digest" });

  test("a pushed record of this version names the image by repository and digest", () => {
    expect(recordedRegistryReference(pushed, "0.1.0")).toBe(`127.0.0.1:5000/acme/debian-base@${digest("a")}`);
  });

  test("a record of another version, without a digest or a repository, or in the local store names none", () => {
    expect(recordedRegistryReference(pushed, "0.2.0")).toBeUndefined();
    expect(recordedRegistryReference({ ...pushed, digest: undefined }, "0.1.0")).toBeUndefined();
    expect(recordedRegistryReference({ ...pushed, location: { kind: "registry", repository: "" } }, "0.1.0")).toBeUndefined();
    expect(recordedRegistryReference(record({}), "0.1.0")).toBeUndefined();
    expect(recordedRegistryReference({ ...pushed, location: undefined }, "0.1.0")).toBeUndefined();
    expect(recordedRegistryReference(undefined, "0.1.0")).toBeUndefined();
  });
});
