// The four functions kiln uses, not semver's index: that loads all 48 of its modules at every start.
import gte from "semver/functions/gte.js";
import parse from "semver/functions/parse.js";
import prerelease from "semver/functions/prerelease.js";
import valid from "semver/functions/valid.js";
import { DefinitionError } from "../errors.js";

export interface TagOptions {
  version: string;
  /** full commit sha; adds `sha-<7>` */
  revision?: string;
  /** true when this version is the highest stable version of the image in the target registry */
  latest?: boolean;
}

/**
 * Tags for one release of an image, following the usual registry conventions:
 * 1.4.2, 1.4, 1 (no bare "0" for 0.x: 0.x minors may break), `latest` only when told this is the
 * highest stable version, a prerelease only under its full version, and `sha-<7>` for traceability.
 */
export function versionTags(options: TagOptions): string[] {
  const parsed = parse(options.version);
  if (!parsed) {
    throw new DefinitionError(`version: "${options.version}" is not a semantic version`, "set the package.json version to X.Y.Z");
  }
  const tags: string[] = [parsed.version];
  if (parsed.prerelease.length === 0) {
    tags.push(`${parsed.major}.${parsed.minor}`);
    if (parsed.major > 0) tags.push(String(parsed.major));
    if (options.latest) tags.push("latest");
  }
  if (options.revision) tags.push(`sha-${options.revision.slice(0, 7)}`);
  return tags;
}

/** Whether `version` is the highest stable version among `published` (what earns `latest`). */
export function isHighestStable(version: string, published: string[]): boolean {
  if (prerelease(version)) return false;
  const stable = published.filter((v) => valid(v) && !prerelease(v));
  return stable.every((other) => gte(version, other));
}
