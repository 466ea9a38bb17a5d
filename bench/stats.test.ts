import { describe, expect, test } from "vitest";
import { summarize } from "./stats.js";
import { resultsTable } from "./table.js";

describe("bench statistics", () => {
  test("median of an odd and an even number of samples, and the spread relative to it", () => {
    expect(summarize([30, 10, 20])).toEqual({ runs: 3, median: 20, min: 10, max: 30, spread: 1, samples: [30, 10, 20] });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ median: 2.5, spread: 3 / 2.5 });
    expect(() => summarize([])).toThrow("no samples");
  });

  test("the table shows seconds or megabytes, ratios and unmet targets in bold", () => {
    const table = resultsTable([
      { scenario: "2 no-op", subject: "kiln", median: 1234, spread: 0.1, unit: "ms", ratio: 0.25, target: "≤ 0.3×", met: true },
      { scenario: "6 size", subject: "x linux/amd64", median: 52_400_000, unit: "bytes", ratio: 1.2, target: "≤ naive", met: false },
    ]);
    expect(table).toContain("| 2 no-op | kiln | 1.23 s | 10% | 0.25× | ≤ 0.3× | yes |  |");
    expect(table).toContain("| 6 size | x linux/amd64 | 52.4 MB |  | 1.20× | ≤ naive | **no** |  |");
  });

  test("rows go in scenario number order, whatever order the scenarios ran in", () => {
    const table = resultsTable([
      { scenario: "6 size", subject: "a", median: 1, unit: "bytes" },
      { scenario: "3 cold", subject: "b", median: 1, unit: "ms" },
      { scenario: "3 cold", subject: "c", median: 1, unit: "ms" },
      { scenario: "2 no-op", subject: "d", median: 1, unit: "ms" },
    ]);
    expect(
      table
        .split("\n")
        .slice(2, 6)
        .map((line) => line.split(" | ")[1]),
    ).toEqual(["d", "b", "c", "a"]);
  });
});
