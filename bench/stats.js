/**
 * Median and spread of a scenario's samples. The spread is (max - min) / median: a bench whose
 * spread is larger than the gap between two subjects says nothing about which is faster. The
 * samples themselves come back too, in the order they were taken, so a result file shows which
 * sample was the slow one (the first? one after another subject?).
 */
export function summarize(samples) {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  return { runs: samples.length, median, min, max, spread: median === 0 ? 0 : (max - min) / median, samples: [...samples] };
}
