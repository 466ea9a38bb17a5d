import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CheckFailedError, UsageError, checkpoint, findWorkspaceRoot } from "@kiln/core";
import { atLeast, formatFindings, lintBytes, lintPaths, ProcessPool, type Finding, type Format, type LintConfig } from "@kiln/lint";
import { commandContext, loadSelection } from "../context.js";
import { readmeFindings } from "../readme-findings.js";
import { forKilnImages, imageBuildContexts, lintConfig } from "../lint-settings.js";
import { note, printLine } from "../output.js";

export interface LintArgs {
  files: string[];
  level: "error" | "warning" | "info" | "style";
  format: Format | undefined;
  config: string | undefined;
  shellcheck: boolean;
  json: boolean;
}

/**
 * `kiln lint [paths..]`: any Dockerfile, ours or hand-written (files, directories, `-` for
 * standard input), with @kiln/lint and the .hadolint.yaml in effect. Without paths: every image's
 * Dockerfile (knowing the build contexts kiln build passes it), and its README against what the
 * image declares (variables, ports, volumes).
 */
export async function lint(args: LintArgs, signal: AbortSignal): Promise<void> {
  const shellcheck = args.shellcheck ? "auto" : "off";
  const format = args.format ?? (args.json ? "json" : "tty");
  const shown = (list: Finding[]) => list.filter((f) => atLeast(f.severity, args.level));
  // In tty format each file's findings print as soon as it is checked, so a long run shows progress.
  const stream = (list: Finding[]) => {
    if (format === "tty" && shown(list).length > 0) printLine(formatFindings(shown(list), "tty"));
  };
  const findings: Finding[] = [];
  const missing: string[] = [];
  let files: number;
  let readmes = 0;
  let config: LintConfig;
  if (args.files.length > 0) {
    config = lintConfig(args.config, workspaceRootOf(process.cwd()));
    const run = await lintPaths(args.files, {
      config,
      shellcheck,
      beforeFiles: () => checkpoint(signal),
      onFile: (_file, found) => stream(found),
    });
    findings.push(...run.findings);
    missing.push(...run.missing);
    files = run.files;
  } else {
    const context = commandContext([]);
    config = forKilnImages(lintConfig(args.config, context.root));
    const images = (await loadSelection(context, signal)).selected;
    const pool = new ProcessPool();
    for (const { pkg, resolved } of images) {
      await checkpoint(signal);
      const dockerfile = relative(path.join(pkg.dir, "Dockerfile"));
      const readme = path.join(pkg.dir, "README.md");
      const found = readmeFindings(resolved, existsSync(readme) ? readFileSync(readme, "utf8") : undefined, relative(readme));
      if (existsSync(dockerfile))
        found.push(
          ...(await lintBytes(readFileSync(dockerfile), dockerfile, {
            config,
            shellcheck,
            pool,
            buildContexts: imageBuildContexts(resolved),
          })),
        );
      else missing.push(dockerfile);
      stream(found);
      findings.push(...found);
    }
    files = images.length - missing.length;
    readmes = images.length;
  }
  const reported = shown(findings);
  if (format !== "tty") printLine(formatFindings(reported, format));
  else if (reported.length === 0 && missing.length === 0)
    note(undefined, "lint", `${files} Dockerfile(s)${readmes > 0 ? ` and ${readmes} README(s)` : ""}, no findings`);
  if (missing.length > 0) {
    throw new UsageError(
      `${missing.join(", ")}: no such file or directory`,
      "pass Dockerfiles, directories of them, or - for standard input, e.g. kiln lint images/*/Dockerfile (or run kiln synth first)",
    );
  }
  // .hadolint.yaml's failure-threshold decides what fails; without one, what is shown fails.
  const threshold = config.failureThreshold ?? args.level;
  const failing = threshold === "none" || config.noFail ? [] : reported.filter((f) => atLeast(f.severity, threshold));
  if (failing.length > 0) {
    throw new CheckFailedError(
      `${failing.length} lint finding(s)`,
      "each finding says what to change; for a rule that does not fit: ignored: in .hadolint.yaml, or # hadolint ignore=CODE above the instruction",
    );
  }
}

function workspaceRootOf(cwd: string): string | undefined {
  try {
    return findWorkspaceRoot(cwd);
  } catch {
    return undefined;
  }
}

function relative(file: string): string {
  return path.relative(process.cwd(), file);
}
