import { z } from "zod";

/**
 * The subset of buildx's --metadata-file kiln relies on. buildx writes more keys (provenance,
 * warnings, the builder ref); we validate only what we read so new keys never break a build.
 */
const buildxMetadataSchema = z.looseObject({
  "containerimage.digest": z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/)
    .optional(),
  "containerimage.config.digest": z.string().optional(),
  "image.name": z.string().optional(),
  "buildx.build.ref": z.string().optional(),
});
export type BuildxMetadata = z.output<typeof buildxMetadataSchema>;

/**
 * Where a build put its image, so that whoever needs it later (a child build, `kiln test`, another
 * machine after a Turborepo cache hit) looks there and rebuilds or pulls when it is gone.
 */
export type BuildLocation =
  | { kind: "local-store"; reference: string } // the engine's image store, under this tag
  | { kind: "registry"; repository: string } // `<repository>@<digest>`
  | { kind: "oci-layout"; path: string }
  | { kind: "none" }; // cache-only: nothing was kept

/** What kiln records of a build in images/<name>/dist/build.json. */
export interface BuildRecord {
  image: string;
  version: string;
  /** the image index digest (or manifest digest for one platform) */
  digest: string | undefined;
  platforms: string[];
  tags: string[];
  output: string;
  /** where the image is (records written before this field existed have none) */
  location?: BuildLocation;
  /**
   * per platform, for pushed images (read back from the registry): manifest digest, and the
   * compressed size (config and layers), which is what a pull downloads
   */
  manifests: { platform: string; digest: string; size?: number }[];
}

export function parseBuildxMetadata(text: string): BuildxMetadata | undefined {
  if (text.trim() === "" || text.trim() === "null") return undefined;
  const parsed = buildxMetadataSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}
