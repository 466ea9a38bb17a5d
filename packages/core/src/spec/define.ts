import type { Feature } from "../feature/feature.js";
import type { ImageTestInput } from "./test-spec.js";
import type { z } from "zod";
import type { imageDataSchema } from "./schema.js";

/** What a user writes in images/<name>/image.ts. */
type StageInput = z.input<typeof imageDataSchema>["stages"] extends (infer S)[] | undefined ? S : never;

export type ImageInput = Omit<z.input<typeof imageDataSchema>, "tests" | "stages"> & {
  /** an image reference ("alpine:3.22") or another image's definition (imported from its package) */
  base: string | ImageDefinition;
  /** build stages; `from` may be another image of the workspace, as `base` may */
  stages?: (Omit<StageInput, "from"> & { from: string | ImageDefinition })[];
  features?: Feature[];
  tests?: ImageTestInput[];
};

/**
 * A definition is the user's input, kept as written. Validation happens when kiln loads the
 * workspace, one file at a time, so an error names the file it comes from even when the
 * definition is imported by a child image.
 */
export interface ImageDefinition {
  readonly kind: "kiln.image";
  readonly input: ImageInput;
}

export function defineImage(input: ImageInput): ImageDefinition {
  return { kind: "kiln.image", input };
}

export function isImageDefinition(value: unknown): value is ImageDefinition {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "kiln.image" &&
    typeof (value as { input?: unknown }).input === "object"
  );
}
