import { describe, expect, test } from "vitest";
import { MirrorError } from "./errors.js";
import { mirrorPresets } from "./presets.js";
import { resolveMirrorProfile } from "./resolve.js";
import { parseMirrorSpec } from "./spec.js";

describe("parseMirrorSpec", () => {
  test.each(["official", "aliyun", "tuna", "ustc"] as const)("preset %s", (name) => {
    expect(parseMirrorSpec(name, "--mirror")).toEqual(mirrorPresets[name]);
  });

  test("official rewrites nothing", () => {
    expect(parseMirrorSpec("official", "--mirror")).toEqual({ name: "official", persist: false });
  });

  test("key=value pairs, URLs normalised, registries by domain", () => {
    expect(
      parseMirrorSpec(
        "apk=https://m.example/alpine/,apt.debian=http://m.example/debian,apt.debian-security=http://m.example/debian-security,registry.hub=127.0.0.1:5000,registry.ghcr.io=127.0.0.1:5001/ghcr,npm=https://npm.example,persist=true",
        "KILN_MIRROR",
      ),
    ).toEqual({
      name: "custom",
      apk: "https://m.example/alpine",
      apt: { debian: "http://m.example/debian", debianSecurity: "http://m.example/debian-security" },
      registries: { hub: "127.0.0.1:5000", "ghcr.io": "127.0.0.1:5001/ghcr" },
      npm: "https://npm.example",
      persist: true,
    });
  });

  test("a preset plus overrides keeps the preset's URLs", () => {
    const profile = parseMirrorSpec("preset:tuna,registry.hub=127.0.0.1:5000", "--mirror");
    expect(profile.name).toBe("tuna");
    expect(profile.apk).toBe("https://mirrors.tuna.tsinghua.edu.cn/alpine");
    expect(profile.registries).toEqual({ hub: "127.0.0.1:5000" });
  });

  test.each<[string, string, RegExp]>([
    ["unknown preset", "tsinghua", /^KILN_MIRROR: unknown mirror preset "tsinghua"; known presets: official, aliyun, tuna, ustc$/],
    ["empty spec", "  ", /^KILN_MIRROR: empty mirror spec$/],
    ["not a URL", "apk=mirror.example/alpine", /^KILN_MIRROR: apk: "mirror\.example\/alpine" is not a URL/],
    ["wrong scheme", "apk=ftp://m.example/alpine", /^KILN_MIRROR: apk: .* must be http:\/\/ or https:\/\//],
    ["query string", "npm=https://npm.example/?x=1", /^KILN_MIRROR: npm: .* must not have a query or fragment/],
    ["unknown key", "yum=https://m.example", /^KILN_MIRROR: unknown key "yum"$/],
    ["bad registry target", "registry.hub=http://127.0.0.1:5000", /^KILN_MIRROR: registries\.hub: expected host\[:port\]\[\/path\]/],
    ["bad persist", "persist=yes", /^KILN_MIRROR: persist: expected true or false/],
    ["no value", "apk", /unknown mirror preset "apk"/],
  ])("%s is a clear error", (_name, spec, message) => {
    const error = (() => {
      try {
        parseMirrorSpec(spec, "KILN_MIRROR");
      } catch (e) {
        return e;
      }
      throw new Error("expected an error");
    })();
    expect(error).toBeInstanceOf(MirrorError);
    expect((error as MirrorError).message).toMatch(message);
    expect((error as MirrorError).hint).toMatch(/preset|key=value|persist=true/);
    expect((error as MirrorError).exitCode).toBe(2);
  });
});

describe("resolveMirrorProfile precedence", () => {
  test.each<[string, Parameters<typeof resolveMirrorProfile>[0], string | undefined, string | undefined]>([
    ["flag beats env and config", { flag: "tuna", env: "ustc", config: "aliyun" }, "tuna", "--mirror"],
    ["env beats config", { env: "ustc", config: "aliyun" }, "ustc", "KILN_MIRROR"],
    ["config alone (string)", { config: "aliyun" }, "aliyun", "kiln.config.ts: mirror"],
    ["config alone (object)", { config: { name: "mine", apk: "https://m.example/alpine" } }, "mine", "kiln.config.ts: mirror"],
    ["an empty env counts as unset", { env: "", config: "aliyun" }, "aliyun", "kiln.config.ts: mirror"],
    ["none", {}, undefined, undefined],
  ])("%s", (_name, sources, name, origin) => {
    const resolved = resolveMirrorProfile(sources);
    expect(resolved?.profile.name).toBe(name);
    expect(resolved?.origin).toBe(origin);
  });

  test("a bad config object names kiln.config.ts and the field", () => {
    expect(() => resolveMirrorProfile({ config: { apk: "nope" } as never })).toThrow(/^kiln\.config\.ts: mirror: apk: "nope" is not a URL/);
  });
});
