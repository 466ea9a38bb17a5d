import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  buildRecordPath,
  chosenBuilder,
  chosenRegistry,
  execute,
  formatCommand,
  isHighestStable,
  loadKilnConfig,
  MergeRefusedError,
  planMerge,
  platformDigestDir,
  ToolError,
  UsageError,
  writeFileAtomic,
  type BuildRecord,
} from "@kiln/core";
import { platformManifests, RegistryClient, repositoryLocation, type ManifestContent } from "@kiln/registry";
import { commandContext, loadSelection } from "../context.js";
import { note, printJson, printLine } from "../output.js";

export interface MergeArgs {
  name: string;
  registry: string | undefined;
  builder?: string;
  dryRun: boolean;
  json: boolean;
}

/**
 * `kiln merge <image>`: the per-platform digests that `kiln build --push-by-digest` wrote (on this
 * machine or, through CI artifacts, on others) become one index under the version tags. Refused,
 * before anything is pushed: digests of different commits, a platform without a digest, a digest
 * the registry does not have.
 */
export async function merge(args: MergeArgs, signal: AbortSignal): Promise<void> {
  const context = commandContext([args.name]);
  const workspace = await loadSelection(context, signal);
  const image = workspace.selected[0];
  if (!image) throw new UsageError(`no image named ${args.name}`, "kiln list names the images");
  const config = await loadKilnConfig(context.root);
  const registry = chosenRegistry(args.registry, config);
  if (!registry) throw new UsageError("kiln merge needs a registry", "pass --registry host[:port]/namespace, or set KILN_REGISTRY");
  const dir = platformDigestDir(image.pkg.dir);
  const shown = (file: string) => path.relative(workspace.root, file);
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => {
          const file = path.join(dir, name);
          try {
            return { file: shown(file), content: JSON.parse(readFileSync(file, "utf8")) as unknown };
          } catch (error) {
            throw new MergeRefusedError(
              `${shown(file)}: not JSON (${(error as Error).message})`,
              `write it with kiln build ${image.pkg.name} --push-by-digest`,
            );
          }
        })
    : [];
  const client = new RegistryClient(repositoryLocation(registry, image.pkg.name));
  const published = await client.tags();
  const plan = planMerge(
    {
      image: image.pkg.name,
      version: image.pkg.version,
      platforms: image.resolved.platforms,
      registry,
      files,
      latest: isHighestStable(image.pkg.version, published),
    },
    chosenBuilder(args.builder),
  );
  for (const digest of plan.digests) {
    if (!(await client.manifest(digest.digest))) {
      throw new MergeRefusedError(
        `${image.pkg.name}: ${plan.repository}@${digest.digest} (${digest.platform}) is not in the registry`,
        `push it again: kiln build ${image.pkg.name} --platform ${digest.platform} --push-by-digest --registry ${registry}`,
      );
    }
  }
  if (args.dryRun) {
    if (args.json) return printJson(plan);
    printLine(`# ${plan.image} ${plan.version} (${plan.commit.slice(0, 7)}): ${plan.digests.map((d) => d.platform).join(" + ")}`);
    printLine(formatCommand(plan.command));
    return;
  }
  const result = await execute(plan.command, { cwd: workspace.root, signal });
  if (result.exitCode !== 0) {
    throw new ToolError(
      "KILN_MERGE_FAILED",
      `${plan.image}: docker buildx imagetools create failed: ${result.stderr.trim().split("\n").at(-1) ?? ""}`,
      "check the registry and the builder (kiln doctor)",
    );
  }
  const index = await client.digest(plan.version);
  if (!index)
    throw new ToolError(
      "KILN_MERGE_FAILED",
      `${plan.image}: ${plan.repository}:${plan.version} is missing after the merge`,
      "run kiln merge again",
    );
  const stored = await client.manifest(index);
  const merged = stored ? platformManifests(JSON.parse(stored.bytes.toString("utf8")) as ManifestContent) : [];
  // The merged index is where children and tests find this image now.
  const record: BuildRecord = {
    image: plan.image,
    version: plan.version,
    digest: index,
    platforms: plan.digests.map((d) => d.platform),
    tags: plan.tags,
    output: "merge",
    location: { kind: "registry", repository: plan.repository },
    manifests: merged,
  };
  writeFileAtomic(buildRecordPath(image.pkg.dir), `${JSON.stringify(record, null, 2)}\n`);
  note(plan.image, "merge", `${plan.tags.join(", ")} → ${index}`);
  if (args.json) printJson(record);
}
