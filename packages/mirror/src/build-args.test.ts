import { describe, expect, test } from "vitest";
import { mirrorBuildArgNames, mirrorBuildArgs } from "./build-args.js";
import { mirrorPresets } from "./presets.js";
import type { MirrorProfile } from "./profile.js";

describe("mirrorBuildArgs", () => {
  test.each<[string, MirrorProfile | undefined, Record<string, string>]>([
    ["no profile", undefined, {}],
    ["official", mirrorPresets.official, {}],
    ["a registry-only profile", { name: "custom", registries: { hub: "127.0.0.1:5000" } }, {}],
    ["apk alone", { name: "custom", apk: "https://m.example/alpine" }, { KILN_APK_MIRROR: "https://m.example/alpine" }],
    [
      "persist false is left out",
      { name: "custom", apk: "https://m.example/alpine", persist: false },
      { KILN_APK_MIRROR: "https://m.example/alpine" },
    ],
    [
      "every field",
      {
        name: "custom",
        apk: "https://m/alpine",
        apt: {
          debian: "https://m/debian",
          debianSecurity: "https://m/debian-security",
          ubuntu: "https://m/ubuntu",
          ubuntuPorts: "https://m/ubuntu-ports",
        },
        npm: "https://npm",
        pip: "https://pip/simple",
        persist: true,
      },
      {
        KILN_APK_MIRROR: "https://m/alpine",
        KILN_APT_DEBIAN_MIRROR: "https://m/debian",
        KILN_APT_DEBIAN_SECURITY_MIRROR: "https://m/debian-security",
        KILN_APT_UBUNTU_MIRROR: "https://m/ubuntu",
        KILN_APT_UBUNTU_PORTS_MIRROR: "https://m/ubuntu-ports",
        KILN_MIRROR_PERSIST: "1",
        KILN_NPM_REGISTRY: "https://npm",
        KILN_PIP_INDEX_URL: "https://pip/simple",
      },
    ],
    [
      "tuna: no npm mirror, so no KILN_NPM_REGISTRY",
      mirrorPresets.tuna,
      {
        KILN_APK_MIRROR: "https://mirrors.tuna.tsinghua.edu.cn/alpine",
        KILN_APT_DEBIAN_MIRROR: "https://mirrors.tuna.tsinghua.edu.cn/debian",
        KILN_APT_DEBIAN_SECURITY_MIRROR: "https://mirrors.tuna.tsinghua.edu.cn/debian-security",
        KILN_APT_UBUNTU_MIRROR: "https://mirrors.tuna.tsinghua.edu.cn/ubuntu",
        KILN_APT_UBUNTU_PORTS_MIRROR: "https://mirrors.tuna.tsinghua.edu.cn/ubuntu-ports",
        KILN_PIP_INDEX_URL: "https://pypi.tuna.tsinghua.edu.cn/simple",
      },
    ],
  ])("%s", (_case, profile, expected) => {
    const args = mirrorBuildArgs(profile);
    expect(args).toEqual(expected);
    expect(Object.keys(args)).toEqual(Object.keys(args).sort());
  });

  test("keys come out sorted whatever the profile's key order", () => {
    const args = mirrorBuildArgs({ persist: true, pip: "https://pip", apk: "https://m/alpine", name: "x" });
    expect(Object.keys(args)).toEqual(["KILN_APK_MIRROR", "KILN_MIRROR_PERSIST", "KILN_PIP_INDEX_URL"]);
  });
});

test("mirrorBuildArgNames lists every arg once, sorted, for the Dockerfile's ARG lines", () => {
  expect(mirrorBuildArgNames).toEqual([
    "KILN_APK_MIRROR",
    "KILN_APT_DEBIAN_MIRROR",
    "KILN_APT_DEBIAN_SECURITY_MIRROR",
    "KILN_APT_UBUNTU_MIRROR",
    "KILN_APT_UBUNTU_PORTS_MIRROR",
    "KILN_MIRROR_PERSIST",
    "KILN_NPM_REGISTRY",
    "KILN_PIP_INDEX_URL",
  ]);
  expect(Object.isFrozen(mirrorBuildArgNames)).toBe(true);
});
