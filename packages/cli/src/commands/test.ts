import {
  CheckFailedError,
  EngineUnavailableError,
  execute,
  imageReference,
  readBuildRecord,
  recordedRegistryReference,
  throwIfInterrupted,
  ToolError,
  UsageError,
  writeFileAtomic,
} from "@kiln/core";
import { formatReport, junitReport, imageExists, probeEngine, runImageTests } from "@kiln/engine";
import { commandContext, loadSelection } from "../context.js";
import { note, printJson, printLine } from "../output.js";

export interface TestArgs {
  names: string[];
  platform?: string[];
  registry?: string;
  junit?: string;
  /** buildx builder for images that must be built first (--builder, else BUILDX_BUILDER) */
  builder?: string;
  json: boolean;
}

/** `kiln test`: each image's declared tests on a running container per platform. */
export async function test(args: TestArgs, signal: AbortSignal): Promise<void> {
  const workspace = await loadSelection(commandContext(args.names), signal);
  const engine = await probeEngine();
  if (!engine.reachable) {
    throw new EngineUnavailableError(
      `kiln test needs a container engine: ${engine.reason}`,
      "start one (scripts/provision-engine.sh on Debian/Ubuntu), then kiln doctor",
    );
  }
  const images = workspace.selected.map(({ pkg, resolved }) => {
    const platforms = args.platform ? resolved.platforms.filter((p) => args.platform?.includes(p)) : resolved.platforms;
    if (platforms.length === 0)
      throw new UsageError(`${pkg.name} is not built for ${args.platform?.join(", ")}`, `its platforms: ${resolved.platforms.join(", ")}`);
    // Without --registry, an image whose record says it was pushed is tested where it was pushed,
    // by digest: after a remote cache hit the local store of this machine may never have had it.
    const recorded = args.registry ? undefined : recordedRegistryReference(readBuildRecord(pkg.dir), pkg.version);
    return {
      name: pkg.name,
      recorded,
      reference: recorded ?? imageReference(pkg.name, pkg.version, args.registry),
      platforms: platforms,
      tests: resolved.tests,
      // An http check may probe a port the parent exposes (an app on an nginx image): publish it too.
      ports: [
        ...new Set([
          ...resolved.ports.map((p) => `${p.port}/${p.protocol}`),
          ...resolved.tests.flatMap((t) => (t.kind === "http" ? [`${t.port}/tcp`] : [])),
        ]),
      ],
      env: resolved.testEnv,
    };
  });
  for (const image of images) {
    if (image.recorded) await pullRecorded(image.name, image.recorded, image.platforms, signal);
  }
  await rebuildMissing(
    images.filter((i) => !i.recorded).map((i) => i.name),
    args.registry,
    args.builder,
    signal,
  );
  const report = await runImageTests(images, {
    signal,
    onOutcome: args.json ? undefined : (o) => process.stderr.write(`${o.passed ? "✓" : "✗"} ${o.image} ${o.platform}  ${o.name}\n`),
  });
  if (args.junit) writeFileAtomic(args.junit, junitReport(report));
  if (args.json) printJson(report);
  else printLine(formatReport(report));
  if (report.failed > 0)
    throw new CheckFailedError(`${report.failed} image test(s) failed`, "the report above says what each expected and saw");
}

/**
 * Pulls a pushed image by the digest its build record names, for each platform to test, so that a
 * Turborepo cache hit (local or remote) never tests nothing, or an older image under the same tag.
 * A digest the registry no longer has is an error: the record is stale, and rebuilding would test
 * another image than the one recorded.
 */
async function pullRecorded(name: string, reference: string, platforms: string[], signal: AbortSignal): Promise<void> {
  for (const platform of platforms) {
    const pulled = await execute({ command: "docker", args: ["pull", "--quiet", "--platform", platform, reference] }, { signal });
    // Ctrl-C stops the pull (its own process group); that is an interruption, not a missing image.
    throwIfInterrupted(signal);
    if (pulled.exitCode !== 0) {
      throw new ToolError(
        "KILN_RECORDED_IMAGE_MISSING",
        `${name}: dist/build.json says the image is ${reference}, and pulling it for ${platform} failed: ${lastLine(pulled.stderr)}`,
        `check that the registry is reachable and logged in (docker login), or build it again: kiln build ${name} (or delete images/${name}/dist/build.json)`,
      );
    }
    note(name, "test", `pulled ${reference} for ${platform}, as dist/build.json records`);
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

/**
 * A Turborepo cache hit restores dist/build.json without the image (another machine built it, or
 * the store was pruned). Trusting it would test nothing, so missing local images are rebuilt.
 */
async function rebuildMissing(
  names: string[],
  registry: string | undefined,
  builder: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  // No names would select every image of the workspace.
  if (registry || names.length === 0) return;
  const workspace = await loadSelection(commandContext(names), signal);
  const missing: string[] = [];
  for (const image of workspace.selected) {
    if (!(await imageExists(imageReference(image.pkg.name, image.pkg.version)))) missing.push(image.pkg.name);
  }
  if (missing.length === 0) return;
  note(undefined, "test", `not in the local image store (a Turborepo cache hit without the image?): ${missing.join(", ")}; building`);
  const { build } = await import("./build.js");
  await build(
    {
      names: missing,
      dryRun: false,
      push: false,
      registry: undefined,
      output: undefined,
      platform: undefined,
      mirror: undefined,
      progress: "plain",
      requireEngine: true,
      cacheRef: undefined,
      cache: true,
      force: false,
      locked: false,
      json: false,
      buildArg: undefined,
      builder,
    },
    signal,
  );
}
