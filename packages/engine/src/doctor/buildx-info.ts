/** Pure parsers for `docker buildx version` and `docker buildx inspect` output. */

/**
 * `github.com/docker/buildx v0.17.1 abc…` → "0.17.1"; Debian prints `… 0.13.1+ds1 0.13.1+ds1-3`
 * → "0.13.1"; a development build prints a 7-hex sha, returned as is.
 */
export function parseBuildxVersion(stdout: string): string | undefined {
  const match = /\sv?([0-9]+\.[0-9]+\.[0-9]+|[0-9a-f]{7})/.exec(` ${stdout}`);
  return match?.[1];
}

export interface BuilderInfo {
  name: string | undefined;
  driver: string | undefined;
  platforms: string[];
}

/** Reads name, driver and the platforms of the first node from `docker buildx inspect`. */
export function parseBuildxInspect(stdout: string): BuilderInfo {
  const field = (name: string): string | undefined => {
    const line = stdout.split("\n").find((l) => l.trim().toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line?.slice(line.indexOf(":") + 1).trim() || undefined;
  };
  const platforms = (field("Platforms") ?? "")
    .split(",")
    .map((p) => p.trim().replace(/\*$/, ""))
    .filter(Boolean);
  return { name: field("Name"), driver: field("Driver"), platforms };
}

/** Whether a binfmt_misc entry is enabled and keeps its interpreter open ("F" flag: works in containers). */
export function parseBinfmtEntry(content: string): { enabled: boolean; fixBinary: boolean } {
  const lines = content.split("\n");
  const flags =
    lines
      .find((l) => l.startsWith("flags:"))
      ?.slice("flags:".length)
      .trim() ?? "";
  return { enabled: lines[0]?.trim() === "enabled", fixBinary: flags.includes("F") };
}
