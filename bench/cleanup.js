/**
 * Undo steps for what the bench changes outside its results (temp directories, a file of the
 * repository it edits): run when it ends, fails, or is stopped with Ctrl-C, so an interrupted
 * bench leaves the checkout as it found it. Each step is synchronous, as exit handlers must be.
 */
const steps = new Set();

process.on("exit", () => {
  for (const step of steps) step();
});
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

/** Registers `step`; the returned function runs it now and forgets it. */
export function atExit(step) {
  steps.add(step);
  return () => {
    steps.delete(step);
    step();
  };
}
