import { expect, test } from "vitest";
import { mirrorCacheKey } from "./cache-key.js";
import { mirrorPresets } from "./presets.js";
import type { MirrorProfile } from "./profile.js";

test("no profile is 'none'", () => {
  expect(mirrorCacheKey(undefined)).toBe("none");
});

test("a key is 16 hex digits and the same on every call", () => {
  const key = mirrorCacheKey(mirrorPresets.tuna);
  expect(key).toMatch(/^[0-9a-f]{16}$/);
  expect(mirrorCacheKey(structuredClone(mirrorPresets.tuna))).toBe(key);
});

test.each<[string, MirrorProfile, MirrorProfile]>([
  [
    "top-level key order",
    { name: "x", apk: "https://m/alpine", npm: "https://npm", persist: true },
    { persist: true, npm: "https://npm", apk: "https://m/alpine", name: "x" },
  ],
  [
    "nested key order",
    {
      name: "x",
      apt: { debian: "https://m/debian", ubuntu: "https://m/ubuntu" },
      registries: { hub: "a.example", "ghcr.io": "b.example" },
    },
    {
      name: "x",
      registries: { "ghcr.io": "b.example", hub: "a.example" },
      apt: { ubuntu: "https://m/ubuntu", debian: "https://m/debian" },
    },
  ],
  ["persist false is the default", { name: "x", apk: "https://m/alpine", persist: false }, { name: "x", apk: "https://m/alpine" }],
  ["empty objects and unset values", { name: "x", apt: {}, registries: {}, npm: undefined }, { name: "x" }],
])("stable across %s", (_case, a, b) => {
  expect(mirrorCacheKey(a)).toBe(mirrorCacheKey(b));
});

test.each<[string, MirrorProfile]>([
  ["another apk", { name: "x", apk: "https://other/alpine" }],
  ["another name", { name: "y", apk: "https://m/alpine" }],
  ["persist", { name: "x", apk: "https://m/alpine", persist: true }],
  ["a registry", { name: "x", apk: "https://m/alpine", registries: { hub: "127.0.0.1:5000" } }],
  ["the same URL for another archive", { name: "x", npm: "https://m/alpine" }],
])("different with %s", (_case, other) => {
  expect(mirrorCacheKey(other)).not.toBe(mirrorCacheKey({ name: "x", apk: "https://m/alpine" }));
});

test("every preset has its own key", () => {
  const keys = Object.values(mirrorPresets).map(mirrorCacheKey);
  expect(new Set(keys).size).toBe(keys.length);
});
