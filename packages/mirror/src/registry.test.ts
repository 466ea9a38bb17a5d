import { describe, expect, test } from "vitest";
import { parseImageReference, registryKeyProblem, registryMirrorContexts, registryTargetProblem, type ImageReference } from "./registry.js";
import { mirrorPresets } from "./presets.js";
import type { MirrorProfile } from "./profile.js";

const sha256 = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  test.each<[string, ImageReference]>([
    ["debian", { registry: "hub", repository: "library/debian" }],
    ["library/debian", { registry: "hub", repository: "library/debian" }],
    ["debian:bookworm", { registry: "hub", repository: "library/debian", tag: "bookworm" }],
    ["library/debian:12", { registry: "hub", repository: "library/debian", tag: "12" }],
    ["acme/tool:1.0", { registry: "hub", repository: "acme/tool", tag: "1.0" }],
    ["acme/team/tool", { registry: "hub", repository: "acme/team/tool" }],
    [`debian@${sha256}`, { registry: "hub", repository: "library/debian", digest: sha256 }],
    [`debian:bookworm@${sha256}`, { registry: "hub", repository: "library/debian", tag: "bookworm", digest: sha256 }],
    ["localhost/x", { registry: "localhost", repository: "x" }],
    ["localhost:5000/x", { registry: "localhost:5000", repository: "x" }],
    ["localhost:5000/x:1", { registry: "localhost:5000", repository: "x", tag: "1" }],
    ["localhost:5000", { registry: "hub", repository: "library/localhost", tag: "5000" }],
    ["127.0.0.1:5000/library/debian:bookworm", { registry: "127.0.0.1:5000", repository: "library/debian", tag: "bookworm" }],
    [`ghcr.io/a/b:1@${sha256}`, { registry: "ghcr.io", repository: "a/b", tag: "1", digest: sha256 }],
    ["ghcr.io/a/b/c", { registry: "ghcr.io", repository: "a/b/c" }],
    ["[::1]:5000/x", { registry: "[::1]:5000", repository: "x" }],
    ["MyRegistry/x", { registry: "MyRegistry", repository: "x" }],
    ["ghcr.io", { registry: "hub", repository: "library/ghcr.io" }],
    ["a__b/c-d--e.f_g:V1.0-rc_1", { registry: "hub", repository: "a__b/c-d--e.f_g", tag: "V1.0-rc_1" }],
    [`x@sha512:${"b".repeat(128)}`, { registry: "hub", repository: "library/x", digest: `sha512:${"b".repeat(128)}` }],
  ])("%s", (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  test.each<[string, string]>([
    ["", "is empty"],
    ["Debian:12", 'path component "Debian" must be lower-case'],
    ["debian:", 'tag "" must be'],
    [":12", "empty path component"],
    ["debian:-rc", 'tag "-rc" must be'],
    [`debian:${"t".repeat(129)}`, "must be 1 to 128"],
    ["debian@sha256:abc", 'digest "sha256:abc" is not sha256:<64 lower-case hex>'],
    [`debian@sha256:${"A".repeat(64)}`, "is not sha256:<64 lower-case hex>"],
    [`debian@md5:${"a".repeat(32)}`, "is not sha256"],
    [`a@${sha256}@${sha256}`, 'more than one "@"'],
    ["a//b", "empty path component"],
    ["/debian", "empty path component"],
    ["debian/", "empty path component"],
    ["a_-b", 'path component "a_-b"'],
    ["bad_host.io:x/y", 'registry "bad_host.io:x" is not host[:port]'],
    ["-bad.io/y", 'registry "-bad.io" is not host[:port]'],
    ["${BASE_IMAGE}", "uses a build argument"],
    ["debian:${VERSION}", "uses a build argument"],
    [`${"a".repeat(256)}`, "longer than 255"],
  ])("%j is rejected: %s", (reference, why) => {
    expect(() => parseImageReference(reference)).toThrow(`image reference "${reference}": `);
    expect(() => parseImageReference(reference)).toThrow(
      expect.objectContaining({
        code: "KILN_MIRROR",
        message: expect.stringContaining(why),
        hint: expect.stringContaining("debian:bookworm"),
      }),
    );
  });
});

