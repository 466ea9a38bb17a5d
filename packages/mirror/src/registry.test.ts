import { describe, expect, test } from "vitest";
import { registryKeyProblem, registryMirrorContexts, registryTargetProblem } from "./registry.js";
import { mirrorPresets } from "./presets.js";
import type { MirrorProfile } from "./profile.js";

const sha256 = `sha256:${"a".repeat(64)}`;

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
