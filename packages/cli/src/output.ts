/** Where kiln prints. Data goes to stdout (so `--json` pipes cleanly); progress and advice to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ""): void {
  process.stdout.write(`${text}\n`);
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
