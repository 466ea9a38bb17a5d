import { appendFileSync } from "node:fs";
import path from "node:path";
import { chosenBuilder, chosenRegistry, commitFacts, loadKilnConfig, ToolError, UsageError, writeFileAtomic } from "@kiln/core";
import {
  createReleaseTag,
  planPublish,
  planRelease,
  publishImage,
  RegistryClient,
  releaseMarkdown,
  releaseTags,
  repositoryLocation,
  type ReleaseOutcome,
  type ReleaseSummary,
} from "@kiln/registry";
import { commandContext, loadSelection } from "../context.js";
import { activeMirror } from "../mirror.js";
import { formatTable, note, printJson, printLine } from "../output.js";
import { pushByDigestVia, signingFrom } from "../push-target.js";
import { withStagingTagRemoved } from "../staging-tag.js";
import { supplyChain } from "../supply-chain.js";
import type { LoadedImage } from "@kiln/core";

export interface ReleaseArgs {
  names: string[];
  registry: string | undefined;
  dryRun: boolean;
  force: boolean;
  baseline: boolean;
  mirror: string | undefined;
  json: boolean;
  /** cosign key reference (file or env://NAME); KILN_SIGNING_KEY when unset */
  signKey?: string;
  keyless?: boolean;
  /** attach an SBOM per platform (default) */
  sbom?: boolean;
  /** buildx builder (--builder, else BUILDX_BUILDER) */
  builder?: string;
}

/**
 * `kiln release`: builds and pushes every image whose version moved (no `<image>@<version>` git
 * tag yet), parents first, then tags the release in git. Resumable, never overwrites a version.
 */
