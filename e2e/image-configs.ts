import { execute } from "@kiln/core";

/** A manifest or an index as the registry stores it (imagetools inspect --raw). */
export async function rawManifest(reference: string): Promise<{
  config?: { digest: string };
  manifests?: { digest: string; platform?: { os: string; architecture: string } }[];
}> {
  const result = await execute({ command: "docker", args: ["buildx", "imagetools", "inspect", "--raw", reference] });
  if (result.exitCode !== 0) throw new Error(`imagetools inspect ${reference}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/**
 * platform → image config digest of the index at `repository` `version` (a tag, or a digest),
 * attestation manifests skipped: two builds of one commit are the same image when these are equal.
 */
export async function platformConfigs(repository: string, version: string): Promise<Record<string, string>> {
  const top = await rawManifest(`${repository}${version.startsWith("sha256:") ? "@" : ":"}${version}`);
  if (top.config) throw new Error(`${repository} ${version} is a bare manifest; expected an index`);
  const configs: Record<string, string> = {};
  for (const entry of top.manifests ?? []) {
    if (!entry.platform || entry.platform.os === "unknown") continue;
    const manifest = await rawManifest(`${repository}@${entry.digest}`);
    configs[`${entry.platform.os}/${entry.platform.architecture}`] = manifest.config?.digest ?? "";
  }
  return configs;
}
