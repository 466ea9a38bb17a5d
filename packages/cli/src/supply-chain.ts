import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadedImage } from "@kiln/core";
import { imageInventory, probeEngine } from "@kiln/engine";
import {
  buildPlatform,
  cyclonedxDocument,
  distroPackages,
  lockfilePackages,
  mergePackages,
  npmPackage,
  runCosign,
  sbomCommand,
  shippedNodePackages,
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
 * What a release attaches to a pushed digest before any tag points at it: per platform, an SBOM
 * in SPDX 2.3 and CycloneDX 1.6 of what the image holds (its dpkg or apk database, the Node
 * packages under its node_modules and pnpm where node() put it) and of what its build stages
 * installed (their lock files, and pnpm as their tool), each as a signed in-toto attestation;
 * then a signature of the index and every manifest in it. Any failure throws, and the caller
 * moves no tag.
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
      const distro = image.resolved.distro.name;
      const inventory = await imageInventory(reference, platforms, distro);
      const engine = await probeEngine();
      const engineArch = engine.reachable ? engine.arch : process.arch;
      const dir = mkdtempSync(path.join(tmpdir(), "kiln-sbom-"));
      try {
        for (const manifest of pushed.manifests) {
          const found = inventory[manifest.platform];
          const packages = mergePackages(
            found ? distroPackages(distro, found.database, found.osRelease) : [],
            found ? shippedNodePackages(found.packageJsons) : [],
            buildStagePackages(image, all, manifest.platform, engineArch),
          );
          const input = {
            image: image.pkg.name,
            version: image.pkg.version,
            platform: manifest.platform,
            repository: pushed.repository,
            digest: manifest.digest,
            createdEpoch: options.createdEpoch,
            packages,
          };
          const base = path.join(dir, manifest.platform.replace(/\//g, "-"));
          const documents = [
            { format: "spdx" as const, file: `${base}.spdx.json`, text: `${JSON.stringify(spdxDocument(input), null, 2)}\n` },
            { format: "cyclonedx" as const, file: `${base}.cdx.json`, text: cyclonedxDocument(input) },
          ];
          for (const document of documents) {
            writeFileSync(document.file, document.text);
            await runCosign(
              sbomCommand(`${pushed.repository}@${manifest.digest}`, document.file, options.signing, document.format),
              `${document.format === "spdx" ? "SPDX" : "CycloneDX"} SBOM of ${image.pkg.name} ${manifest.platform}`,
              options.signal,
            );
          }
          const shipped = packages.filter((p) => p.relationship === "contains").length;
          options.log(
            `SBOM ${manifest.platform}: ${shipped} packages in the image, ${packages.length - shipped} used to build it (SPDX ${kib(documents[0]?.text)}, CycloneDX ${kib(documents[1]?.text)})${options.signing.mode === "none" ? " (unsigned)" : ", attested"}`,
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

function kib(text: string | undefined): string {
  return `${(Buffer.byteLength(text ?? "") / 1024).toFixed(0)} KiB`;
}

/**
 * What the image's build stages installed and only their output ships: each stage's lock file
 * (pnpmStage, npmStage), resolved for the platform the stage ran on, and pnpm when the stage's
 * image has it (the node() feature's label, in the stage's image or an ancestor).
 */
function buildStagePackages(image: LoadedImage, all: Map<string, LoadedImage>, platform: string, engineArch: string): SbomPackage[] {
  return image.resolved.stages.flatMap((stage) => {
    const stageImage = stage.image ? all.get(stage.image) : undefined;
    const packages: SbomPackage[] = [];
    const pnpm = stageImage ? labelInChain(stageImage, all, "io.kiln.pnpm.version") : undefined;
    if (pnpm) packages.push(npmPackage("pnpm", pnpm, "build-tool", { source: `build stage ${stage.name} (${stage.image})` }));
    if (stage.lockfile) {
      // A build stage runs natively on the builder; a target stage once per platform.
      const arch = stage.platform === "build" ? engineArch : (platform.split("/")[1] ?? engineArch);
      const musl = stageImage ? stageImage.resolved.distro.name === "alpine" : /alpine/.test(stage.from);
      const file = path.join(image.pkg.dir, stage.lockfile);
      packages.push(
        ...lockfilePackages({ path: stage.lockfile, text: readFileSync(file, "utf8") }, buildPlatform(arch, musl ? "musl" : "glibc")),
      );
    }
    return packages;
  });
}

/** A label of the image or its nearest workspace ancestor that has it. */
function labelInChain(image: LoadedImage, all: Map<string, LoadedImage>, name: string): string | undefined {
  for (let current: LoadedImage | undefined = image; current;) {
    const value = current.resolved.labels[name];
    if (value) return value;
    const base: LoadedImage["resolved"]["base"] = current.resolved.base;
    current = base.kind === "workspace" ? all.get(base.name) : undefined;
  }
  return undefined;
}
