import type { MirrorProfile } from "./profile.js";

/**
 * Build args kiln passes to buildx. Generated Dockerfiles declare them all with empty defaults,
 * so the Dockerfile is the same with or without a mirror; only these values change.
 */
export const mirrorBuildArgNames = [
  "KILN_APK_MIRROR",
  "KILN_APT_DEBIAN_MIRROR",
  "KILN_APT_DEBIAN_SECURITY_MIRROR",
  "KILN_APT_UBUNTU_MIRROR",
  "KILN_APT_UBUNTU_PORTS_MIRROR",
  "KILN_MIRROR_PERSIST",
  "KILN_NPM_REGISTRY",
  "KILN_PIP_INDEX_URL",
] as const;

export function mirrorBuildArgs(profile: MirrorProfile | undefined): Record<string, string> {
  if (!profile) return {};
  const args: Record<string, string | undefined> = {
    KILN_APK_MIRROR: profile.apk,
    KILN_APT_DEBIAN_MIRROR: profile.apt?.debian,
    KILN_APT_DEBIAN_SECURITY_MIRROR: profile.apt?.debianSecurity,
    KILN_APT_UBUNTU_MIRROR: profile.apt?.ubuntu,
    KILN_APT_UBUNTU_PORTS_MIRROR: profile.apt?.ubuntuPorts,
    KILN_MIRROR_PERSIST: profile.persist ? "1" : undefined,
    KILN_NPM_REGISTRY: profile.npm,
    KILN_PIP_INDEX_URL: profile.pip,
  };
  return Object.fromEntries(
    Object.entries(args)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
