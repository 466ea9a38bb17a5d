import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CheckFailedError, UsageError, formatFindings, lintDockerfile, readmeFindings, reportedAt, type LintFinding, type LintSeverity } from "@kiln/core";
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
export async function lint(args: LintArgs): Promise<void> {
  const images = args.files.length > 0 ? [] : (await loadSelection(commandContext([]))).selected;
  const files = args.files.length > 0 ? args.files : images.map((image) => relative(path.join(image.pkg.dir, "Dockerfile")));
  const findings: LintFinding[] = [];
  for (const { pkg, resolved } of images) {
    const readme = path.join(pkg.dir, "README.md");
    const text = existsSync(readme) ? readFileSync(readme, "utf8") : undefined;
    findings.push(...readmeFindings(resolved, text, relative(readme)).filter((f) => reportedAt(f.severity, args.level)));
  }
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
  else note(undefined, "lint", `${files.length} Dockerfile(s)${images.length > 0 ? ` and ${images.length} README(s)` : ""}, no findings`);
  if (findings.length > 0) {
    throw new CheckFailedError(`${findings.length} lint finding(s)`, "each finding above says how to fix it");
  }
}

function relative(file: string): string {
  return path.relative(process.cwd(), file);
}
