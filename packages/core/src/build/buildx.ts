import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ToolError } from "../errors.js";
import { throwIfInterrupted } from "../interrupt/checkpoint.js";
import { execute, formatCommand } from "../exec/exec.js";
import { builderArgs } from "./builder.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { BuildPlan } from "../plan/plan.js";
import { adviceForBuildFailure, lastErrorLine } from "./advice.js";
import { parseBuildxMetadata, type BuildLocation, type BuildRecord } from "./metadata.js";

export interface RunBuildOptions {
  /** workspace root: the plan's paths are relative to it */
  root: string;
  /** image package directory: dist/build.json goes there */
  imageDir: string;
  signal?: AbortSignal;
  /** stream BuildKit's progress to the terminal (default) or capture it */
  stdio?: "inherit" | "pipe";
}

/** Where the record of an image's last build lives. */
export function buildRecordPath(imageDir: string): string {
  return path.join(imageDir, "dist", "build.json");
}

/**
 * The record of an image's last build, or undefined when there is none or it cannot be read: a
 * torn or hand-edited record proves nothing, so the caller asks the store or shows the image as
 * unbuilt instead of failing.
 */
export function readBuildRecord(imageDir: string): BuildRecord | undefined {
  const file = buildRecordPath(imageDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
}

/**
 * Runs one build plan through buildx and records the result in dist/build.json. The metadata
 * file buildx writes is a temp file that is always removed, also on failure or Ctrl-C.
 */
export async function runBuild(plan: BuildPlan, options: RunBuildOptions): Promise<BuildRecord> {
  const metadataFile = path.join(options.root, plan.metadataFile);
  mkdirSync(path.dirname(metadataFile), { recursive: true });
  try {
    const result = await execute(plan.command, {
      cwd: options.root,
      env: plan.env,
      stdio: options.stdio ?? "inherit",
      signal: options.signal,
    });
    // buildx was stopped through the signal; nothing is recorded for a build that did not finish.
    throwIfInterrupted(options.signal);
    if (result.exitCode !== 0) {
      const advice = adviceForBuildFailure(result.stderr);
      throw new ToolError(
        advice?.code ?? "KILN_BUILDX_FAILED",
        `${plan.image}: docker buildx build failed${advice ? `: ${advice.summary}` : ""}\n  ${lastErrorLine(result.stderr)}\n  command: ${formatCommand(plan.command)}`,
        advice?.fix ?? "read BuildKit's output above for the failing step",
      );
    }
    const metadata = existsSync(metadataFile) ? parseBuildxMetadata(readFileSync(metadataFile, "utf8")) : undefined;
    const digest = metadata?.["containerimage.digest"];
    const record: BuildRecord = {
      image: plan.image,
      version: plan.version,
      digest,
      platforms: plan.platforms,
      tags: plan.tags,
      output: plan.output.type,
      location: buildLocation(plan),
      manifests: plan.pushName && digest ? await platformManifests(plan.pushName, digest, options.root, plan.builder) : [],
    };
    writeFileAtomic(buildRecordPath(options.imageDir), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    rmSync(metadataFile, { force: true });
  }
}

/** Where the plan's output lands. */
export function buildLocation(plan: BuildPlan): BuildLocation {
  switch (plan.output.type) {
    case "load":
      return { kind: "local-store", reference: plan.tags.at(-1) ?? plan.tags[0] ?? "" };
    case "push":
    case "push-by-digest":
      return { kind: "registry", repository: plan.repository ?? "" };
    case "oci":
      return { kind: "oci-layout", path: plan.output.dest };
    case "cache-only":
      return { kind: "none" };
  }
}

/**
 * The per-platform manifests of a pushed index, read back from the registry. (A --load into the
 * local store has no registry to ask; its record carries the index digest only.)
 */
async function platformManifests(pushName: string, digest: string, root: string, builder?: string): Promise<BuildRecord["manifests"]> {
  const repository = pushName.replace(/:[^:/]+$/, "");
  const inspect = async (reference: string): Promise<unknown> => {
    const result = await execute(
      { command: "docker", args: ["buildx", "imagetools", "inspect", ...builderArgs(builder), reference, "--raw"] },
      { cwd: root },
    );
    return result.exitCode === 0 ? JSON.parse(result.stdout) : undefined;
  };
  const index = (await inspect(`${repository}@${digest}`)) as
    { manifests?: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[] } | undefined;
  const platforms = (index?.manifests ?? []).filter((m) => m.platform && m.platform.os !== "unknown");
  return Promise.all(
    platforms.map(async (m) => {
      const manifest = (await inspect(`${repository}@${m.digest}`)) as
        { config?: { size: number }; layers?: { size: number }[] } | undefined;
      const size = manifest?.layers ? manifest.layers.reduce((sum, layer) => sum + layer.size, manifest.config?.size ?? 0) : undefined;
      return {
        platform: [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join("/"),
        digest: m.digest,
        size,
      };
    }),
  );
}
