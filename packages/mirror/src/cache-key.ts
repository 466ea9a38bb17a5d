import { createHash } from "node:crypto";
import type { MirrorProfile } from "./profile.js";

/**
 * JSON with sorted keys (by code unit, not locale, so every machine agrees), leaving out unset
 * values and empty objects: `{ apt: {} }`, `{ persist: undefined }` and `{}` mean the same profile.
 */
function canonicalJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = canonicalJson((value as Record<string, unknown>)[key]);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return members.length === 0 ? undefined : `{${members.join(",")}}`;
}

/**
 * A short, stable fingerprint of a profile for the Turborepo cache key: the first 16 hex digits of
 * the sha256 of its canonical JSON, or "none" without a profile. Equivalent profiles share a key
 * whatever their key order; `persist: false` counts as unset, since it is the default.
 */
export function mirrorCacheKey(profile: MirrorProfile | undefined): string {
  if (profile === undefined) return "none";
  const canonical = canonicalJson({ ...profile, persist: profile.persist === true ? true : undefined }) ?? "{}";
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}
