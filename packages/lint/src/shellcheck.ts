import { execFile, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { keyValuePairs, type Dockerfile, type Instruction } from "./dockerfile.js";
import type { Severity } from "./rules/rule.js";
import { shellsInEffect, type RuleContext } from "./rules/rule.js";

export interface ScriptFinding {
  code: string;
  severity: Severity;
  line: number;
  column: number;
  message: string;
}

interface ShellcheckComment {
  line: number;
  column: number;
  level: "error" | "warning" | "info" | "style";
  code: number;
  message: string;
}

/** SC1090/SC1091 need a `# shellcheck source=` directive a Dockerfile cannot give; SC2187: ash is fine. */
const excluded = ["SC1090", "SC1091", "SC2187"];
/** Proxy variables the builder always passes, as if declared. */
const predefined = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy"];

let available: Promise<boolean> | undefined;
/** Whether the shellcheck binary is on PATH (asked once per process). */
export function shellcheckAvailable(): Promise<boolean> {
  available ??= new Promise((resolve) => execFile("shellcheck", ["--version"], (error) => resolve(!error)));
  return available;
}

/** Limits how many shellcheck processes run at once, across every file of one lint run. */
export class ProcessPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size = availableParallelism()) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * shellcheck on every shell RUN script (not exec form, not pwsh/cmd stages, not heredocs with
 * another language's shebang), in the dialect of the stage's SHELL, with the ARG and ENV names
 * declared so far defined. Findings keep shellcheck's severity and land on the Dockerfile line
 * and column of the script text they point at. A script that takes longer than `timeoutMs` is
 * reported (KL004) instead of holding up the run.
 */
export async function shellcheckFindings(context: RuleContext, pool: ProcessPool, timeoutMs: number): Promise<ScriptFinding[]> {
  const { dockerfile } = context;
  const shells = shellsInEffect(dockerfile);
  const declared = declaredNames(dockerfile);
  const jobs = dockerfile.instructions
    .filter((run) => run.keyword === "RUN" && run.script && run.script.form !== "exec" && context.shell(run) !== undefined)
    .map((run) => pool.run(() => checkRun(run, dialectOf(run, shells.get(run)), declared.get(run) ?? [], timeoutMs)));
  return (await Promise.all(jobs)).flat();
}

/**
 * shellcheck's dialect for a RUN: bash or ksh when SHELL (or the heredoc's shebang) names them,
 * else dash. A RUN's /bin/sh is the image's: dash on Debian and Ubuntu, BusyBox ash on Alpine,
 * both Almquist shells with `local`; checked as strict POSIX sh, every function's `local` would
 * be reported although no Linux base image's /bin/sh lacks it.
 */
function dialectOf(run: Instruction, shell: string[] | undefined): string {
  const shebang = run.script?.form === "heredoc" ? /^#!\s*(\S+)(?:\s+(\S+))?/.exec(run.script.text) : null;
  const program = shebang ? (shebang[1]?.endsWith("/env") ? shebang[2] : shebang[1]) : shell?.[0];
  const name = program?.split("/").at(-1) ?? "sh";
  return ["bash", "ksh"].includes(name) ? name : "dash";
}

/** ARG and ENV names declared before each RUN (global ARGs, then its stage's). */
function declaredNames(dockerfile: Dockerfile): Map<Instruction, string[]> {
  const result = new Map<Instruction, string[]>();
  const names = new Set<string>(predefined);
  for (const instruction of dockerfile.instructions) {
    if (instruction.keyword === "ARG" || instruction.keyword === "ENV")
      for (const { key } of keyValuePairs(instruction)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) names.add(key);
    if (instruction.keyword === "RUN") result.set(instruction, [...names]);
  }
  return result;
}

async function checkRun(run: Instruction, dialect: string, names: string[], timeoutMs: number): Promise<ScriptFinding[]> {
  const script = run.script as NonNullable<Instruction["script"]>;
  const prelude = names.map((name) => `export ${name}=1`);
  const input = `${[...prelude, script.text].join("\n")}\n`;
  const result = await runShellcheck(
    ["--shell", dialect, "--format", "json1", "--severity", "style", "--exclude", excluded.join(","), "-"],
    input,
    timeoutMs,
  );
  if (result === undefined) {
    return [
      {
        code: "KL004",
        severity: "warning",
        line: run.line,
        column: run.column,
        message: `shellcheck did not finish this RUN within ${timeoutMs / 1000} s: the script was not checked`,
      },
    ];
  }
  const comments = (JSON.parse(result || '{"comments":[]}') as { comments: ShellcheckComment[] }).comments;
  return comments.flatMap((comment) => {
    const origin = script.origins[comment.line - prelude.length - 1];
    if (!origin) return [];
    return [
      {
        code: `SC${comment.code}`,
        severity: comment.level,
        line: origin.line,
        column: origin.column + comment.column - 1,
        message: comment.message,
      },
    ];
  });
}

/** shellcheck's JSON output, or undefined when it ran out of time (and was killed). */
function runShellcheck(args: string[], input: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn("shellcheck", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(undefined);
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") return;
      // 0: clean, 1: findings; anything else is shellcheck failing.
      if (code === 0 || code === 1) resolve(stdout);
      else reject(new Error(`shellcheck exited ${code}: ${stderr.trim()}`));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}
