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

export interface BuilderNode {
  name: string;
  endpoint: string | undefined;
  status: string | undefined;
  /** every platform the node can build, natively or through QEMU */
  platforms: string[];
  /** platforms set with `docker buildx create --platform` (marked * by buildx): buildx sends those builds here */
  preferred: string[];
}

export interface BuilderNodes {
  name: string | undefined;
  driver: string | undefined;
  nodes: BuilderNode[];
}

/**
 * Reads the builder and each of its nodes from `docker buildx inspect`: the builder's own fields
 * come before the "Nodes:" line, then each node starts at its "Name:" line.
 */
export function parseBuilderNodes(stdout: string): BuilderNodes {
  const lines = stdout.split("\n");
  const nodesAt = lines.findIndex((line) => line.trim() === "Nodes:");
  const head = nodesAt === -1 ? lines : lines.slice(0, nodesAt);
  const field = (block: string[], name: string): string | undefined => {
    const line = block.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line?.slice(line.indexOf(":") + 1).trim() || undefined;
  };
  const nodes: BuilderNode[] = [];
  if (nodesAt !== -1) {
    let block: string[] = [];
    const flush = () => {
      const name = field(block, "Name");
      if (name) {
        const listed = (field(block, "Platforms") ?? "")
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean);
        nodes.push({
          name,
          endpoint: field(block, "Endpoint"),
          status: field(block, "Status"),
          platforms: listed.map((p) => p.replace(/\*$/, "")),
          preferred: listed.filter((p) => p.endsWith("*")).map((p) => p.slice(0, -1)),
        });
      }
      block = [];
    };
    for (const line of lines.slice(nodesAt + 1)) {
      if (line.startsWith("Name:")) flush();
      block.push(line);
    }
    flush();
  }
  return { name: field(head, "Name"), driver: field(head, "Driver"), nodes };
}

/**
 * How a builder builds `platform`: on a node that runs it natively, else emulated (QEMU) on a
 * node that lists it, else not at all. A node's native platforms are those it was created for
 * (`--platform`, marked *), else the machine's own (`hostPlatform`, for nodes on this engine) or
 * the first it lists (BuildKit lists the worker's own platform first).
 */
export function platformPlacement(
  platform: string,
  builder: BuilderNodes,
  hostPlatform: string | undefined,
): { kind: "native" | "emulated"; node: string } | { kind: "none" } {
  const nativeOf = (node: BuilderNode): string[] => {
    if (node.preferred.length > 0) return node.preferred;
    if (builder.driver === "docker" && hostPlatform) return [hostPlatform];
    return node.platforms.slice(0, 1);
  };
  const native = builder.nodes.find((node) => nativeOf(node).includes(platform));
  if (native) return { kind: "native", node: native.name };
  const emulated = builder.nodes.find((node) => node.platforms.includes(platform));
  return emulated ? { kind: "emulated", node: emulated.name } : { kind: "none" };
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
