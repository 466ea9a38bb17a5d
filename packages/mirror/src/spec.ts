import type { z } from "zod";
import { MirrorError } from "./errors.js";
import { isPresetName, mirrorPresets, presetNames } from "./presets.js";
import { mirrorProfileSchema, type MirrorProfile, type MirrorProfileInput } from "./profile.js";

const aptKeys: Record<string, keyof NonNullable<MirrorProfileInput["apt"]>> = {
  "apt.debian": "debian",
  "apt.debian-security": "debianSecurity",
  "apt.debianSecurity": "debianSecurity",
  "apt.ubuntu": "ubuntu",
  "apt.ubuntu-ports": "ubuntuPorts",
  "apt.ubuntuPorts": "ubuntuPorts",
};

const grammar =
  "a preset (official, aliyun, tuna, ustc) or comma-separated key=value pairs: " +
  "apk=URL, apt.debian=URL, apt.debian-security=URL, apt.ubuntu=URL, apt.ubuntu-ports=URL, " +
  "registry.<domain|hub>=host[:port][/path], npm=URL, pip=URL, persist=true, preset:<name>";

/**
 * Parses a mirror spec from the command line, KILN_MIRROR or kiln.config.ts:
 * `tuna`, or `preset:tuna,registry.hub=127.0.0.1:5000`, or `apk=https://m.example/alpine,…`.
 * `origin` names where it came from and starts every error message.
 */
export function parseMirrorSpec(spec: string, origin: string): MirrorProfile {
  const trimmed = spec.trim();
  if (trimmed === "") throw new MirrorError(`${origin}: empty mirror spec`, `write ${grammar}`);
  if (!trimmed.includes("=") && !trimmed.includes(":")) return presetProfile(trimmed, origin);

  let profile: MirrorProfileInput = { name: "custom" };
  const apt: NonNullable<MirrorProfileInput["apt"]> = {};
  const registries: Record<string, string> = {};
  for (const part of trimmed.split(",").map((p) => p.trim()).filter(Boolean)) {
    if (part.startsWith("preset:")) {
      const base = presetProfile(part.slice("preset:".length), origin);
      profile = { ...base, ...stripUndefined(profile), name: base.name };
      continue;
    }
    const at = part.indexOf("=");
    if (at <= 0) throw new MirrorError(`${origin}: "${part}" is not key=value`, `write ${grammar}`);
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === "apk" || key === "npm" || key === "pip") profile[key] = value;
    else if (key in aptKeys) apt[aptKeys[key] as keyof typeof apt] = value;
    else if (key.startsWith("registry.") && key.length > "registry.".length) registries[key.slice("registry.".length)] = value;
    else if (key === "persist") {
      if (value !== "true" && value !== "false") throw new MirrorError(`${origin}: persist: expected true or false, got "${value}"`, "write persist=true");
      profile.persist = value === "true";
    } else throw new MirrorError(`${origin}: unknown key "${key}"`, `write ${grammar}`);
  }
  if (Object.keys(apt).length > 0) profile.apt = { ...profile.apt, ...apt };
  if (Object.keys(registries).length > 0) profile.registries = { ...profile.registries, ...registries };
  return validateMirrorProfile(profile, origin);
}

/** Validates a profile object (kiln.config.ts may give one directly). */
export function validateMirrorProfile(input: unknown, origin: string): MirrorProfile {
  const parsed = mirrorProfileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const field = issue.path.map(String).join(".") || "(profile)";
  throw new MirrorError(`${origin}: ${field}: ${issue.message}`, `write ${grammar}`);
}

function presetProfile(name: string, origin: string): MirrorProfile {
  if (!isPresetName(name)) {
    throw new MirrorError(`${origin}: unknown mirror preset "${name}"; known presets: ${presetNames.join(", ")}`, `use a preset, or ${grammar}`);
  }
  return structuredClone(mirrorPresets[name]);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
