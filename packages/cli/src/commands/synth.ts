import path from "node:path";
import { CheckFailedError, synthImages } from "@kiln/core";
import { atLeast, formatFindings, lintText } from "@kiln/lint";
import { commandContext, loadSelection } from "../context.js";
import { forKilnImages, imageBuildContexts, lintConfig } from "../lint-settings.js";
import { note, printJson, printLine } from "../output.js";

export interface SynthArgs {
  names: string[];
  check: boolean;
  locked: boolean;
  json: boolean;
}

/** `kiln synth`: writes each image's Dockerfile; with --check, writes nothing and fails on drift. */
export async function synth(args: SynthArgs, signal: AbortSignal): Promise<void> {
  const workspace = await loadSelection(commandContext(args.names), signal);
  const results = await synthImages(workspace.root, workspace.selected, {
    check: args.check,
    locked: args.locked,
    signal,
    onResult: args.json
      ? undefined
      : (result) =>
          note(
            result.image,
            "synth",
            `${result.path} ${{ written: "wrote", unchanged: "unchanged", drift: "differs from its definition" }[result.status]}`,
          ),
  });
  if (args.json) printJson(results.map(({ content: _content, file: _file, ...rest }) => rest));
  else for (const image of workspace.selected) for (const text of image.resolved.notes) note(image.pkg.name, "synth", `note: ${text}`);
  // What synth writes must pass kiln lint: a finding here is a bug in the synthesizer or a feature.
  const config = forKilnImages(lintConfig(undefined, workspace.root));
  const contexts = new Map(workspace.selected.map((image) => [image.pkg.name, imageBuildContexts(image.resolved)]));
  const written = results.filter((r) => r.status === "written" && path.basename(r.path) === "Dockerfile");
  const linted = await Promise.all(
    written.map((r) => lintText(r.content, r.path, { config, shellcheck: "off", buildContexts: contexts.get(r.image) ?? [] })),
  );
  const findings = linted.flat().filter((f) => atLeast(f.severity, "warning"));
  if (findings.length > 0) {
    printLine(formatFindings(findings, "tty"));
    throw new CheckFailedError(
      `kiln synth wrote ${findings.length} lint finding(s): a bug in kiln's synthesizer or in a feature's steps`,
      "report it with the findings above; the Dockerfile was written so you can read it",
    );
  }
  const drift = results.filter((r) => r.status === "drift");
  if (drift.length > 0) {
    if (!args.json) printLine(drift.map((r) => `${r.path}: out of date`).join("\n"));
    throw new CheckFailedError(
      `${drift.length} generated Dockerfile(s) differ from their definitions`,
      "run `pnpm kiln synth` and commit the result (edit image.ts, never the Dockerfile)",
    );
  }
}
