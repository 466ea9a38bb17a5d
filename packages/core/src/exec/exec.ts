import { x } from "tinyexec";
import { shellQuote } from "../shell/shell-quote.js";

/**
 * The one process seam: every external program kiln runs (docker buildx, shellcheck, git) goes
 * through `execute`, so tests can spy on it and `--dry-run` can print the same `Command` instead.
 */
export interface Command {
  command: string;
  args: string[];
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Text written to the child's stdin. */
  input?: string;
  /** "inherit" streams the child's output to ours (BuildKit progress); "pipe" captures it. */
  stdio?: "pipe" | "inherit";
  /**
   * Aborting sends SIGTERM to the child's whole process group and resolves with its exit code
   * once it has exited. The group matters for `docker buildx`: the docker CLI runs buildx as a
   * plugin process of its own, which a signal to the CLI alone would leave running.
   */
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd`; never throws for a non-zero exit (callers map exit codes to errors themselves). */
export async function execute(cmd: Command, options: ExecOptions = {}): Promise<ExecResult> {
  const stdio = options.stdio ?? "pipe";
  const proc = x(cmd.command, cmd.args, {
    throwOnError: false,
    timeout: options.timeoutMs,
    nodeOptions: {
      // Its own process group, so that an abort reaches the child's children too (see `signal`).
      detached: options.signal !== undefined,
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      // stderr stays piped even when streaming so known buildx failures can be mapped to advice.
      stdio: stdio === "inherit" ? ["pipe", "inherit", "pipe"] : ["pipe", "pipe", "pipe"],
    },
  });
  if (options.input !== undefined) {
    proc.process?.stdin?.end(options.input);
  } else {
    proc.process?.stdin?.end();
  }
  if (stdio === "inherit") {
    proc.process?.stderr?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  }
  const stopGroup = () => {
    const pid = proc.process?.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // the group has already exited
      }
    }
  };
  if (options.signal?.aborted) stopGroup();
  options.signal?.addEventListener("abort", stopGroup, { once: true });
  try {
    const result = await proc;
    return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    options.signal?.removeEventListener("abort", stopGroup);
  }
}

/** The exact command line a user could paste into a shell. */
export function formatCommand(cmd: Command): string {
  return [cmd.command, ...cmd.args].map(shellQuote).join(" ");
}
