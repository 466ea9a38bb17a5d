import { parse } from "yaml";
import { npmPackage, type SbomHash, type SbomPackage } from "./sbom.js";

/** Where a build stage ran: npm and pnpm skip optional packages made for another os, cpu or libc. */
export interface BuildPlatform {
  os: string;
  /** Node's names: x64, arm64 */
  cpu: string;
  libc: "glibc" | "musl";
}

/** The platform of a build stage that ran natively on an engine of this `docker version` arch. */
export function buildPlatform(engineArch: string, libc: BuildPlatform["libc"]): BuildPlatform {
  const cpu: Record<string, string> = { x86_64: "x64", amd64: "x64", aarch64: "arm64", arm64: "arm64" };
  return { os: "linux", cpu: cpu[engineArch] ?? engineArch, libc };
}

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  resolution?: { integrity?: string };
  os?: string[];
  cpu?: string[];
  libc?: string[];
  link?: boolean;
}

/** `["linux"]`, `["!win32"]`: whether a package's os/cpu/libc field lets it install here (absent: anywhere). */
function allows(field: string[] | undefined, value: string): boolean {
  if (!field || field.length === 0) return true;
  if (field.includes(`!${value}`)) return false;
  const positive = field.filter((entry) => !entry.startsWith("!"));
  return positive.length === 0 || positive.includes(value);
}

/** npm's integrity (`sha512-<base64>`, several separated by spaces) as hex digests. */
function integrityHashes(integrity: string | undefined): SbomHash[] {
  const algorithms: Record<string, SbomHash["algorithm"]> = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" };
  return (integrity ?? "").split(/\s+/).flatMap((entry) => {
    const match = /^(sha1|sha256|sha512)-([A-Za-z0-9+/]+=*)$/.exec(entry);
    if (!match) return [];
    return [
      {
        algorithm: algorithms[match[1] as string] as SbomHash["algorithm"],
        hex: Buffer.from(match[2] as string, "base64").toString("hex"),
      },
    ];
  });
}

/** `hexo@7.3.0`, `@types/node@20.1.0`, v6's `/hexo@7.3.0(chokidar@3.6.0)`: name and version. */
function pnpmKey(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, "").replace(/\(.*$/, "");
  const at = bare.indexOf("@", 1);
  return at > 0 ? { name: bare.slice(0, at), version: bare.slice(at + 1) } : undefined;
}

/**
 * What a frozen install from this lock file puts into a build stage: every package of a
 * pnpm-lock.yaml (v6 or v9) or package-lock.json (v2 or v3), less the optional ones made for
 * another platform, as build dependencies of the image with the integrity the install checked.
 */
export function lockfilePackages(lockfile: { path: string; text: string }, platform: BuildPlatform): SbomPackage[] {
  const installs = (entry: LockEntry) =>
    allows(entry.os, platform.os) && allows(entry.cpu, platform.cpu) && allows(entry.libc, platform.libc);
  const listed: { name: string; version: string; entry: LockEntry }[] = [];
  if (lockfile.path.endsWith(".json")) {
    const lock = JSON.parse(lockfile.text) as { packages?: Record<string, LockEntry> };
    for (const [key, entry] of Object.entries(lock.packages ?? {})) {
      if (key === "" || entry.link) continue; // the project itself, and workspace links
      const name = entry.name ?? key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
      if (entry.version) listed.push({ name, version: entry.version, entry });
    }
  } else {
    const lock = parse(lockfile.text) as { packages?: Record<string, LockEntry> | null };
    for (const [key, entry] of Object.entries(lock.packages ?? {})) {
      const named = pnpmKey(key);
      if (!named) continue;
      // A tarball or git dependency is keyed by its URL; its version is in the entry.
      const version = /^[0-9]/.test(named.version) ? named.version : (entry.version ?? named.version);
      listed.push({ name: entry.name ?? named.name, version, entry });
    }
  }
  return listed
    .filter(({ entry }) => installs(entry))
    .map(({ name, version, entry }) =>
      npmPackage(name, version, "build-dependency", {
        hashes: integrityHashes(entry.resolution?.integrity ?? entry.integrity),
        source: lockfile.path,
      }),
    );
}
