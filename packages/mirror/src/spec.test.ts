import { describe, expect, test } from "vitest";
import { mirrorPresetNames, mirrorPresets } from "./presets.js";
import type { MirrorProfile } from "./profile.js";
import { parseMirrorSpec } from "./spec.js";

const tuna = "https://mirrors.tuna.tsinghua.edu.cn";

describe("parseMirrorSpec: presets", () => {
  test.each(mirrorPresetNames)("%s", (name) => {
    expect(parseMirrorSpec(name, "--mirror")).toEqual(mirrorPresets[name]);
  });

  test("surrounding whitespace and a trailing comma are ignored", () => {
    expect(parseMirrorSpec("  tuna , ", "KILN_MIRROR")).toEqual(mirrorPresets.tuna);
  });

  test("the returned profile is a copy: changing it leaves the preset alone", () => {
    const profile = parseMirrorSpec("tuna", "--mirror");
    profile.apk = "https://changed.example/alpine";
    expect(mirrorPresets.tuna.apk).toBe(`${tuna}/alpine`);
  });
});

describe("parseMirrorSpec: key=value pairs", () => {
  test.each<[string, string, MirrorProfile]>([
    ["apk alone", "apk=https://m.example/alpine", { name: "custom", apk: "https://m.example/alpine" }],
    [
      "trailing slashes dropped",
      "npm=https://npm.example/,pip=https://pip.example/simple/",
      { name: "custom", npm: "https://npm.example", pip: "https://pip.example/simple" },
    ],
    [
      "every apt archive, kebab-case",
      "apt.debian=http://m.example/debian,apt.debian-security=http://m.example/debian-security,apt.ubuntu=http://m.example/ubuntu,apt.ubuntu-ports=http://m.example/ubuntu-ports",
      {
        name: "custom",
        apt: {
          debian: "http://m.example/debian",
          debianSecurity: "http://m.example/debian-security",
          ubuntu: "http://m.example/ubuntu",
          ubuntuPorts: "http://m.example/ubuntu-ports",
        },
      },
    ],
    [
      "apt, camelCase like the profile fields",
      "apt.debianSecurity=https://m.example/ds,apt.ubuntuPorts=https://m.example/up",
      { name: "custom", apt: { debianSecurity: "https://m.example/ds", ubuntuPorts: "https://m.example/up" } },
    ],
    [
      "registries by domain, hub for the default",
      "registry.hub=127.0.0.1:5000,registry.ghcr.io=127.0.0.1:5001/ghcr,registry.localhost:5000=mirror.example",
      { name: "custom", registries: { hub: "127.0.0.1:5000", "ghcr.io": "127.0.0.1:5001/ghcr", "localhost:5000": "mirror.example" } },
    ],
    ["persist=true", "apk=https://m.example/alpine,persist=true", { name: "custom", apk: "https://m.example/alpine", persist: true }],
    ["persist=false", "apk=https://m.example/alpine,persist=false", { name: "custom", apk: "https://m.example/alpine", persist: false }],
    [
      "ca=FILE",
      "registry.hub=127.0.0.1:5000,ca=/etc/ssl/certs/proxy.pem",
      { name: "custom", registries: { hub: "127.0.0.1:5000" }, ca: "/etc/ssl/certs/proxy.pem" },
    ],
    [
      "spaces around keys and values",
      " apk = https://m.example/alpine , npm= https://npm.example ",
      { name: "custom", apk: "https://m.example/alpine", npm: "https://npm.example" },
    ],
    [
      "the brief's example",
      "apk=https://m.example/alpine,apt.debian=https://m.example/debian,registry.hub=127.0.0.1:5000,registry.ghcr.io=127.0.0.1:5001/ghcr,npm=https://npm.example,pip=https://pip.example/simple,persist=true",
      {
        name: "custom",
        apk: "https://m.example/alpine",
        apt: { debian: "https://m.example/debian" },
        registries: { hub: "127.0.0.1:5000", "ghcr.io": "127.0.0.1:5001/ghcr" },
        npm: "https://npm.example",
        pip: "https://pip.example/simple",
        persist: true,
      },
    ],
  ])("%s", (_case, spec, expected) => {
    expect(parseMirrorSpec(spec, "KILN_MIRROR")).toEqual(expected);
  });
});

