import { loadKilnConfig, type KilnConfig } from "@kiln/core";
import { resolveMirrorProfile, type ResolvedMirror } from "@kiln/mirror";

/** The active mirror profile: --mirror, else KILN_MIRROR, else kiln.config.ts, else none. */
export async function activeMirror(root: string, flag: string | undefined, config?: KilnConfig): Promise<ResolvedMirror | undefined> {
  const settings = config ?? (await loadKilnConfig(root));
  return resolveMirrorProfile({
    flag,
    env: process.env.KILN_MIRROR,
    config: settings.mirror as Parameters<typeof resolveMirrorProfile>[0]["config"],
  });
}
