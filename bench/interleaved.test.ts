import { expect, test } from "vitest";
import { interleaved } from "./interleaved.js";

test("subjects take turns sample by sample, each round starting one subject further on", async () => {
  const order: string[] = [];
  const samples = await interleaved(3, ["a", "b", "c"], (subject: string, round: number) => {
    order.push(`${subject}${round}`);
    return Promise.resolve(order.length);
  });
  expect(order).toEqual(["a0", "b0", "c0", "b1", "c1", "a1", "c2", "a2", "b2"]);
  // Samples come back per subject, in the subjects' order, whatever order they ran in.
  expect(samples).toEqual([
    [1, 6, 8],
    [2, 4, 9],
    [3, 5, 7],
  ]);
});

test("two subjects alternate which one goes first", async () => {
  const order: string[] = [];
  await interleaved(4, ["amd64", "arm64"], (subject: string) => Promise.resolve(order.push(subject)));
  expect(order).toEqual(["amd64", "arm64", "arm64", "amd64", "amd64", "arm64", "arm64", "amd64"]);
});
