import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadedImage } from "@kiln/core";
import { installedPackages } from "@kiln/engine";
import {
  distroPackages,
  npmPackage,
  runCosign,
  sbomCommand,
  signCommand,
  spdxDocument,
  type PushedImage,
  type SbomPackage,
  type Signing,
} from "@kiln/registry";

export interface SupplyChainOptions {
  signing: Signing;
  sbom: boolean;
  createdEpoch: number;
  signal?: AbortSignal;
  log: (text: string) => void;
}

/**
 * What a release attaches to a pushed digest before any tag points at it: per platform, an SPDX
 * SBOM of the packages actually installed (read from the image's dpkg or apk database) plus what
 * kiln itself put in (pnpm), as a signed in-toto attestation; then a signature of the index and
 * every manifest in it. Any failure throws, and the caller moves no tag.
 */
export function supplyChain(
  image: LoadedImage,
  all: Map<string, LoadedImage>,
  options: SupplyChainOptions,
): (pushed: PushedImage) => Promise<void> {
  return async (pushed) => {
    if (options.sbom) {
      const reference = pushed.localReference ?? `${pushed.repository}@${pushed.digest}`;
      const platforms = pushed.manifests.map((m) => m.platform);
      const listed = await installedPackages(reference, platforms, image.resolved.distro.name);
      const added = kilnAddedPackages(image, all);
      const dir = mkdtempSync(path.join(tmpdir(), "kiln-sbom-"));
      try {
        for (const manifest of pushed.manifests) {
          const packages = [...distroPackages(image.resolved.distro.name, listed[manifest.platform] ?? []), ...added];
          const document = spdxDocument({
            image: image.pkg.name,
            version: image.pkg.version,
            platform: manifest.platform,
            repository: pushed.repository,
            digest: manifest.digest,
            createdEpoch: options.createdEpoch,
            packages,
          });
          const file = path.join(dir, `${manifest.platform.replace(/\//g, "-")}.spdx.json`);
          writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
          await runCosign(
            sbomCommand(`${pushed.repository}@${manifest.digest}`, file, options.signing),
            `SBOM of ${image.pkg.name} ${manifest.platform}`,
            options.signal,
          );
          options.log(
            `SBOM ${manifest.platform}: ${packages.length} packages${options.signing.mode === "none" ? " (unsigned)" : ", attested"}`,
          );
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (options.signing.mode !== "none") {
      await runCosign(signCommand(`${pushed.repository}@${pushed.digest}`, options.signing), `signing ${image.pkg.name}`, options.signal);
      options.log(`signed ${pushed.digest} and its ${pushed.manifests.length} platform manifests`);
    }
  };
}

/** pnpm, which the node() feature installs beside the distro's Node, in the image or a parent. */
function kilnAddedPackages(image: LoadedImage, all: Map<string, LoadedImage>): SbomPackage[] {
  for (let current: LoadedImage | undefined = image; current;) {
    const pnpm = current.resolved.labels["io.kiln.pnpm.version"];
    if (pnpm) return [npmPackage("pnpm", pnpm)];
    const base: LoadedImage["resolved"]["base"] = current.resolved.base;
    current = base.kind === "workspace" ? all.get(base.name) : undefined;
  }
  return [];
}
