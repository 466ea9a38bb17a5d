import { MirrorError } from "./errors.js";
import { isMirrorPresetName, mirrorPresetNames, mirrorPresetOperators, mirrorPresets } from "./presets.js";
import {
  mirrorUrlProblem,
  normaliseMirrorUrl,
  validateMirrorProfile,
  type AptMirrors,
  type MirrorProfile,
  type MirrorProfileInput,
} from "./profile.js";
import { registryKeyProblem, registryTargetProblem } from "./registry.js";

const presetPrefix = "preset:";
const registryPrefix = "registry.";

/** Spec keys for apt; the kebab-case spellings follow the archive paths, the camelCase ones the profile fields. */
const aptFieldBySpecKey: Record<string, keyof AptMirrors> = {
  "apt.debian": "debian",
  "apt.debian-security": "debianSecurity",
  "apt.debianSecurity": "debianSecurity",
  "apt.ubuntu": "ubuntu",
  "apt.ubuntu-ports": "ubuntuPorts",
  "apt.ubuntuPorts": "ubuntuPorts",
};

const grammarHint =
  `write a preset (${mirrorPresetNames.join(", ")}), or comma-separated key=value pairs: ` +
  "apk=URL, apt.debian=URL, apt.debian-security=URL, apt.ubuntu=URL, apt.ubuntu-ports=URL, " +
  "registry.<domain>=host[:port][/path] (registry.hub for the default registry), npm=URL, pip=URL, persist=true, " +
  "ca=FILE (a CA bundle HTTPS downloads in the build trust); " +
  'start from a preset with "preset:tuna,registry.hub=127.0.0.1:5000"';

const presetHint =
  `presets: ${mirrorPresetNames.map((name) => `${name} (${mirrorPresetOperators[name]})`).join(", ")}; ` +
  "or give URLs as key=value pairs, e.g. apk=https://mirror.example/alpine";

function isSpecKey(key: string): boolean {
  return (
    key === "apk" ||
    key === "npm" ||
    key === "pip" ||
    key === "persist" ||
    key === "ca" ||
    key in aptFieldBySpecKey ||
    key.startsWith(registryPrefix)
  );
}

function presetProfile(name: string, origin: string): MirrorProfile {
  if (!isMirrorPresetName(name)) {
    throw new MirrorError(`${origin}: unknown mirror preset "${name}"; known presets: ${mirrorPresetNames.join(", ")}`, presetHint);
  }
  // A copy, so overrides never touch the shared (frozen) preset.
  return structuredClone(mirrorPresets[name]);
}

/**
 * Parses a mirror spec from the command line, KILN_MIRROR or kiln.config.ts: a preset (`tuna`),
 * key=value pairs (`apk=https://m.example/alpine,registry.hub=127.0.0.1:5000`), or a preset plus
 * overrides (`preset:tuna,registry.hub=127.0.0.1:5000`). `origin` names where the spec came from
 * and starts every error message.
 */
export function parseMirrorSpec(spec: string, origin: string): MirrorProfile {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const [first] = entries;
  if (first === undefined) throw new MirrorError(`${origin}: empty mirror spec`, grammarHint);

  if (entries.length === 1 && !first.includes("=") && !first.startsWith(presetPrefix)) {
    if (isSpecKey(first)) throw new MirrorError(`${origin}: ${first}: missing value; write ${first}=…`, grammarHint);
    if (/^[\w.-]+$/.test(first)) return presetProfile(first, origin);
    throw new MirrorError(`${origin}: "${first}" is neither a preset name nor key=value`, grammarHint);
  }

  const fail = (message: string, hint = grammarHint): never => {
    throw new MirrorError(`${origin}: ${message}`, hint);
  };
  const given = new Set<string>();
  const once = (field: string): void => {
    if (given.has(field)) fail(`${field} is given twice`);
    given.add(field);
  };
  const url = (key: string, value: string): string => {
    const problem = mirrorUrlProblem(value);
    return problem === undefined ? normaliseMirrorUrl(value) : fail(`${key}: ${problem}`);
  };

  let preset: MirrorProfile | undefined;
  const overrides: Omit<MirrorProfileInput, "apt" | "registries"> = {};
  const apt: AptMirrors = {};
  const registries: Record<string, string> = {};

  for (const entry of entries) {
    if (entry.startsWith(presetPrefix)) {
      once("preset");
      preset = presetProfile(entry.slice(presetPrefix.length).trim(), origin);
      continue;
    }
    const equals = entry.indexOf("=");
    if (equals === -1) {
      const hint = isMirrorPresetName(entry) ? `to start from a preset, write ${presetPrefix}${entry}` : grammarHint;
      fail(`"${entry}" is not key=value`, hint);
    }
    const key = entry.slice(0, equals).trim();
    const value = entry.slice(equals + 1).trim();
    if (key === "") fail(`"${entry}" has no key`);
    if (value === "") fail(`${key}: missing value`);

    if (key === "apk" || key === "npm" || key === "pip") {
      once(key);
      overrides[key] = url(key, value);
    } else if (key in aptFieldBySpecKey) {
      const field = aptFieldBySpecKey[key] as keyof AptMirrors;
      once(`apt.${field}`);
      apt[field] = url(key, value);
    } else if (key.startsWith(registryPrefix)) {
      const domain = key.slice(registryPrefix.length);
      once(key);
      const problem = registryKeyProblem(domain) ?? registryTargetProblem(value);
      if (problem !== undefined) fail(`${key}: ${problem}`);
      registries[domain] = value;
    } else if (key === "ca") {
      once(key);
      overrides.ca = value;
    } else if (key === "persist") {
      once(key);
      if (value !== "true" && value !== "false")
        fail(`persist: expected true or false, got "${value}"`, "write persist=true to keep the mirror in the image, or leave it out");
      overrides.persist = value === "true";
    } else {
      fail(`unknown key "${key}"`);
    }
  }

  const base: MirrorProfile = preset ?? { name: "custom" };
  const merged: MirrorProfileInput = { ...base, ...overrides };
  const mergedApt = { ...base.apt, ...apt };
  if (Object.keys(mergedApt).length > 0) merged.apt = mergedApt;
  const mergedRegistries = { ...base.registries, ...registries };
  if (Object.keys(mergedRegistries).length > 0) merged.registries = mergedRegistries;
  return validateMirrorProfile(merged, origin);
}
