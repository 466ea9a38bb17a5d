import { describe, expect, test } from "vitest";
import { chosenRegistry } from "./config.js";

describe("which registry a command uses", () => {
  test.each([
    ["the flag wins over everything", "flag.example/a", "env.example/b", "config.example/c", "flag.example/a"],
    ["KILN_REGISTRY wins over kiln.config.ts", undefined, "env.example/b", "config.example/c", "env.example/b"],
    ["kiln.config.ts when nothing else says", undefined, undefined, "config.example/c", "config.example/c"],
    ["an empty KILN_REGISTRY is unset", undefined, "", "config.example/c", "config.example/c"],
    ["none at all", undefined, undefined, undefined, undefined],
  ])("%s", (_why, flag, env, config, expected) => {
    expect(chosenRegistry(flag, { registry: config }, env === undefined ? {} : { KILN_REGISTRY: env })).toBe(expected);
  });
});
