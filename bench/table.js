/**
 * The Markdown table `pnpm bench` prints and writes: medians, spreads, ratios, targets. Rows go
 * in scenario number order (scenarios run in another order; see scenarios.js).
 */
export function resultsTable(rows) {
  const lines = ["| scenario | subject | median | spread | ratio | target | met | note |", "|---|---|---:|---:|---:|---|---|---|"];
  const number = (row) => Number.parseInt(row.scenario, 10);
  for (const row of [...rows].sort((a, b) => number(a) - number(b))) {
    const median = row.unit === "bytes" ? `${(row.median / 1e6).toFixed(1)} MB` : `${(row.median / 1000).toFixed(2)} s`;
    const spread = row.spread === undefined ? "" : `${(row.spread * 100).toFixed(0)}%`;
    const ratio = row.ratio === undefined ? "" : `${row.ratio.toFixed(2)}×`;
    const met = row.met === undefined ? "" : row.met ? "yes" : "**no**";
    lines.push(
      `| ${row.scenario} | ${row.subject} | ${median} | ${spread} | ${ratio} | ${row.target ?? ""} | ${met} | ${row.note ?? ""} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