describe("parseMirrorSpec: a preset plus overrides", () => {
  test.each<[string, string, Partial<MirrorProfile>]>([
    ["preset: alone is the preset", "preset:tuna", mirrorPresets.tuna],
    [
      "adds a registry, keeps the preset's URLs",
      "preset:tuna,registry.hub=127.0.0.1:5000",
      { ...mirrorPresets.tuna, registries: { hub: "127.0.0.1:5000" } },
    ],
    [
      "the preset may come last",
      "registry.hub=127.0.0.1:5000,preset:tuna",
      { ...mirrorPresets.tuna, registries: { hub: "127.0.0.1:5000" } },
    ],
    [
      "overrides one apt archive, keeps the others",
      "preset:ustc,apt.debian=https://m.example/debian",
      { ...mirrorPresets.ustc, apt: { ...mirrorPresets.ustc.apt, debian: "https://m.example/debian" } },
    ],
    [
      "overrides apk and sets persist",
      "preset:aliyun,apk=https://m.example/alpine,persist=true",
      { ...mirrorPresets.aliyun, apk: "https://m.example/alpine", persist: true },
    ],
    [
      "official plus a registry rewrites only the registry",
      "preset:official,registry.hub=127.0.0.1:5000",
      { name: "official", registries: { hub: "127.0.0.1:5000" } },
    ],
  ])("%s", (_case, spec, expected) => {
    expect(parseMirrorSpec(spec, "--mirror")).toEqual(expected);
  });
});

