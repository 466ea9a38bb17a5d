import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CheckFailedError, UsageError, formatFindings, lintDockerfile, type LintFinding, type LintSeverity } from "@kiln/core";
import { commandContext, loadSelection } from "../context.js";
import { note, printJson, printLine } from "../output.js";

export interface LintArgs {
  files: string[];
  level: LintSeverity;
  shellcheck: boolean;
  json: boolean;
}

/** `kiln lint [files..]`: any Dockerfile, ours or hand-written; default: every image's Dockerfile. */
export async function lint(args: LintArgs): Promise<void> {
  const files = args.files.length > 0 ? args.files : await imageDockerfiles();
  const findings: LintFinding[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new UsageError(`${file}: no such file`, "pass paths of Dockerfiles, e.g. kiln lint images/*/Dockerfile");
    findings.push(
      ...(await lintDockerfile(readFileSync(file, "utf8"), {
        file,
        level: args.level,
        shellcheck: args.shellcheck ? "auto" : "off",
      })),
    );
  }
  if (args.json) printJson(findings);
  else if (findings.length > 0) printLine(formatFindings(findings));
  else note(undefined, "lint", `${files.length} Dockerfile(s), no findings`);
  if (findings.length > 0) {
    throw new CheckFailedError(`${findings.length} lint finding(s)`, "each finding above says how to fix it");
  }
}

async function imageDockerfiles(): Promise<string[]> {
  const workspace = await loadSelection(commandContext([]));
  return workspace.selected.map((image) => path.relative(process.cwd(), path.join(image.pkg.dir, "Dockerfile")));
}
