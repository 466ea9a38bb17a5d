import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CheckFailedError, UsageError, checkpoint, formatFindings, lintDockerfile, readmeFindings, reportedAt, type LintFinding, type LintSeverity } from "@kiln/core";
import { commandContext, loadSelection } from "../context.js";
import { note, printJson, printLine } from "../output.js";

export interface LintArgs {
  files: string[];
  level: LintSeverity;
  shellcheck: boolean;
  json: boolean;
}

/**
 * `kiln lint [files..]`: any Dockerfile, ours or hand-written. Without files: every image's
 * Dockerfile, and its README against what the image declares (variables, ports, volumes).
 */
export async function lint(args: LintArgs, signal: AbortSignal): Promise<void> {
  const images = args.files.length > 0 ? [] : (await loadSelection(commandContext([]), signal)).selected;
  const files = args.files.length > 0 ? args.files : images.map((image) => relative(path.join(image.pkg.dir, "Dockerfile")));
  const findings: LintFinding[] = [];
  for (const { pkg, resolved } of images) {
    const readme = path.join(pkg.dir, "README.md");
    const text = existsSync(readme) ? readFileSync(readme, "utf8") : undefined;
    const found = readmeFindings(resolved, text, relative(readme)).filter((f) => reportedAt(f.severity, args.level));
    if (!args.json && found.length > 0) printLine(formatFindings(found));
    findings.push(...found);
  }
  for (const file of files) {
    await checkpoint(signal);
    if (!existsSync(file)) throw new UsageError(`${file}: no such file`, "pass paths of Dockerfiles, e.g. kiln lint images/*/Dockerfile");
    const found = await lintDockerfile(readFileSync(file, "utf8"), {
      file,
      level: args.level,
      shellcheck: args.shellcheck ? "auto" : "off",
    });
    // Each file's findings as soon as it is checked, so a long run shows progress.
    if (!args.json && found.length > 0) printLine(formatFindings(found));
    findings.push(...found);
  }
  if (args.json) printJson(findings);
  else if (findings.length === 0) note(undefined, "lint", `${files.length} Dockerfile(s)${images.length > 0 ? ` and ${images.length} README(s)` : ""}, no findings`);
  if (findings.length > 0) {
    throw new CheckFailedError(`${findings.length} lint finding(s)`, "each finding above says how to fix it");
  }
}

function relative(file: string): string {
  return path.relative(process.cwd(), file);
}
