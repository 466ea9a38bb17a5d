import { InterruptedError } from "../errors.js";

/**
 * A point between two units of work (images, files) where a signal can stop the command. Node
 * runs signal handlers only from the event loop, and loading or rendering hundreds of images is
 * otherwise one synchronous stretch: a Ctrl-C would wait for all of it. So this first yields to
 * the event loop, then throws when the signal was raised, before the next unit starts.
 */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfInterrupted(signal);
}

/** Throws the InterruptedError the signal's reason names (the CLI aborts with "SIGINT" or "SIGTERM"). */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw new InterruptedError(signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT");
}
