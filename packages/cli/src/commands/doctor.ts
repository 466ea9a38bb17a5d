import { CheckFailedError, chosenBuilder, chosenRegistry, defaultPlatforms, findWorkspaceRoot, loadKilnConfig } from "@kiln/core";
import { runDoctor } from "@kiln/engine";
import { describeMirror } from "@kiln/mirror";
import { activeMirror } from "../mirror.js";
import { printJson, printLine } from "../output.js";

export interface DoctorArgs {
  registry: string | undefined;
  mirror: string | undefined;
  json: boolean;
  /** buildx builder to inspect (--builder, else BUILDX_BUILDER) */
  builder?: string;
}

const marks = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

/** `kiln doctor`: can this machine build multi-platform images? Each problem with its fix. */
export async function doctor(args: DoctorArgs, _signal: AbortSignal): Promise<void> {
  const root = findWorkspaceRoot(process.cwd());
  const config = await loadKilnConfig(root);
  const mirror = await activeMirror(root, args.mirror, config);
  const checks = await runDoctor({
    registry: chosenRegistry(args.registry, config),
    mirror: describeMirror(mirror),
    platforms: defaultPlatforms,
    builder: chosenBuilder(args.builder),
  });
  if (args.json) printJson(checks);
  else {
    for (const check of checks) {
      printLine(`${marks[check.status]}  ${check.name}: ${check.detail}`);
      if (check.fix && check.status !== "ok") printLine(`      fix: ${check.fix}`);
    }
  }
  const failed = checks.filter((check) => check.status === "fail");
  if (failed.length > 0) {
    throw new CheckFailedError(`a build cannot work here: ${failed.map((c) => c.name).join(", ")}`, failed[0]?.fix);
  }
}