describe("parseMirrorSpec: errors name the origin, the field and the fix", () => {
  test.each<[string, string, string, string, string]>([
    [
      "unknown preset",
      "KILN_MIRROR",
      "tsinghua",
      'KILN_MIRROR: unknown mirror preset "tsinghua"; known presets: official, aliyun, tuna, ustc',
      "tuna (Tsinghua University TUNA)",
    ],
    [
      "unknown preset after preset:",
      "--mirror",
      "preset:tsinghua,registry.hub=127.0.0.1:5000",
      '--mirror: unknown mirror preset "tsinghua"; known presets: official, aliyun, tuna, ustc',
      "presets: official",
    ],
    ["empty spec", "kiln.config.ts: mirror", "", "kiln.config.ts: mirror: empty mirror spec", "key=value"],
    ["blank spec", "--mirror", " , ", "--mirror: empty mirror spec", "key=value"],
    ["unknown key", "KILN_MIRROR", "yum=https://m.example", 'KILN_MIRROR: unknown key "yum"', "apt.debian-security=URL"],
    ["unknown apt archive", "KILN_MIRROR", "apt.centos=https://m.example", 'KILN_MIRROR: unknown key "apt.centos"', "apt.ubuntu-ports=URL"],
    ["a key without a value", "KILN_MIRROR", "apk", "KILN_MIRROR: apk: missing value; write apk=…", "key=value"],
    ["an empty value", "KILN_MIRROR", "apk=", "KILN_MIRROR: apk: missing value", "key=value"],
    ["no key", "KILN_MIRROR", "=https://m.example", 'KILN_MIRROR: "=https://m.example" has no key', "key=value"],
    [
      "a bare URL",
      "--mirror",
      "https://m.example/alpine",
      '--mirror: "https://m.example/alpine" is neither a preset name nor key=value',
      "apk=URL",
    ],
    ["a bare preset among pairs", "--mirror", "tuna,registry.hub=127.0.0.1:5000", '--mirror: "tuna" is not key=value', "write preset:tuna"],
    [
      "a key given twice",
      "KILN_MIRROR",
      "apk=https://a.example/alpine,apk=https://b.example/alpine",
      "KILN_MIRROR: apk is given twice",
      "key=value",
    ],
    [
      "both apt spellings",
      "KILN_MIRROR",
      "apt.debian-security=https://a.example/ds,apt.debianSecurity=https://b.example/ds",
      "KILN_MIRROR: apt.debianSecurity is given twice",
      "key=value",
    ],
    ["two presets", "KILN_MIRROR", "preset:tuna,preset:ustc", "KILN_MIRROR: preset is given twice", "key=value"],
    [
      "not a URL",
      "KILN_MIRROR",
      "apk=mirror.example/alpine",
      'KILN_MIRROR: apk: "mirror.example/alpine" is not a URL; write e.g. https://mirror.example/alpine',
      "key=value",
    ],
    [
      "wrong scheme",
      "KILN_MIRROR",
      "apt.debian=ftp://m.example/debian",
      'KILN_MIRROR: apt.debian: "ftp://m.example/debian" must be http:// or https://',
      "key=value",
    ],
    [
      "query string",
      "KILN_MIRROR",
      "npm=https://npm.example/?x=1",
      'KILN_MIRROR: npm: "https://npm.example/?x=1" must not have a query or fragment',
      "key=value",
    ],
    [
      "fragment",
      "KILN_MIRROR",
      "pip=https://pip.example/simple#top",
      'KILN_MIRROR: pip: "https://pip.example/simple#top" must not have a query or fragment',
      "key=value",
    ],
    [
      "credentials",
      "KILN_MIRROR",
      "apk=https://u:p@m.example/alpine",
      'KILN_MIRROR: apk: "https://u:p@m.example/alpine" must not carry credentials',
      "key=value",
    ],
    [
      "registry value with a scheme",
      "KILN_MIRROR",
      "registry.hub=http://127.0.0.1:5000",
      'KILN_MIRROR: registry.hub: "http://127.0.0.1:5000" has a scheme',
      "host[:port][/path]",
    ],
    [
      "registry value with a bad path",
      "KILN_MIRROR",
      "registry.hub=127.0.0.1:5000/Hub",
      'KILN_MIRROR: registry.hub: "127.0.0.1:5000/Hub" is not host[:port][/path]',
      "host[:port][/path]",
    ],
    [
      "registry value without a registry host",
      "KILN_MIRROR",
      "registry.hub=mirror/hub",
      'KILN_MIRROR: registry.hub: "mirror" would be read as a repository on the default registry',
      "host[:port][/path]",
    ],
    [
      "registry key that no reference has",
      "KILN_MIRROR",
      "registry.quay=127.0.0.1:5000",
      'KILN_MIRROR: registry.quay: "quay" can never be the registry of a reference',
      "registry.hub",
    ],
    [
      "registry key without a domain",
      "KILN_MIRROR",
      "registry.=127.0.0.1:5000",
      'KILN_MIRROR: registry.: "" is not a registry domain',
      "registry.hub",
    ],
    ["persist not a boolean", "KILN_MIRROR", "persist=yes", 'KILN_MIRROR: persist: expected true or false, got "yes"', "persist=true"],
  ])("%s", (_case, origin, spec, message, hint) => {
    expect(() => parseMirrorSpec(spec, origin)).toThrow(
      expect.objectContaining({
        name: "MirrorError",
        code: "KILN_MIRROR",
        exitCode: 2,
        message: expect.stringContaining(message),
        hint: expect.stringContaining(hint),
      }),
    );
  });

  test("the message starts with the origin", () => {
    expect(() => parseMirrorSpec("tsinghua", "KILN_MIRROR")).toThrow(
      /^KILN_MIRROR: unknown mirror preset "tsinghua"; known presets: official, aliyun, tuna, ustc$/,
    );
  });
});
