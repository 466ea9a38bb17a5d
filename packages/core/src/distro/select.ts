import { splitImageReference } from "@kiln/reference";
import type { DistroName } from "../spec/schema.js";
import { alpine } from "./alpine.js";
import { debian } from "./debian.js";
import type { DistroAdapter } from "./distro.js";
import { ubuntu } from "./ubuntu.js";

export const distros: Record<DistroName, DistroAdapter> = { alpine, debian, ubuntu };

/** Guesses the distro from a registry reference's repository name, e.g. "alpine:3.22" → alpine. */
export function distroFromReference(reference: string): DistroName | undefined {
  const repository = splitImageReference(reference).path.split("/").pop() ?? "";
  if (repository === "alpine" || repository === "debian" || repository === "ubuntu") return repository;
  return undefined;
}
