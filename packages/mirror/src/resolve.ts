import { validateMirrorProfile, type MirrorProfileInput, type ResolvedMirror } from "./profile.js";
import { parseMirrorSpec } from "./spec.js";

export interface MirrorSources {
  /** the --mirror flag; an empty value is an error (to turn a configured mirror off, pass "official") */
  flag?: string;
  /** KILN_MIRROR; empty counts as unset, since CI systems often export variables they leave blank */
  env?: string;
  /** `mirror` in kiln.config.ts: a spec string or a profile object */
  config?: string | MirrorProfileInput;
}

const flagOrigin = "--mirror";
const envOrigin = "KILN_MIRROR";
const configOrigin = "kiln.config.ts: mirror";

/**
 * The active mirror profile and where it came from. Precedence: --mirror > KILN_MIRROR >
 * kiln.config.ts > none. Only the winning source is parsed, so a broken setting that is
 * overridden does not stop a build.
 */
export function resolveMirrorProfile(sources: MirrorSources): ResolvedMirror | undefined {
  if (sources.flag !== undefined) return { profile: parseMirrorSpec(sources.flag, flagOrigin), origin: flagOrigin };
  if (sources.env !== undefined && sources.env.trim() !== "") {
    return { profile: parseMirrorSpec(sources.env, envOrigin), origin: envOrigin };
  }
  if (sources.config === undefined) return undefined;
  const profile =
    typeof sources.config === "string"
      ? parseMirrorSpec(sources.config, configOrigin)
      : validateMirrorProfile(sources.config, configOrigin);
  return { profile, origin: configOrigin };
}
