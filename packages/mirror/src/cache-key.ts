import { createHash } from "node:crypto";
import type { MirrorProfile, ResolvedMirror } from "./profile.js";

/** A short stable hash of a profile (key order does not matter), "none" without one. */
export function mirrorCacheKey(profile: MirrorProfile | undefined): string {
  if (!profile) return "none";
  return createHash("sha256").update(canonicalJson(profile)).digest("hex").slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** One line for `kiln doctor`. */
export function describeMirror(resolved: ResolvedMirror | undefined): string {
  if (!resolved) return "no mirror: images use their base's repositories and registries";
  const { profile, origin } = resolved;
  const parts: string[] = [];
  if (profile.apk) parts.push(`apk ${profile.apk}`);
  const apt = Object.entries(profile.apt ?? {}).filter(([, v]) => v);
  if (apt.length > 0) parts.push(`apt ${apt.map(([k, v]) => `${k}=${v}`).join(" ")}`);
  const registries = Object.entries(profile.registries ?? {});
  if (registries.length > 0) parts.push(`registries ${registries.map(([k, v]) => `${k}→${v}`).join(" ")}`);
  if (profile.npm) parts.push(`npm ${profile.npm}`);
  if (profile.pip) parts.push(`pip ${profile.pip}`);
  return `mirror ${profile.name} (from ${origin}, ${profile.persist ? "kept in images" : "build time only"}): ${parts.join("; ") || "no rewrites"}`;
}
