import { registryMirrorContexts, type MirrorProfile } from "@kiln/mirror";
import { builderArgs, ToolError } from "@kiln/core";
import { execute } from "@kiln/core";

interface ManifestDescriptor {
  digest: string;
  manifests?: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[];
}

/**
 * Resolves a base reference to its digest and per-platform manifest digests, through the registry
 * mirror when the profile maps its registry (so locks work behind a closed network too).
 */
export async function resolveBaseDigest(
  reference: string,
  platforms: string[],
  mirror: MirrorProfile | undefined,
  builder?: string,
): Promise<{ digest: string; platforms: Record<string, string> }> {
  const mirrored = registryMirrorContexts(mirror, [reference])[reference]?.replace(/^docker-image:\/\//, "") ?? reference;
  const result = await execute({
    command: "docker",
    args: ["buildx", "imagetools", "inspect", ...builderArgs(builder), mirrored, "--format", "{{json .Manifest}}"],
  });
  if (result.exitCode !== 0) {
    throw new ToolError(
      "KILN_BASE_NOT_FOUND",
      `cannot resolve ${reference}${mirrored !== reference ? ` (through the mirror: ${mirrored})` : ""}: ${result.stderr.trim().split("\n").at(-1)}`,
      "check the reference, or map its registry to one you can reach: --mirror registry.hub=<host:port>",
    );
  }
  const descriptor = JSON.parse(result.stdout) as ManifestDescriptor;
  const byPlatform: Record<string, string> = {};
  for (const platform of platforms) {
    const [os, architecture, variant] = platform.split("/");
    const match = descriptor.manifests?.find(
      (m) =>
        m.platform !== undefined &&
        m.platform.os === os &&
        m.platform.architecture === architecture &&
        (variant === undefined || m.platform.variant === variant),
    );
    if (descriptor.manifests && !match)
      throw new ToolError(
        "KILN_BASE_PLATFORM",
        `${reference} has no ${platform} image`,
        `drop ${platform} from the image's platforms, or use a base that has it`,
      );
    byPlatform[platform] = match?.digest ?? descriptor.digest;
  }
  return { digest: descriptor.digest, platforms: byPlatform };
}
