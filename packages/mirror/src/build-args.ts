import type { MirrorProfile } from "./profile.js";

/**
 * Each build arg and the profile value it carries. Generated Dockerfiles declare them all with
 * empty defaults and kiln passes only the set ones, so the Dockerfile text never depends on the mirror.
 */
const buildArgValues: Record<string, (profile: MirrorProfile) => string | undefined> = {
  KILN_APK_MIRROR: (profile) => profile.apk,
  KILN_APT_DEBIAN_MIRROR: (profile) => profile.apt?.debian,
  KILN_APT_DEBIAN_SECURITY_MIRROR: (profile) => profile.apt?.debianSecurity,
  KILN_APT_UBUNTU_MIRROR: (profile) => profile.apt?.ubuntu,
  KILN_APT_UBUNTU_PORTS_MIRROR: (profile) => profile.apt?.ubuntuPorts,
  KILN_MIRROR_PERSIST: (profile) => (profile.persist === true ? "1" : undefined),
  KILN_NPM_REGISTRY: (profile) => profile.npm,
  KILN_PIP_INDEX_URL: (profile) => profile.pip,
};

/** Every mirror build arg, sorted, for the Dockerfile's ARG declarations. */
export const mirrorBuildArgNames: readonly string[] = Object.freeze(Object.keys(buildArgValues).sort());

/** The build args for a profile: only those it sets, in sorted order, so the buildx argv is stable. */
export function mirrorBuildArgs(profile: MirrorProfile | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  if (profile === undefined) return args;
  for (const name of mirrorBuildArgNames) {
    const value = buildArgValues[name]?.(profile);
    if (value !== undefined) args[name] = value;
  }
  return args;
}
