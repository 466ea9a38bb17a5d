import { PackageURL } from "packageurl-js";
import type { DistroName } from "@kiln/core";

/**
 * How a package relates to the image: `contains` — its files are in the image; `build-dependency`
 * — a build stage installed it and only that stage's output ships; `build-tool` — the tool that
 * ran a build stage (pnpm). SPDX writes these as CONTAINS, BUILD_DEPENDENCY_OF and BUILD_TOOL_OF;
 * CycloneDX as scope required or excluded.
 */
export type SbomRelationship = "contains" | "build-dependency" | "build-tool";

/** A digest the package manager checked the package against (npm's integrity), hex. */
export interface SbomHash {
  algorithm: "SHA-1" | "SHA-256" | "SHA-512";
  hex: string;
}

/** One package in an image: what the distro's database lists, or what kiln or an app stage put in. */
export interface SbomPackage {
  name: string;
  version: string;
  /** package URL (purl), the identifier scanners match vulnerabilities on */
  purl: string;
  relationship: SbomRelationship;
  hashes?: SbomHash[];
  /** where kiln found it: a path in the image, or a lock file in the build context */
  source?: string;
}

export interface SbomInput {
  image: string;
  version: string;
  platform: string;
  /** the platform manifest as pushed: `<registry>/<image>` and its digest */
  repository: string;
  digest: string;
  /** seconds since the epoch (SOURCE_DATE_EPOCH), so the document is the same for one commit */
  createdEpoch: number;
  packages: SbomPackage[];
}

/** purl types and namespaces per distro (purl-spec: pkg:deb/debian/…, pkg:apk/alpine/…). */
const purlType: Record<DistroName, { type: string; namespace: string }> = {
  debian: { type: "deb", namespace: "debian" },
  ubuntu: { type: "deb", namespace: "ubuntu" },
  alpine: { type: "apk", namespace: "alpine" },
};

/** Stanzas of a dpkg status file or an apk installed database: blank-line separated `Key: value` / `K:value` lines. */
function stanzas(database: string, separator: RegExp): Map<string, string>[] {
  return database
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split("\n")) {
        const match = separator.exec(line);
        if (match) fields.set(match[1] as string, match[2] as string);
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/** `debian-12`, `ubuntu-24.04`, `alpine-3.22.1`: the distro qualifier scanners read, from /etc/os-release. */
export function distroQualifier(osRelease: string): string | undefined {
  const field = (name: string) => new RegExp(`^${name}=["']?([^"'\\n]*)["']?$`, "m").exec(osRelease)?.[1];
  const id = field("ID");
  const version = field("VERSION_ID");
  return id && version ? `${id}-${version}` : undefined;
}

/**
 * The packages of the distro's own database — dpkg's status file (installed stanzas only) or
 * apk's installed file — with their architecture, as SBOM packages the image contains.
 */
export function distroPackages(distro: DistroName, database: string, osRelease = ""): SbomPackage[] {
  const { type, namespace } = purlType[distro];
  const qualifier = distroQualifier(osRelease);
  const read =
    type === "deb"
      ? stanzas(database, /^([A-Za-z-]+): (.*)$/)
          .filter((f) => (f.get("Status") ?? "").endsWith(" installed"))
          .map((f) => ({ name: f.get("Package"), version: f.get("Version"), arch: f.get("Architecture") }))
      : stanzas(database, /^([A-Za-z]):(.*)$/).map((f) => ({ name: f.get("P"), version: f.get("V"), arch: f.get("A") }));
  return read.flatMap(({ name, version, arch }) => {
    if (!name || !version) return [];
    const qualifiers = { ...(arch ? { arch } : {}), ...(qualifier ? { distro: qualifier } : {}) };
    return [
      { name, version, purl: new PackageURL(type, namespace, name, version, qualifiers).toString(), relationship: "contains" as const },
    ];
  });
}

/** An npm package: pnpm beside Node, a build stage's dependency, or a package an app ships. */
export function npmPackage(
  name: string,
  version: string,
  relationship: SbomRelationship,
  extra: { hashes?: SbomHash[]; source?: string } = {},
): SbomPackage {
  const [namespace, bare] = name.startsWith("@") ? (name.split("/", 2) as [string, string]) : [undefined, name];
  return { name, version, purl: new PackageURL("npm", namespace, bare, version).toString(), relationship, ...extra };
}

// A package's root: node_modules/<name>/package.json or node_modules/@scope/<name>/package.json
// (not a package.json in a package's subdirectory, nor pnpm's .pnpm store directory itself), or
// /usr/local/lib/<name>/package.json, where the node() feature unpacks pnpm.
const packageRoot = /(?:\/node_modules\/(?:@[^/.][^/]*\/)?[^/.@][^/]*|^\/usr\/local\/lib\/[^/.][^/]*)\/package\.json$/;

/**
 * The Node packages whose files are in the image, from the package.json files found under its
 * node_modules directories (an app's dependencies, the packages pnpm bundles): one entry per
 * name and version, with the first path it was found at.
 */
export function shippedNodePackages(packageJsons: { path: string; text: string }[]): SbomPackage[] {
  const found = new Map<string, SbomPackage>();
  for (const file of [...packageJsons].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!packageRoot.test(file.path)) continue;
    let manifest: { name?: unknown; version?: unknown };
    try {
      manifest = JSON.parse(file.text) as typeof manifest;
    } catch {
      continue; // a fixture or a broken file is not a package anyone installed
    }
    if (typeof manifest.name !== "string" || typeof manifest.version !== "string") continue;
    const key = `${manifest.name}@${manifest.version}`;
    if (!found.has(key))
      found.set(key, npmPackage(manifest.name, manifest.version, "contains", { source: file.path.replace(/\/package\.json$/, "") }));
  }
  return [...found.values()];
}

const relationshipRank: Record<SbomRelationship, number> = { contains: 0, "build-tool": 1, "build-dependency": 2 };

/**
 * One list from several sources, one entry per purl: a package both shipped and used in a build
 * stage is listed as shipped (what is in the image matters most to whoever scans it). Sorted by
 * name, then version, so the documents are deterministic.
 */
export function mergePackages(...lists: SbomPackage[][]): SbomPackage[] {
  const byPurl = new Map<string, SbomPackage>();
  for (const pkg of lists.flat()) {
    const seen = byPurl.get(pkg.purl);
    if (!seen || relationshipRank[pkg.relationship] < relationshipRank[seen.relationship]) byPurl.set(pkg.purl, pkg);
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byPurl.values()].sort((a, b) => order(a.name, b.name) || order(a.version, b.version) || order(a.purl, b.purl));
}

/** The image itself as a purl (purl-spec's oci type): what both documents describe. */
export function imagePurl(input: SbomInput): string {
  const [, arch] = input.platform.split("/");
  return new PackageURL("oci", undefined, input.image, input.digest, {
    repository_url: input.repository,
    ...(arch ? { arch } : {}),
    tag: input.version,
  }).toString();
}

/** SOURCE_DATE_EPOCH as the second-precision UTC time both formats expect. */
export function createdTime(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
