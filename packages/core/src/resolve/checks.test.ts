import { describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { defineFeature } from "../feature/feature.js";
import { defineImage, type ImageInput } from "../spec/define.js";
import { floatingTag } from "./checks.js";
import { resolveImage } from "./resolve.js";

const file = "images/x/image.ts";
const valid: ImageInput = { name: "x", description: "an image", base: "alpine:3.22", users: [{ name: "app", uid: 10001 }], user: "app" };

function resolve(input: Record<string, unknown>) {
  return resolveImage(defineImage({ ...valid, ...input }), { file });
}

function errorOf(input: Record<string, unknown>): DefinitionError {
  try {
    resolve(input);
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error("expected a DefinitionError");
}

describe("root by any name needs rootReason", () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ["uid 0 as a number", { user: "0" }, /user: the image would run as root \("0" is uid 0\)/],
    ["uid and gid 0", { user: "0:0" }, /user: the image would run as root \("0:0" is uid 0\)/],
    ["root with its group", { user: "root:root" }, /user: the image would run as root/],
    ["uid 0 under another name", { users: [{ name: "toor", uid: 0 }], user: "toor" }, /users \(toor\): declares uid 0 under the name toor/],
    [
      "uid 0 through a build argument's default",
      { buildArgs: { ADMIN_UID: "0" }, users: [{ name: "admin", uid: "$ADMIN_UID" }], user: "app" },
      /users \(admin\): declares uid 0/,
    ],
    [
      "root redeclared with a login shell",
      { users: [{ name: "root", uid: 0, shell: "/bin/bash", login: true }], user: "app" },
      /users \(root\): redeclares root/,
    ],
  ])("%s", (_name, input, message) => {
    const error = errorOf(input);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/rootReason/);
    expect(error.exitCode).toBe(2);
  });

  test("with a reason each of them resolves, and the image is known to run as root", () => {
    const image = resolve({ users: [{ name: "toor", uid: 0 }], user: "toor", rootReason: "binds port 80" });
    expect(image.runsAsRoot).toBe(true);
    expect(resolve({ user: "0:0", rootReason: "binds port 80" }).runsAsRoot).toBe(true);
  });

  test("a group of 0 alone is not root", () => {
    expect(resolve({ user: "app:0" }).runsAsRoot).toBe(false);
  });

  test("an alias of uid 0 declared in the parent is root in the child too", () => {
    const parent = defineImage({ ...valid, name: "p", users: [{ name: "toor", uid: 0 }], rootReason: "an admin account" });
    const error = (() => {
      try {
        resolveImage(defineImage({ name: "c", description: "c", base: parent, user: "toor" }), { file });
      } catch (caught) {
        return caught as DefinitionError;
      }
    })();
    expect(error?.message).toMatch(/user: the image would run as root \("toor" is uid 0\)/);
  });
});

describe("bases that move by themselves need baseTagReason", () => {
  test.each([
    ["alpine", "untagged"],
    ["alpine:latest", "latest"],
    ["127.0.0.1:5000/library/debian", "untagged"],
    ["127.0.0.1:5000/library/debian:bookworm", undefined],
    ["alpine@sha256:" + "a".repeat(64), undefined],
    ["ghcr.io/acme/x:1.2", undefined],
  ])("%s is %s", (reference, expected) => {
    expect(floatingTag(reference)).toBe(expected);
  });

  test("an untagged base, a latest stage, and the opt-in", () => {
    expect(errorOf({ base: "alpine" }).message).toMatch(/^images\/x\/image\.ts: base: "alpine" is untagged/);
    const stage = { name: "build", from: "node:latest", instructions: ["RUN true"] };
    expect(errorOf({ stages: [stage] }).message).toMatch(/stages\[0\]\.from: "node:latest" is tagged latest/);
    expect(errorOf({ base: "alpine" }).hint).toMatch(/baseTagReason/);
    expect(() => resolve({ base: "alpine:latest", stages: [stage], baseTagReason: "tracks the newest release on purpose" })).not.toThrow();
  });
});

