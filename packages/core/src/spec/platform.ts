/** Platforms BuildKit can target that kiln's distros publish images for. */
export const knownPlatforms = [
  "linux/amd64",
  "linux/arm64",
  "linux/arm/v7",
  "linux/arm/v6",
  "linux/386",
  "linux/ppc64le",
  "linux/s390x",
  "linux/riscv64",
] as const;

export type Platform = (typeof knownPlatforms)[number];

export const defaultPlatforms: Platform[] = ["linux/amd64", "linux/arm64"];

/** `uname -m` inside a container of that platform: what the per-platform tests check. */
export const machineByPlatform: Record<Platform, string> = {
  "linux/amd64": "x86_64",
  "linux/arm64": "aarch64",
  "linux/arm/v7": "armv7l",
  "linux/arm/v6": "armv6l",
  "linux/386": "i686",
  "linux/ppc64le": "ppc64le",
  "linux/s390x": "s390x",
  "linux/riscv64": "riscv64",
};
