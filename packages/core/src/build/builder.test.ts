import { describe, expect, test } from "vitest";
import { builderArgs, chosenBuilder } from "./builder.js";

describe("chosenBuilder: --builder, then BUILDX_BUILDER, else buildx's current builder", () => {
  test.each([
    ["flag wins over the variable", "arm-nodes", { BUILDX_BUILDER: "ci" }, "arm-nodes"],
    ["the variable without a flag", undefined, { BUILDX_BUILDER: "ci" }, "ci"],
    ["neither", undefined, {}, undefined],
    ["an empty flag falls back to the variable", "", { BUILDX_BUILDER: "ci" }, "ci"],
    ["an empty variable is none", undefined, { BUILDX_BUILDER: " " }, undefined],
  ])("%s", (_why, flag, env, expected) => {
    expect(chosenBuilder(flag, env)).toBe(expected);
  });
});

test.each([
  ["arm-nodes", ["--builder", "arm-nodes"]],
  [undefined, []],
])("builderArgs(%s)", (builder, expected) => {
  expect(builderArgs(builder)).toEqual(expected);
});
