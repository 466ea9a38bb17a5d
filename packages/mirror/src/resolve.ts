import type { MirrorProfileInput, ResolvedMirror } from "./profile.js";
import { parseMirrorSpec, validateMirrorProfile } from "./spec.js";

export interface MirrorSources {
  /** --mirror */
  flag?: string;
  /** KILN_MIRROR; an empty value counts as unset */
  env?: string;
  /** `mirror` in kiln.config.ts: a spec string or a profile object */
  config?: string | MirrorProfileInput;
}

/** Precedence: command-line flag > KILN_MIRROR > kiln.config.ts > none. */
export function resolveMirrorProfile(sources: MirrorSources): ResolvedMirror | undefined {
  if (sources.flag !== undefined && sources.flag.trim() !== "") {
    return { profile: parseMirrorSpec(sources.flag, "--mirror"), origin: "--mirror" };
  }
  if (sources.env !== undefined && sources.env.trim() !== "") {
    return { profile: parseMirrorSpec(sources.env, "KILN_MIRROR"), origin: "KILN_MIRROR" };
  }
  const origin = "kiln.config.ts: mirror";
  if (typeof sources.config === "string") return { profile: parseMirrorSpec(sources.config, origin), origin };
  if (sources.config !== undefined) return { profile: validateMirrorProfile(sources.config, origin), origin };
  return undefined;
}
