/** Where kiln prints. Data goes to stdout (so `--json` pipes cleanly); progress and advice to stderr. */
export function printJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ""): void {
  writeStdout(`${text}\n`);
}

/**
 * A reader that stops early (`kiln build --dry-run | head -1`) closes the pipe, and the next write
 * fails with EPIPE, which Node raises as an unhandled 'error' event: a crash with a stack trace.
 * The reader has what it wanted, so kiln stops printing data and finishes the command as it
 * would have (a build still records its result and cleans up), with its own exit code.
 */
let stdoutOpen = true;

function writeStdout(text: string): void {
  if (!stdoutOpen) return;
  if (!process.stdout.listeners("error").includes(onStdoutError)) process.stdout.on("error", onStdoutError);
  process.stdout.write(text);
}

function onStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
  stdoutOpen = false;
}

/** One line per image and phase, e.g. "kiln ▸ alpine-nginx ▸ synth: unchanged". */
export function note(image: string | undefined, phase: string, text: string): void {
  process.stderr.write(`kiln ▸ ${image ? `${image} ▸ ` : ""}${phase}: ${text}\n`);
}

/** A plain-text table with columns padded to the widest cell. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}
