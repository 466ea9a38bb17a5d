import { describe, expect, test } from "vitest";
import { mirrorPresets } from "./presets.js";
import type { MirrorProfile } from "./profile.js";
import { resolveMirrorProfile, type MirrorSources } from "./resolve.js";

const flag = "--mirror";
const env = "KILN_MIRROR";
const config = "kiln.config.ts: mirror";
const configObject = { name: "office", apk: "https://m.example/alpine/" };

describe("resolveMirrorProfile precedence: flag > KILN_MIRROR > kiln.config.ts > none", () => {
  test.each<[string, MirrorSources, MirrorProfile | undefined, string | undefined]>([
    ["flag beats env and config", { flag: "tuna", env: "ustc", config: "aliyun" }, mirrorPresets.tuna, flag],
    ["flag beats config", { flag: "tuna", config: "aliyun" }, mirrorPresets.tuna, flag],
    ["flag alone", { flag: "tuna" }, mirrorPresets.tuna, flag],
    ["env beats config", { env: "ustc", config: "aliyun" }, mirrorPresets.ustc, env],
    ["env beats a config object", { env: "ustc", config: configObject }, mirrorPresets.ustc, env],
    ["env alone", { env: "ustc" }, mirrorPresets.ustc, env],
    ["config alone, a spec string", { config: "aliyun" }, mirrorPresets.aliyun, config],
    ["config alone, a profile object", { config: configObject }, { name: "office", apk: "https://m.example/alpine" }, config],
    [
      "config object without a name",
      { config: { registries: { hub: "127.0.0.1:5000" } } },
      { name: "custom", registries: { hub: "127.0.0.1:5000" } },
      config,
    ],
    ["an empty env counts as unset", { env: "", config: "aliyun" }, mirrorPresets.aliyun, config],
    ["a blank env counts as unset", { env: "  ", config: "aliyun" }, mirrorPresets.aliyun, config],
    ["official from the flag turns a configured mirror off", { flag: "official", config: "aliyun" }, mirrorPresets.official, flag],
    ["none", {}, undefined, undefined],
    ["only an empty env", { env: "" }, undefined, undefined],
  ])("%s", (_case, sources, profile, origin) => {
    const resolved = resolveMirrorProfile(sources);
    expect(resolved?.profile).toEqual(profile);
    expect(resolved?.origin).toBe(origin);
  });
});

describe("resolveMirrorProfile errors name the source that won", () => {
  test.each<[string, MirrorSources, string]>([
    ["a bad flag", { flag: "tsinghua", env: "tuna" }, '--mirror: unknown mirror preset "tsinghua"'],
    ["an empty flag is a mistake, not unset", { flag: "", env: "tuna" }, "--mirror: empty mirror spec"],
    ["a bad env", { env: "apk=nope", config: "tuna" }, 'KILN_MIRROR: apk: "nope" is not a URL'],
    ["a bad config string", { config: "yum=https://m.example" }, 'kiln.config.ts: mirror: unknown key "yum"'],
    ["an empty config string", { config: "" }, "kiln.config.ts: mirror: empty mirror spec"],
    ["a bad config object", { config: { apk: "nope" } }, 'kiln.config.ts: mirror: apk: "nope" is not a URL'],
    [
      "an unknown key in a config object",
      { config: { apk: "https://m.example/alpine", yum: "x" } as never },
      'kiln.config.ts: mirror: unknown key "yum"',
    ],
  ])("%s", (_case, sources, message) => {
    expect(() => resolveMirrorProfile(sources)).toThrow(
      expect.objectContaining({ code: "KILN_MIRROR", message: expect.stringContaining(message) }),
    );
  });

  test.each<[string, MirrorSources]>([
    ["a broken env under a flag", { flag: "tuna", env: "tsinghua" }],
    ["a broken config under an env", { env: "tuna", config: "tsinghua" }],
  ])("%s is never parsed", (_case, sources) => {
    expect(resolveMirrorProfile(sources)?.profile).toEqual(mirrorPresets.tuna);
  });
});
