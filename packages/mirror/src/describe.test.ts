import { expect, test } from "vitest";
import { describeMirror } from "./describe.js";
import { mirrorPresets } from "./presets.js";
import type { ResolvedMirror } from "./profile.js";

test.each<[string, ResolvedMirror | undefined, string]>([
  ["no mirror", undefined, "mirror: none (pulls go to the registries and repositories the base images name)"],
  ["official", { profile: mirrorPresets.official, origin: "--mirror" }, "mirror: official (from --mirror, build-time only): no rewrites"],
  [
    "a registry mirror from KILN_MIRROR",
    { profile: { name: "custom", registries: { "ghcr.io": "127.0.0.1:5001/ghcr", hub: "127.0.0.1:5000" } }, origin: "KILN_MIRROR" },
    "mirror: custom (from KILN_MIRROR, build-time only): registries ghcr.io→127.0.0.1:5001/ghcr hub→127.0.0.1:5000",
  ],
  [
    "tuna plus a registry, persisted",
    { profile: { ...mirrorPresets.tuna, registries: { hub: "127.0.0.1:5000" }, persist: true }, origin: "kiln.config.ts: mirror" },
    "mirror: tuna (from kiln.config.ts: mirror, kept in the images): apk https://mirrors.tuna.tsinghua.edu.cn/alpine, " +
      "apt debian=https://mirrors.tuna.tsinghua.edu.cn/debian debianSecurity=https://mirrors.tuna.tsinghua.edu.cn/debian-security " +
      "ubuntu=https://mirrors.tuna.tsinghua.edu.cn/ubuntu ubuntuPorts=https://mirrors.tuna.tsinghua.edu.cn/ubuntu-ports, " +
      "registries hub→127.0.0.1:5000, pip https://pypi.tuna.tsinghua.edu.cn/simple",
  ],
  [
    "npm only",
    { profile: { name: "custom", npm: "https://npm.example" }, origin: "--mirror" },
    "mirror: custom (from --mirror, build-time only): npm https://npm.example",
  ],
])("%s", (_case, resolved, line) => {
  const description = describeMirror(resolved);
  expect(description).toBe(line);
  expect(description).not.toContain("\n");
});
