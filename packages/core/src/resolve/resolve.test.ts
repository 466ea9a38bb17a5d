import { describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { defineFeature } from "../feature/feature.js";
import { nginx } from "../feature/nginx.js";
import { tini } from "../feature/tini.js";
import { defineImage, type ImageInput } from "../spec/define.js";
import { resolveImage, runtimeInterface } from "./resolve.js";

const file = "images/x/image.ts";
const valid: ImageInput = {
  name: "x",
  description: "an image",
  base: "alpine:3.22",
  users: [{ name: "app", uid: 10001 }],
  user: "app",
};

function errorOf(input: Record<string, unknown>): DefinitionError {
  try {
    resolveImage(defineImage({ ...valid, ...input }), { file });
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error("expected a DefinitionError");
}

describe("definition errors name the file, the field and the fix", () => {
  test.each<[string, Record<string, unknown>, RegExp, RegExp]>([
    [
      "unknown platform",
      { platforms: ["linux/amd64", "linux/mips"] },
      /^images\/x\/image\.ts: platforms\[1\]: unknown platform "linux\/mips"/,
      /fix the field/,
    ],
    ["user without a name", { users: [{ uid: 1000 }] }, /^images\/x\/image\.ts: users\[0\]\.name: /, /fix the field/],
    [
      "uid that is neither a number nor a build argument",
      { users: [{ name: "a", uid: "1000" }] },
      /users\[0\]\.uid: expected a number, or "\$NAME" naming a build argument/,
      /fix the field/,
    ],
    [
      "uid naming an undeclared build argument",
      { users: [{ name: "a", uid: "$DEV_UID" }] },
      /: users \(a\)\.uid: "\$DEV_UID" names no build argument/,
      /buildArgs: \{ DEV_UID: "1000" \}/,
    ],
    [
      "build argument in lower case",
      { buildArgs: { dev_uid: "1" } },
      /: buildArgs\.dev_uid: expected an upper-case build argument name/,
      /fix the field/,
    ],
    ["port out of range", { ports: [8080, 70000] }, /: ports\[1\]: ports are 1 to 65535/, /fix the field/],
    [
      "base neither reference nor definition",
      { base: 42 },
      /: base: expected an image reference like "alpine:3\.22" or another image's definition, got number 42/,
      /import the parent/,
    ],
    ["base that is an invalid reference", { base: "Not A Ref" }, /: base: expected an image reference/, /fix the field/],
    ["a missing base (an import cycle looks like this)", { base: undefined }, /: base: .*import cycle/, /import the parent/],
    ["secret-looking ENV value", { env: { API_TOKEN: "abc123" } }, /: env\.API_TOKEN: looks like a secret/, /fix the field/],
    ["root without a reason", { user: undefined, users: [] }, /: user: the image would run as root/, /rootReason/],
    ["unknown field", { colour: "blue" }, /: \(definition\): Unrecognized key: "colour"|colour/, /fix the field/],
    ["feature that is not called", { features: [tini] }, /: features\[0\]: expected a feature/, /call the feature function/],
    ["feature listed twice", { features: [tini(), tini()] }, /: features\[1\]: feature "tini" is listed twice/, /keep one/],
    ["relative workdir", { workdir: "app" }, /: workdir: expected an absolute path \(starting with \/\), got "app"/, /fix the field/],
  ])("%s", (_name, input, message, hint) => {
    const error = errorOf(input);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(error.exitCode).toBe(2);
  });

  test("an empty secret-looking ENV (a placeholder for run time) is allowed", () => {
    expect(() => resolveImage(defineImage({ ...valid, env: { API_TOKEN: "" } }), { file })).not.toThrow();
  });

  test("a feature's bad contribution names the feature", () => {
    const broken = defineFeature("broken", () => ({ ports: [0] }));
    expect(errorOf({ features: [broken] }).message).toMatch(/images\/x\/image\.ts \(feature broken\): features\[0\]\.ports\[0\]/);
  });
});

describe("resolution", () => {
  const base = defineImage({ ...valid, name: "base", packages: ["tzdata", "ca-certificates"], features: [tini()], cmd: ["/bin/sh"] });

  test("packages are sorted and unique; build-only packages never shadow runtime ones", () => {
    const image = resolveImage(defineImage({ ...valid, packages: ["b", "a", "b"], buildPackages: ["a", "gcc"] }), { file });
    expect(image.packages).toEqual(["a", "b"]);
    expect(image.buildPackages).toEqual(["gcc"]);
  });

  test("the distro comes from the base reference, or from the parent", () => {
    expect(resolveImage(base, { file }).distro.name).toBe("alpine");
    const child = resolveImage(defineImage({ ...valid, name: "child", base, users: [], user: undefined }), { file });
    expect(child.distro.name).toBe("alpine");
    expect(child.user).toBe("app");
    expect(child.base).toEqual({ kind: "workspace", name: "base", reference: "kiln.local/base:local" });
  });

  test("an unknown distro must be stated", () => {
    expect(errorOf({ base: "ghcr.io/acme/os:1" }).message).toMatch(/distro: cannot tell the distro/);
    expect(() => resolveImage(defineImage({ ...valid, base: "ghcr.io/acme/os:1", distro: "debian" }), { file })).not.toThrow();
  });

  test("an account id from a build argument is declared as an ARG before the accounts", () => {
    const image = resolveImage(
      defineImage({ ...valid, buildArgs: { APP_UID: "1000" }, users: [{ name: "app", uid: "$APP_UID", gid: "$APP_UID" }] }),
      { file },
    );
    expect(image.buildArgs).toEqual({ APP_UID: "1000" });
    expect(image.users[0]?.uid).toBe("$APP_UID");
  });

  test("test-only environment is inherited and overridden, never part of the image's env", () => {
    const parent = defineImage({ ...valid, name: "p", testEnv: { A: "1", B: "1" } });
    const keyed = defineFeature("keyed", () => ({ testEnv: { B: "2", C: "2" } }));
    const child = resolveImage(defineImage({ name: "c", description: "c", base: parent, features: [keyed], testEnv: { C: "3" } }), {
      file,
    });
    expect(child.testEnv).toEqual({ A: "1", B: "2", C: "3" });
    expect(child.env).toEqual({});
  });

  test("a child's own ports, volumes and variables are its own; what a container has adds its parents'", () => {
    const grandparent = defineImage({
      ...valid,
      name: "g",
      env: { A: "g" },
      ports: [8000],
      runtimeEnv: { TZ: { default: "UTC", description: "zone" } },
    });
    const parent = defineImage({ name: "p", description: "p", base: grandparent, env: { A: "p", B: "p" }, volumes: ["/data"] });
    const served = defineFeature("served", () => ({
      ports: [8080],
      runtimeEnv: { TZ: { description: "the feature's word" }, PORT: { default: "8080", description: "port" } },
    }));
    const child = resolveImage(defineImage({ name: "c", description: "c", base: parent, features: [served] }), { file });
    // The Dockerfile states only what the child adds: EXPOSE 8080, no VOLUME, no ENV.
    expect(child.ports).toEqual([{ port: 8080, protocol: "tcp" }]);
    expect(child.volumes).toEqual([]);
    expect(child.env).toEqual({});
    expect(child.runtimeEnv).toEqual({ TZ: { description: "the feature's word" }, PORT: { default: "8080", description: "port" } });
    expect(runtimeInterface(child)).toEqual({
      env: { A: "p", B: "p" },
      ports: [
        { port: 8000, protocol: "tcp" },
        { port: 8080, protocol: "tcp" },
      ],
      volumes: ["/data"],
      runtimeEnv: { TZ: { description: "the feature's word" }, PORT: { default: "8080", description: "port" } },
    });
  });

  test("tini becomes the init and the ENTRYPOINT", () => {
    const image = resolveImage(base, { file });
    expect(image.entrypoint).toEqual(["/sbin/tini", "-g", "--"]);
    expect(image.packages).toContain("tini");
  });

  test("a child keeps the parent's init and, since its ENTRYPOINT changes, re-states the parent's CMD", () => {
    const wrapper = defineFeature("wrap", () => ({ entrypoint: { role: "wrapper", argv: ["/usr/local/bin/start"] } }));
    const child = resolveImage(defineImage({ name: "child", description: "c", base, features: [wrapper] }), { file });
    expect(child.entrypoint).toEqual(["/sbin/tini", "-g", "--", "/usr/local/bin/start"]);
    expect(child.cmd).toEqual(["/bin/sh"]);
  });

  test("a child that changes nothing at run time writes no ENTRYPOINT or CMD of its own", () => {
    const child = resolveImage(defineImage({ name: "child", description: "c", base, packages: ["bash"] }), { file });
    expect(child.entrypoint).toBeUndefined();
    expect(child.cmd).toBeUndefined();
    expect(child.parentUser).toBe("app");
  });

  test("features contribute per distro", () => {
    const debianNginx = resolveImage(defineImage({ ...valid, base: "debian:bookworm", users: [], user: "www-data", features: [nginx()] }), {
      file,
    });
    expect(debianNginx.healthcheck?.test[0]).toBe("/bin/bash");
    const alpineNginx = resolveImage(defineImage({ ...valid, users: [], user: "nginx", features: [nginx()] }), { file });
    expect(alpineNginx.healthcheck?.test[0]).toBe("wget");
    expect(alpineNginx.stopSignal).toBe("SIGQUIT");
    expect(alpineNginx.ports).toEqual([{ port: 8080, protocol: "tcp" }]);
  });

  test("a user declared twice with different settings is an error", () => {
    const addsApp = defineFeature("adds-app", () => ({ users: [{ name: "app", uid: 1 }] }));
    expect(errorOf({ features: [addsApp] }).message).toMatch(/users: "app" is declared twice/);
  });
});