describe("stage names", () => {
  const stage = (name: string) => ({ name, from: "alpine:3.22", instructions: ["RUN true"] });
  test.each<[string, unknown[], RegExp]>([
    ["two stages of one name", [stage("build"), stage("build")], /stages\[1\]\.name: "build" is the name of an earlier stage/],
    ["a stage named like the image", [stage("x")], /stages\[0\]\.name: "x" is the image's own name/],
    ["a stage named like a kiln build context", [stage("kiln-feature-ssh")], /stages\[0\]\.name: "kiln-feature-ssh" starts with kiln-/],
  ])("%s", (_name, stages, message) => {
    expect(errorOf({ stages }).message).toMatch(message);
  });
});

describe("package names follow the distro's package manager", () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ["a command in a package name", { packages: ["nginx; rm -rf / #"] }, /packages\[0\]: expected a package name/],
    ["a command substitution", { packages: ["$(curl example.com | sh)"] }, /packages\[0\]: expected a package name/],
    [
      "an apk constraint on Debian",
      { base: "debian:bookworm", packages: ["nginx~1.22"] },
      /packages: "nginx~1\.22" is not a debian package name/,
    ],
    ["a one-letter Debian package", { base: "debian:bookworm", packages: ["a"] }, /packages: "a" is not a debian package name/],
  ])("%s", (_name, input, message) => {
    expect(errorOf(input).message).toMatch(message);
  });

  test("each distro's own forms are accepted", () => {
    // A tag needs its repository (repositories.apk, see distro/apk-repositories.test.ts).
    expect(
      resolve({ packages: ["tool@testing", "curl=8.14.1-r1", "py3-pip"], repositories: { apk: [{ url: "edge/testing", tag: "testing" }] } })
        .packages,
    ).toEqual(["curl=8.14.1-r1", "py3-pip", "tool@testing"]);
    expect(resolve({ base: "debian:bookworm", packages: ["libssl3:arm64", "git/bookworm-backports"] }).packages).toHaveLength(2);
  });

  test("a feature's bad package names the feature", () => {
    const feature = defineFeature("odd", () => ({ packages: ["Nginx"] }));
    expect(errorOf({ base: "debian:bookworm", features: [feature] }).message).toMatch(
      /\(feature odd\) packages: "Nginx" is not a debian package name/,
    );
  });
});

describe("features that fail", () => {
  test("a feature that throws is a definition error naming it", () => {
    const broken = defineFeature("broken", () => {
      throw new TypeError("cannot read properties of undefined (reading 'port')");
    });
    const error = errorOf({ features: [broken] });
    expect(error.message).toBe(
      "images/x/image.ts: features[0] (feature broken): the feature failed: cannot read properties of undefined (reading 'port')",
    );
    expect(error.hint).toMatch(/options given to broken/);
    expect(error.exitCode).toBe(2);
  });

  test("a feature's name must be a name", () => {
    const badly = defineFeature("my feature\nRUN echo pwned", () => ({}));
    expect(errorOf({ features: [badly] }).message).toMatch(/features\[0\]: the feature's name "my feature\\nRUN echo pwned"/);
  });
});

describe("trimBase is refused where kiln cannot restate the base's config", () => {
  test.each<[string, Record<string, unknown>, RegExp, RegExp]>([
    [
      "a workspace parent",
      { base: defineImage({ ...valid, name: "parent", base: "debian:bookworm" }) },
      /^images\/x\/image\.ts: trimBase: the base is parent, an image of this repository; only a base from a registry is trimmed$/,
      /set trimBase: true in parent's definition/,
    ],
    [
      "an Alpine base",
      { base: "alpine:3.22" },
      /^images\/x\/image\.ts: trimBase: kiln trims Debian and Ubuntu bases .* this image is alpine$/,
      /remove trimBase/,
    ],
    [
      "a Debian derivative kiln does not know",
      { base: "registry.example/team/python:3.12-bookworm", distro: "debian" },
      /^images\/x\/image\.ts: trimBase: the base "registry\.example\/team\/python:3\.12-bookworm" is not a debian image kiln knows the config of/,
      /build from the official debian image/,
    ],
  ])("%s", (_, input, message, hint) => {
    const error = errorOf({ ...input, trimBase: true });
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(error.exitCode).toBe(2);
  });

  test("a mirror of the official image under the same name is trimmed", () => {
    expect(resolve({ base: "127.0.0.1:5000/library/debian:bookworm", trimBase: true }).trimBase).toBe(true);
  });
});