export async function release(args: ReleaseArgs, signal: AbortSignal): Promise<void> {
  const context = commandContext(args.names);
  const workspace = await loadSelection(context, signal);
  const root = workspace.root;

  if (args.baseline)
    return baseline(
      root,
      workspace.selected.map((i) => ({ name: i.pkg.name, version: i.pkg.version })),
    );

  const config = await loadKilnConfig(root);
  const registry = chosenRegistry(args.registry, config);
  if (!registry)
    throw new UsageError(
      "kiln release needs a registry",
      "pass --registry host[:port]/namespace, set KILN_REGISTRY, or registry in kiln.config.ts",
    );
  const { revision, createdEpoch } = await commitFacts(root);
  if (!revision)
    throw new UsageError("kiln release needs a git checkout (the revision labels and sha- tag come from it)", "run it in the repository");
  const gitTags = await releaseTags(root);
  const everTagged = workspace.images.some((image) => [...gitTags].some((tag) => tag.startsWith(`${image.pkg.name}@`)));
  if (!everTagged) {
    throw new UsageError(
      "no release baseline: no image has an <image>@<version> git tag yet, so every image would be released at once",
      "record what is already released with `kiln release --baseline` (tags the current versions without pushing), then add changesets for what should go out",
    );
  }

  const mirror = await activeMirror(root, args.mirror, config);
  const clientFor = (image: string) => new RegistryClient(repositoryLocation(registry, image));
  const steps = await planRelease(workspace.selected, { revision, gitTags, client: clientFor });
  const summary: ReleaseSummary = { registry, revision, dryRun: args.dryRun, images: [] };

  const all = new Map(workspace.images.map((image) => [image.pkg.name, image]));
  const builder = chosenBuilder(args.builder);
  const via = await pushByDigestVia(builder);
  const signing = signingFrom(args);
  const releasing = new Set<string>();
  const publishPlan = (image: LoadedImage) =>
    planPublish(image, all, {
      root,
      registry,
      via,
      revision,
      source: config.source,
      createdEpoch,
      mirror: mirror?.profile,
      provenance: "max",
      progress: "plain",
      builder,
      pushedInThisRun: releasing,
      metadataFile: path.relative(root, path.join(image.pkg.dir, "dist", "buildx-metadata.json")),
      client: clientFor,
      log: (text) => note(image.pkg.name, "release", text),
    });

  if (args.dryRun) {
    for (const step of steps) {
      const image = all.get(step.image);
      if (step.action !== "release" || !image) {
        summary.images.push({ ...step, result: "skipped" });
        continue;
      }
      const plan = await publishPlan(image);
      releasing.add(step.image);
      summary.images.push({ ...step, result: "planned", command: plan.build.command });
    }
    return report(root, summary, args.json);
  }

  let failed = false;
  for (const step of steps) {
    const image = all.get(step.image);
    if (!image || step.action === "skip") {
      summary.images.push({ ...step, result: "skipped" });
      continue;
    }
    if (failed) {
      summary.images.push({ ...step, result: "not-attempted" });
      continue;
    }
    try {
      if (step.action === "tag-only") {
        await createReleaseTag(root, step.image, step.version);
        summary.images.push({ ...step, result: "skipped", digest: step.publishedDigest });
        continue;
      }
      note(step.image, "release", `${step.version}: ${step.reason}`);
      const plan = await publishPlan(image);
      note(
        step.image,
        "release",
        `push by digest (${via === "buildx" ? "buildx push-by-digest" : `staging ${plan.build.pushName}`}), then tag ${plan.tags.join(", ")}`,
      );
      const log = (text: string) => note(step.image, "release", text);
      const published = await withStagingTagRemoved(
        plan.build,
        () =>
          publishImage(plan, {
            root,
            imageDir: image.pkg.dir,
            registry,
            force: args.force,
            signal,
            client: clientFor,
            attach: supplyChain(image, all, {
              signing,
              sbom: args.sbom ?? true,
              createdEpoch: createdEpoch ?? Math.floor(Date.now() / 1000),
              signal,
              log,
            }),
            log,
          }),
        log,
      );
      releasing.add(step.image);
      await createReleaseTag(root, step.image, step.version);
      note(step.image, "release", `pushed ${published.tags.join(", ")} → ${published.digest}`);
      summary.images.push({
        ...step,
        result: "pushed",
        digest: published.digest,
        forced: published.forced,
        signed: signing.mode !== "none",
      });
    } catch (error) {
      failed = true;
      summary.images.push({ ...step, result: "failed", error: (error as Error).message });
    }
  }
  report(root, summary, args.json);
  const bad = summary.images.filter((o) => o.result === "failed" || o.result === "not-attempted");
  if (bad.length > 0) {
    const pushed = summary.images.filter((o) => o.result === "pushed").map((o) => `${o.image}@${o.version}`);
    throw new ToolError(
      "KILN_RELEASE_INCOMPLETE",
      `release incomplete: pushed ${pushed.join(", ") || "nothing"}; not pushed ${bad.map((o) => `${o.image}@${o.version}`).join(", ")}\n  ${bad[0]?.error?.split("\n")[0] ?? ""}`,
      "fix the cause and run kiln release again: it pushes only what is missing, and no tag points at a half-pushed image",
    );
  }
}

function report(root: string, summary: ReleaseSummary, json: boolean): void {
  const distDir = path.join(root, "dist");
  writeFileAtomic(path.join(distDir, "release.json"), `${JSON.stringify(summary, null, 2)}\n`);
  const markdown = releaseMarkdown(summary);
  writeFileAtomic(path.join(distDir, "release.md"), markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
  if (json) return printJson(summary);
  printLine(
    formatTable(
      ["IMAGE", "VERSION", "RESULT", "WHY", "TAGS"],
      summary.images.map((o: ReleaseOutcome) => [
        o.image,
        o.version,
        o.result,
        o.error?.split("\n")[0] ?? o.reason,
        o.tags.join(",") || "-",
      ]),
    ),
  );
  const pushed = summary.images.filter((o) => o.result === "pushed").length;
  if (!summary.dryRun && pushed === 0 && summary.images.every((o) => o.result === "skipped"))
    note(undefined, "release", "nothing to release: every version is already released");
}

async function baseline(root: string, images: { name: string; version: string }[]): Promise<void> {
  const existing = await releaseTags(root);
  for (const { name, version } of images) {
    if (existing.has(`${name}@${version}`)) {
      note(name, "release", `baseline: ${name}@${version} is already tagged`);
      continue;
    }
    await createReleaseTag(root, name, version);
    note(name, "release", `baseline: tagged ${name}@${version} as released (nothing pushed)`);
  }
}
