import { describe, expect, test } from "vitest";
import { MirrorError } from "./errors.js";
import { mirrorProfileSchema, validateMirrorProfile } from "./profile.js";

const origin = "kiln.config.ts: mirror";

describe("validateMirrorProfile", () => {
  test("a minimal object becomes a custom profile with URLs normalised", () => {
    expect(
      validateMirrorProfile({ apk: "https://m.example/alpine/", apt: { debianSecurity: "http://m.example/debian-security//" } }, origin),
    ).toEqual({
      name: "custom",
      apk: "https://m.example/alpine",
      apt: { debianSecurity: "http://m.example/debian-security" },
    });
  });

  test("a full profile passes unchanged", () => {
    const profile = {
      name: "office",
      apk: "https://m.example/alpine",
      apt: {
        debian: "https://m.example/debian",
        debianSecurity: "https://m.example/debian-security",
        ubuntu: "https://m.example/ubuntu",
        ubuntuPorts: "https://m.example/ubuntu-ports",
      },
      registries: {
        hub: "127.0.0.1:5000",
        "ghcr.io": "127.0.0.1:5001/ghcr",
        "localhost:5000": "[::1]:5002",
        "[fd00::1]:443": "mirror.example",
      },
      npm: "https://npm.example",
      pip: "https://pip.example/simple",
      persist: true,
    };
    expect(validateMirrorProfile(profile, origin)).toEqual(profile);
  });

  test.each<[string, unknown, string]>([
    [
      "unknown top-level key",
      { yum: "https://m.example" },
      `${origin}: unknown key "yum"; known keys: name, apk, apt, registries, npm, pip, persist`,
    ],
    [
      "unknown apt key",
      { apt: { centos: "https://m.example" } },
      `${origin}: apt: unknown key "centos"; known keys: debian, debianSecurity, ubuntu, ubuntuPorts`,
    ],
    [
      "not a URL",
      { apk: "mirror.example/alpine" },
      `${origin}: apk: "mirror.example/alpine" is not a URL; write e.g. https://mirror.example/alpine`,
    ],
    ["not http(s)", { npm: "ftp://m.example/npm" }, `${origin}: npm: "ftp://m.example/npm" must be http:// or https://`],
    [
      "a query",
      { pip: "https://m.example/simple?x=1" },
      `${origin}: pip: "https://m.example/simple?x=1" must not have a query or fragment`,
    ],
    [
      "a fragment",
      { apt: { ubuntu: "https://m.example/ubuntu#main" } },
      `${origin}: apt.ubuntu: "https://m.example/ubuntu#main" must not have a query or fragment`,
    ],
    [
      "credentials",
      { apk: "https://user:secret@m.example/alpine" },
      `${origin}: apk: "https://user:secret@m.example/alpine" must not carry credentials: build args are recorded in the image history`,
    ],
    ["whitespace", { apk: "https://m.example/al pine" }, `${origin}: apk: "https://m.example/al pine" contains whitespace`],
    ["not a string", { apk: 5 }, `${origin}: apk: Invalid input: expected string, received number`],
    ["persist not boolean", { persist: "yes" }, `${origin}: persist: Invalid input: expected boolean, received string`],
    ["empty name", { name: " " }, `${origin}: name: expected a non-empty name`],
    [
      "registry value with a scheme",
      { registries: { hub: "http://127.0.0.1:5000" } },
      `${origin}: registries.hub: "http://127.0.0.1:5000" has a scheme; write host[:port][/path] without it, e.g. 127.0.0.1:5000`,
    ],
    [
      "registry key that no reference has",
      { registries: { quay: "127.0.0.1:5000" } },
      `${origin}: registries.quay: "quay" can never be the registry of a reference`,
    ],
    ["not an object", 4, `${origin}: expected a mirror spec string or a profile object, got number`],
    ["null", null, `${origin}: expected a mirror spec string or a profile object, got null`],
  ])("%s", (_case, input, message) => {
    expect(() => validateMirrorProfile(input, origin)).toThrow(
      expect.objectContaining({
        name: "MirrorError",
        code: "KILN_MIRROR",
        exitCode: 2,
        message: expect.stringContaining(message),
        hint: expect.stringContaining("a profile object has name"),
      }),
    );
  });

  test("every problem is reported at once", () => {
    expect(() => validateMirrorProfile({ apk: "nope", npm: "ftp://x" }, origin)).toThrow(
      /apk: "nope" is not a URL.*; npm: "ftp:\/\/x" must be http/,
    );
  });

  test("errors are MirrorErrors", () => {
    expect(() => validateMirrorProfile({ apk: "nope" }, origin)).toThrow(MirrorError);
  });
});

test("mirrorProfileSchema is usable directly", () => {
  expect(mirrorProfileSchema.safeParse({ apk: "https://m.example/alpine" }).success).toBe(true);
  expect(mirrorProfileSchema.safeParse({ apk: "https://m.example/alpine", extra: 1 }).success).toBe(false);
});
