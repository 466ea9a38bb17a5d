/**
 * Every failure kiln expects is one of these classes. Each carries a stable string `code`, the
 * process exit code the CLI should use, and a `hint` that tells the user how to fix it. The CLI
 * catches once at the top (packages/cli/src/cli.ts) and prints `message` then `hint`.
 *
 * Exit codes (documented in the README, "Exit codes"):
 *   1  a check failed (lint findings, synth --check drift, image tests, doctor problems)
 *   2  bad input: an image definition, a flag, a config file
 *   3  no container engine while one is required (--require-engine / KILN_REQUIRE_ENGINE=1, or under Turborepo)
 *   4  an external tool failed (buildx, the registry, shellcheck)
 *   130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM
 */
export abstract class KilnError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** An image definition, config file or flag is wrong. The message names file and field. */
export class DefinitionError extends KilnError {
  readonly code = "KILN_DEFINITION";
  readonly exitCode = 2;
}

/** A command-line usage problem that yargs cannot catch (unknown image name, bad combination). */
export class UsageError extends KilnError {
  readonly code = "KILN_USAGE";
  readonly exitCode = 2;
}

/** A check ran and found problems; the findings were already printed. */
export class CheckFailedError extends KilnError {
  readonly code = "KILN_CHECK_FAILED";
  readonly exitCode = 1;
}

/** The container engine is unreachable and the caller required it. */
export class EngineUnavailableError extends KilnError {
  readonly code = "KILN_NO_ENGINE";
  readonly exitCode = 3;
}

/** An external program (docker buildx, shellcheck, the registry) failed. */
export class ToolError extends KilnError {
  readonly code: string;
  readonly exitCode = 4;

  constructor(code: string, message: string, hint?: string) {
    super(message, hint);
    this.code = code;
  }
}

/**
 * A signal stopped the command: SIGINT (Ctrl-C) exits 130, SIGTERM 143, as a shell reports a
 * process killed by it. Whatever was started was stopped and cleaned up; no file is half-written.
 */
export class InterruptedError extends KilnError {
  readonly code = "KILN_INTERRUPTED";
  readonly exitCode: number;

  constructor(readonly signalName: "SIGINT" | "SIGTERM" = "SIGINT") {
    super(`interrupted by ${signalName}`);
    this.exitCode = signalName === "SIGTERM" ? 143 : 130;
  }
}

export function isKilnError(error: unknown): error is KilnError {
  return error instanceof KilnError;
}
