import { sortedByCodePoint, type DistroAdapter } from "@kiln/core";

/** The presets a dev image can pick; each is a set of commands and the packages that bring them. */
export type ToolchainPreset = "base" | "build" | "python" | "node";

export interface Toolchain {
  packages: string[];
  /** commands that must be on PATH afterwards: what the image's README lists and its tests check */
  commands: string[];
}

/**
 * Package names per distro. Debian's nodejs comes without npm on purpose: npm pulls in some four
 * hundred node-* packages, and corepack or a version manager is what Node projects use anyway.
 */
export function toolchain(distro: DistroAdapter, presets: ToolchainPreset[]): Toolchain {
  const sets: Record<ToolchainPreset, Toolchain> = {
    base: {
      packages: ["bash", "ca-certificates", "curl", "git", "jq", "less", "openssh-client", "sudo", "vim", "procps"],
      commands: ["bash", "curl", "git", "jq", "less", "ssh", "sudo", "vim", "ps"],
    },
    build: { packages: distro.packageSets.buildTools, commands: ["cc", "make"] },
    python: { packages: ["python3"], commands: ["python3"] },
    node: { packages: ["nodejs"], commands: ["node"] },
  };
  const chosen = presets.map((preset) => sets[preset]);
  return {
    packages: sortedByCodePoint(new Set(chosen.flatMap((set) => set.packages))),
    commands: [...new Set(chosen.flatMap((set) => set.commands))],
  };
}