describe("registry keys and targets", () => {
  test.each<[string, string | undefined]>([
    ["hub", undefined],
    ["ghcr.io", undefined],
    ["localhost", undefined],
    ["localhost:5000", undefined],
    ["[fd00::1]:5000", undefined],
    ["quay", "can never be the registry of a reference"],
    ["ghcr.io/org", "is not a registry domain"],
    ["", "is not a registry domain"],
  ])("key %j", (key, problem) => {
    const found = registryKeyProblem(key);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  test.each<[string, string | undefined]>([
    ["127.0.0.1:5000", undefined],
    ["127.0.0.1:5001/ghcr", undefined],
    ["mirror.example/hub/proxy", undefined],
    ["localhost", undefined],
    ["[::1]:5000", undefined],
    ["mirror:5000", undefined],
    ["https://mirror.example", "has a scheme"],
    ["mirror.example/", "is not host[:port][/path]"],
    ["mirror.example/Hub", "is not host[:port][/path]"],
    ["mirror.example:port", "is not host[:port][/path]"],
    ["mirror.example?x", "is not host[:port][/path]"],
    ["mirror", "would be read as a repository on the default registry"],
  ])("target %j", (target, problem) => {
    const found = registryTargetProblem(target);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe("registryMirrorContexts", () => {
  const profile: MirrorProfile = { name: "custom", registries: { hub: "127.0.0.1:5000", "ghcr.io": "127.0.0.1:5001/ghcr" } };

  test.each<[string, string, string | undefined]>([
    ["a hub ref with a tag", "debian:bookworm", "docker-image://127.0.0.1:5000/library/debian:bookworm"],
    ["a hub ref without a tag", "debian", "docker-image://127.0.0.1:5000/library/debian"],
    ["a hub ref with library/", "library/debian:12", "docker-image://127.0.0.1:5000/library/debian:12"],
    ["a hub ref with a namespace", "acme/tool:1", "docker-image://127.0.0.1:5000/acme/tool:1"],
    ["a hub ref with a digest", `debian@${sha256}`, `docker-image://127.0.0.1:5000/library/debian@${sha256}`],
    ["a hub ref with a tag and a digest", `debian:bookworm@${sha256}`, `docker-image://127.0.0.1:5000/library/debian:bookworm@${sha256}`],
    ["another mirrored registry, under a path prefix", "ghcr.io/org/x:2", "docker-image://127.0.0.1:5001/ghcr/org/x:2"],
    ["another mirrored registry with tag and digest", `ghcr.io/a/b:1@${sha256}`, `docker-image://127.0.0.1:5001/ghcr/a/b:1@${sha256}`],
    ["an unmirrored registry", "quay.io/org/y:2", undefined],
    ["a local registry", "localhost:5000/x:1", undefined],
    ["scratch", "scratch", undefined],
  ])("%s", (_case, ref, context) => {
    expect(registryMirrorContexts(profile, [ref])).toEqual(context === undefined ? {} : { [ref]: context });
  });

  test("one context per mirrored ref, named exactly as written, in input order", () => {
    const refs = ["debian:bookworm", "quay.io/org/y:2", "ghcr.io/org/x:2", "scratch", "debian:bookworm"];
    expect(Object.entries(registryMirrorContexts(profile, refs))).toEqual([
      ["debian:bookworm", "docker-image://127.0.0.1:5000/library/debian:bookworm"],
      ["ghcr.io/org/x:2", "docker-image://127.0.0.1:5001/ghcr/org/x:2"],
    ]);
  });

  test.each<[string, MirrorProfile | undefined]>([
    ["no profile", undefined],
    ["a profile without registries", mirrorPresets.tuna],
    ["an empty registry map", { name: "custom", registries: {} }],
  ])("%s: no contexts, and references are not even parsed", (_case, noRegistries) => {
    expect(registryMirrorContexts(noRegistries, ["debian:bookworm", "${BASE}"])).toEqual({});
  });

  test("a mirrored build with a bad reference fails clearly", () => {
    expect(() => registryMirrorContexts(profile, ["${BASE}"])).toThrow('image reference "${BASE}": uses a build argument');
  });
});
