import { execute } from "../exec/exec.js";
import { runScript, type DockerfileAst } from "./parse.js";
import type { RuleFinding } from "./rules.js";

interface ShellcheckComment {
  line: number;
  code: number;
  level: "error" | "warning" | "info" | "style";
  message: string;
  fix?: unknown;
}

/** Whether the shellcheck binary is on PATH. */
export async function shellcheckAvailable(): Promise<boolean> {
  const result = await execute({ command: "shellcheck", args: ["--version"] }).catch(() => undefined);
  return result?.exitCode === 0;
}

/**
 * Runs shellcheck on each shell-form RUN script, in the dialect the stage's SHELL gives
 * (bash for /bin/bash, else POSIX sh), and reports findings at the RUN's line.
 */
export async function shellcheckFindings(ast: DockerfileAst): Promise<(RuleFinding & { id: string; severity: "error" | "warning" | "info" })[]> {
  const findings: (RuleFinding & { id: string; severity: "error" | "warning" | "info" })[] = [];
  for (const run of ast.instructions.filter((i) => i.keyword === "RUN")) {
    const script = runScript(run);
    if (script === undefined || script.trim() === "") continue;
    const shell = ast.instructions.filter((i) => i.keyword === "SHELL" && i.stage === run.stage && i.line < run.line).at(-1);
    const dialect = shell?.json?.[0]?.endsWith("bash") ? "bash" : "sh";
    // Build args and ENV are set at run time: SC2154 (referenced but not assigned) is noise here.
    const result = await execute(
      { command: "shellcheck", args: ["--shell", dialect, "--format", "json1", "--exclude", "SC2154", "-"] },
      { input: script },
    );
    if (result.stdout.trim() === "") continue;
    const parsed = JSON.parse(result.stdout) as { comments: ShellcheckComment[] };
    for (const comment of parsed.comments) {
      findings.push({
        id: `SC${comment.code}`,
        // shellcheck's "info" holds the quoting rules (SC2086) that break builds: report them.
        severity: comment.level === "error" ? "error" : comment.level === "style" ? "info" : "warning",
        line: run.line,
        message: `script line ${comment.line}: ${comment.message}`,
        fix: `see https://www.shellcheck.net/wiki/SC${comment.code}`,
      });
    }
  }
  return findings;
}
