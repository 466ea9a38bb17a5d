import path from "node:path";
import { z } from "zod";

/**
 * One platform of an image, pushed by digest (no tag) by `kiln build --push-by-digest`, written to
 * `dist/digests/<os>-<arch>[-<variant>].json`. CI passes these files on as artifacts from each
 * platform's job to the job that runs `kiln merge`.
 */
export const platformDigestSchema = z.strictObject({
  image: z.string().min(1),
  version: z.string().min(1),
  platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/),
  /** the pushed manifest (or index, with its attestations) */
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
  /** `<registry>/<image>`: where the digest is */
  repository: z.string().min(1),
  /** the git commit that was built; merge refuses digests of different commits */
  commit: z.string().regex(/^[0-9a-f]{7,64}$/),
});
export type PlatformDigest = z.output<typeof platformDigestSchema>;

/** `linux/arm64` → `linux-arm64.json` */
export function platformDigestFileName(platform: string): string {
  return `${platform.replaceAll("/", "-")}.json`;
}

/** Where an image's per-platform digest files are. */
export function platformDigestDir(imageDir: string): string {
  return path.join(imageDir, "dist", "digests");
}
