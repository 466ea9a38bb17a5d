import { expect, test } from "vitest";
import { isMirrorPresetName, mirrorPresetNames, mirrorPresets } from "./presets.js";
import { validateMirrorProfile } from "./profile.js";

test("official rewrites nothing", () => {
  expect(mirrorPresets.official).toEqual({ name: "official" });
});

test.each(mirrorPresetNames)("%s is a valid, already normalised profile named after itself", (name) => {
  const preset = mirrorPresets[name];
  expect(preset.name).toBe(name);
  expect(validateMirrorProfile(preset, "test")).toEqual(preset);
});

test.each([
  ["aliyun", "https://mirrors.aliyun.com"],
  ["tuna", "https://mirrors.tuna.tsinghua.edu.cn"],
  ["ustc", "https://mirrors.ustc.edu.cn"],
] as const)("%s mirrors Alpine, Debian and Ubuntu under %s, over https, and no registry", (name, host) => {
  expect(mirrorPresets[name]).toMatchObject({
    apk: `${host}/alpine`,
    apt: {
      debian: `${host}/debian`,
      debianSecurity: `${host}/debian-security`,
      ubuntu: `${host}/ubuntu`,
      ubuntuPorts: `${host}/ubuntu-ports`,
    },
  });
  expect(mirrorPresets[name].registries).toBeUndefined();
  expect(mirrorPresets[name].persist).toBeUndefined();
});

test.each([
  ["aliyun", "https://registry.npmmirror.com", "https://mirrors.aliyun.com/pypi/simple"],
  ["tuna", undefined, "https://pypi.tuna.tsinghua.edu.cn/simple"],
  ["ustc", undefined, "https://mirrors.ustc.edu.cn/pypi/simple"],
] as const)("%s: npm %s, pip %s", (name, npm, pip) => {
  expect(mirrorPresets[name].npm).toBe(npm);
  expect(mirrorPresets[name].pip).toBe(pip);
});

test("presets are frozen, so no caller can change another's builds", () => {
  expect(Object.isFrozen(mirrorPresets.tuna)).toBe(true);
  expect(Object.isFrozen(mirrorPresets.tuna.apt)).toBe(true);
});

test.each([
  ["tuna", true],
  ["official", true],
  ["tsinghua", false],
  ["Tuna", false],
])("isMirrorPresetName(%s) is %s", (name, known) => {
  expect(isMirrorPresetName(name)).toBe(known);
});
