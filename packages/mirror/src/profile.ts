import { z } from "zod";
import { MirrorError } from "./errors.js";
import { registryKeyProblem, registryTargetProblem } from "./registry.js";

/** Replacements for the archives apt reads; each value replaces the archive's base URL. */
export interface AptMirrors {
  /** replaces ".../debian", e.g. https://mirrors.aliyun.com/debian */
  debian?: string;
  /** replaces ".../debian-security" */
  debianSecurity?: string;
  /** replaces ".../ubuntu" (amd64) */
  ubuntu?: string;
  /** replaces ".../ubuntu-ports" (arm64 and the other ports) */
  ubuntuPorts?: string;
}

/** Where apk, apt, registry pulls, npm and pip go while an image builds. */
export interface MirrorProfile {
  /** a preset's name, or "custom" */
  name: string;
  /** replaces ".../alpine" in the repositories file, e.g. https://mirrors.aliyun.com/alpine */
  apk?: string;
  apt?: AptMirrors;
  /**
   * key: the registry domain of a FROM reference as written ("hub" for references without one);
   * value: host[:port][/path prefix] serving the same repositories, e.g. { hub: "127.0.0.1:5000" }
   */
  registries?: Record<string, string>;
  /** npm registry URL for app build stages */
  npm?: string;
  /** pip index URL for app build stages */
  pip?: string;
  /** keep the mirror in the shipped image's repositories files; default false: build time only */
  persist?: boolean;
  /**
   * A PEM bundle the build's HTTPS downloads trust (npm, pnpm), for networks whose proxy
   * re-signs TLS. It reaches the build as a secret (`kiln-ca`), so it is never in a layer.
   */
  ca?: string;
}

/** A profile as written in kiln.config.ts: like MirrorProfile, with the name optional ("custom"). */
export interface MirrorProfileInput extends Omit<MirrorProfile, "name"> {
  name?: string;
}

/** A profile plus where it came from ("--mirror", "KILN_MIRROR", "kiln.config.ts: mirror"). */
export interface ResolvedMirror {
  profile: MirrorProfile;
  origin: string;
}

/** Why `value` cannot be a mirror URL, or undefined when it can. */
export function mirrorUrlProblem(value: string): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value)?.[1];
  if (scheme === undefined) return `"${value}" is not a URL; write e.g. https://mirror.example/alpine`;
  if (!/^https?$/i.test(scheme)) return `"${value}" must be http:// or https://`;
  if (/\s/.test(value)) return `"${value}" contains whitespace`;
  if (value.includes("?") || value.includes("#")) return `"${value}" must not have a query or fragment`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a valid URL`;
  }
  // Build args are recorded in the image history, so a password here would ship with the image.
  if (url.username !== "" || url.password !== "")
    return `"${value}" must not carry credentials: build args are recorded in the image history`;
  return undefined;
}

/** Drops trailing slashes, so "https://m/alpine/" and "https://m/alpine" are the same mirror and joins stay predictable. */
export function normaliseMirrorUrl(value: string): string {
  return value.replace(/\/+$/, "");
}

const mirrorUrlSchema = z.string().transform((value, ctx) => {
  const problem = mirrorUrlProblem(value);
  if (problem === undefined) return normaliseMirrorUrl(value);
  ctx.addIssue({ code: "custom", message: problem });
  return z.NEVER;
});

const aptSchema = z.strictObject({
  debian: mirrorUrlSchema.optional(),
  debianSecurity: mirrorUrlSchema.optional(),
  ubuntu: mirrorUrlSchema.optional(),
  ubuntuPorts: mirrorUrlSchema.optional(),
});

const registriesSchema = z.record(z.string(), z.string()).superRefine((registries, ctx) => {
  for (const [key, target] of Object.entries(registries)) {
    const problem = registryKeyProblem(key) ?? registryTargetProblem(target);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: [key], message: problem });
  }
});

const profileObjectSchema = z.strictObject({
  name: z.string().trim().min(1, "expected a non-empty name").default("custom"),
  apk: mirrorUrlSchema.optional(),
  apt: aptSchema.optional(),
  registries: registriesSchema.optional(),
  npm: mirrorUrlSchema.optional(),
  pip: mirrorUrlSchema.optional(),
  persist: z.boolean().optional(),
  ca: z.string().trim().min(1, "expected the path of a PEM file").optional(),
});

/** Validates a profile object; unknown keys are rejected, URLs checked and normalised. */
export const mirrorProfileSchema: z.ZodType<MirrorProfile, MirrorProfileInput> = profileObjectSchema;

const profileKeys = Object.keys(profileObjectSchema.shape);
const aptKeys = Object.keys(aptSchema.shape);

const profileHint =
  `a profile object has ${profileKeys.join(", ")} (apt: ${aptKeys.join(", ")}); ` +
  'or give a spec string instead, e.g. "tuna" or "preset:tuna,registry.hub=127.0.0.1:5000"';

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join(".");
  const prefix = field === "" ? "" : `${field}: `;
  if (issue.code === "unrecognized_keys") {
    const known = field === "apt" ? aptKeys : profileKeys;
    const keys = issue.keys.map((key) => `"${key}"`).join(", ");
    return `${prefix}unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}; known keys: ${known.join(", ")}`;
  }
  return `${prefix}${issue.message}`;
}

/**
 * Validates a profile object (kiln.config.ts may give one instead of a spec string).
 * `origin` names where it came from and starts every error message.
 */
export function validateMirrorProfile(input: unknown, origin: string): MirrorProfile {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    const got = input === null ? "null" : Array.isArray(input) ? "an array" : typeof input;
    throw new MirrorError(`${origin}: expected a mirror spec string or a profile object, got ${got}`, profileHint);
  }
  const parsed = mirrorProfileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new MirrorError(`${origin}: ${parsed.error.issues.map(describeIssue).join("; ")}`, profileHint);
}
