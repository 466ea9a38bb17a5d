import type { Feature } from "../feature/feature.js";
import type { ImageTestInput } from "./test-spec.js";
import type { z } from "zod";
import type { imageDataSchema } from "./schema.js";

/** The data fields of a definition, as `defineImage()` takes them (see ImageInput for the rest). */
export type ImageFields = z.input<typeof imageDataSchema>;

type StageInput = ImageFields["stages"] extends (infer S)[] | undefined ? S : never;

/**
 * What a user writes in images/<name>/image.ts: the fields of {@link ImageFields}, with `base`,
 * `stages`, `features` and `tests`.
 *
 * @example
 * ```ts
 * import { defineImage, nginx } from "@kiln/core";
 * import debianBase from "debian-base/image";
 *
 * export default defineImage({
 *   name: "my-site",
 *   description: "my site on nginx",
 *   base: debianBase,
 *   features: [nginx({ port: 8080 })],
 *   files: [{ src: "index.html", dest: "/data/html/index.html", mode: "0644" }],
 *   user: "www-data",
 * });
 * ```
 */
export type ImageInput = Omit<ImageFields, "tests" | "stages"> & {
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
