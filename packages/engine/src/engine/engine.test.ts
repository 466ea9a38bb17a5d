import { expect, test } from "vitest";
import { untagImage } from "./engine.js";

// Refused before any engine is asked: the engine's image delete given an ID or a digest removes
// the image under every name it has, the user's own tags among them.
test.each([
  ["an image ID", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
  ["a digest reference", "127.0.0.1:5000/kiln/debian-base@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
  ["a name with no tag", "127.0.0.1:5000/kiln/debian-base"],
])("untagImage refuses %s: it would not name one tag", async (_what, reference) => {
  await expect(untagImage(reference)).rejects.toThrow(/untagging needs repository:tag/);
});
