import { describe, expect, test } from "vitest";
import { mirrorBuildArgNames, mirrorBuildArgs } from "./build-args.js";
import { describeMirror, mirrorCacheKey } from "./cache-key.js";
import { MirrorError } from "./errors.js";
import { parseImageReference } from "./reference.js";
import { registryMirrorContexts } from "./registry-contexts.js";

describe("parseImageReference", () => {
  test.each([
    ["debian", { registry: "hub", repository: "library/debian" }],
    ["debian:bookworm", { registry: "hub", repository: "library/debian", tag: "bookworm" }],
    ["library/debian:12", { registry: "hub", repository: "library/debian", tag: "12" }],
    ["acme/tool:1.0", { registry: "hub", repository: "acme/tool", tag: "1.0" }],
    ["localhost/x", { registry: "localhost", repository: "x" }],
    ["localhost:5000/x:1", { registry: "localhost:5000", repository: "x", tag: "1" }],
    [`ghcr.io/a/b:1@sha256:${"a".repeat(64)}`, { registry: "ghcr.io", repository: "a/b", tag: "1", digest: `sha256:${"a".repeat(64)}` }],
  ])("%s", (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  test.each(["Debian:12", "debian:", "debian@sha256:abc", "a//b"])("%s is rejected", (reference) => {
    expect(() => parseImageReference(reference)).toThrow(MirrorError);
  });
});

describe("registryMirrorContexts", () => {
  const profile = { name: "custom", persist: false, registries: { hub: "127.0.0.1:5000", "ghcr.io": "127.0.0.1:5001/ghcr" } };

  test("maps mirrored registries only, keeping the reference as written as the context name", () => {
    expect(
      registryMirrorContexts(profile, ["debian:bookworm", "acme/tool:1", `ghcr.io/org/x@sha256:${"b".repeat(64)}`, "quay.io/org/y:2"]),
    ).toEqual({
      "debian:bookworm": "docker-image://127.0.0.1:5000/library/debian:bookworm",
      "acme/tool:1": "docker-image://127.0.0.1:5000/acme/tool:1",
      [`ghcr.io/org/x@sha256:${"b".repeat(64)}`]: `docker-image://127.0.0.1:5001/ghcr/org/x@sha256:${"b".repeat(64)}`,
    });
  });

  test("no profile, no contexts", () => {
    expect(registryMirrorContexts(undefined, ["debian:bookworm"])).toEqual({});
  });
});

describe("mirrorBuildArgs", () => {
  test("only the keys that are set, sorted, and all of them declared", () => {
    const args = mirrorBuildArgs({ name: "x", apk: "https://m/alpine", apt: { debianSecurity: "https://m/ds" }, persist: true });
    expect(args).toEqual({ KILN_APK_MIRROR: "https://m/alpine", KILN_APT_DEBIAN_SECURITY_MIRROR: "https://m/ds", KILN_MIRROR_PERSIST: "1" });
    for (const name of Object.keys(args)) expect(mirrorBuildArgNames).toContain(name);
    expect(mirrorBuildArgs(undefined)).toEqual({});
  });
});

describe("mirrorCacheKey and describeMirror", () => {
  test("stable across key order, different for different profiles", () => {
    const a = mirrorCacheKey({ name: "x", apk: "https://m/alpine", npm: "https://n", persist: false });
    const b = mirrorCacheKey({ persist: false, npm: "https://n", apk: "https://m/alpine", name: "x" });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(mirrorCacheKey({ name: "x", apk: "https://other/alpine", npm: "https://n", persist: false })).not.toBe(a);
    expect(mirrorCacheKey(undefined)).toBe("none");
  });

  test("describes where the profile came from and what it rewrites", () => {
    expect(describeMirror(undefined)).toMatch(/^no mirror/);
    expect(describeMirror({ origin: "KILN_MIRROR", profile: { name: "custom", registries: { hub: "127.0.0.1:5000" }, persist: false } })).toBe(
      "mirror custom (from KILN_MIRROR, build time only): registries hub→127.0.0.1:5000",
    );
  });
});
