import { stagingReference, type BuildPlan } from "@kiln/core";
import { untagImage } from "@kiln/engine";

/**
 * Runs a push and then removes the staging tag it left in the engine's image store, whether the
 * push succeeded, failed or was interrupted (SIGINT and SIGTERM unwind through here). The docker
 * driver stores what it pushes under the staging reference, and without this every push and
 * release left one more `<registry>/kiln-staging/<image>:<version>-<sha7>` behind. Only that tag
 * goes: the same image under the user's own names stays, and a push that never got as far as
 * storing the image has nothing to remove. The tag is kept until `push` returns because the SBOMs
 * are read from it. A removal the engine refuses (a container uses the image) is reported, not an
 * error: the image is in the registry either way.
 */
export async function withStagingTagRemoved<T>(build: BuildPlan, push: () => Promise<T>, log: (text: string) => void): Promise<T> {
  const reference = stagingReference(build);
  if (reference === undefined) return push();
  try {
    return await push();
  } finally {
    await untagImage(reference).then(
      (outcome) => {
        if (outcome === "untagged") log(`removed the local staging tag ${reference}`);
      },
      (error: unknown) =>
        log(`kept the local staging tag ${reference}: ${(error as Error).message}; docker image rm ${reference} removes it`),
    );
  }
}
