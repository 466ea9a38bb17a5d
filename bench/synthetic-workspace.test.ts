import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { loadWorkspace } from "@kiln/core";
import { syntheticWorkspace } from "./synthetic-workspace.js";

test("the synthetic workspace has the asked number of images, and kiln loads and orders all of them", async () => {
  const root = syntheticWorkspace(60);
  try {
    expect(readdirSync(path.join(root, "images"))).toHaveLength(60);
    const workspace = await loadWorkspace(root);
    expect(workspace.images).toHaveLength(60);
    const names = workspace.images.map((image) => image.pkg.name);
    // Parents come before children: a leaf's chain precedes it.
    expect(names.indexOf("chain-0-1")).toBeLessThan(names.indexOf("chain-0-2"));
    expect(names.indexOf("root-0")).toBeLessThan(names.indexOf("chain-0-1"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
