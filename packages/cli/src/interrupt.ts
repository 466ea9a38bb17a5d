/**
 * SIGINT and SIGTERM, for every command. The first signal aborts the command's AbortSignal (its
 * reason is the signal's name): children such as buildx get it through the exec seam, kiln test
 * removes its containers, synth and lint stop at the next file. The command then unwinds and kiln
 * exits 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once, for a command stuck in a
 * child that ignores the first.
 *
 * The handlers stay installed until the process exits: removing them when the command returns
 * would let a signal that arrives in the last moments kill kiln with the default action, or be lost.
 */
export function listenForInterrupts(): AbortController {
  const interrupt = new AbortController();
  for (const signalName of ["SIGINT", "SIGTERM"] as const) {
    process.on(signalName, () => {
      const exitCode = signalName === "SIGTERM" ? 143 : 130;
      if (interrupt.signal.aborted) process.exit(exitCode);
      process.stderr.write(`\nkiln: interrupted (${signalName}); stopping\n`);
      process.exitCode = exitCode;
      interrupt.abort(signalName);
    });
  }
  return interrupt;
}

/** The exit code for a command that returned after the signal was raised. */
export function interruptedExitCode(signal: AbortSignal): number | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === "SIGTERM" ? 143 : 130;
}
