import { ToolError } from "@kiln/core";
import { execute } from "@kiln/core";

/** The tag changesets uses for a private package's version, and kiln for an image release. */
export function releaseTagName(image: string, version: string): string {
  return `${image}@${version}`;
}

/** Every `<image>@<version>` tag in the repository. */
export async function releaseTags(root: string): Promise<Set<string>> {
  const result = await execute({ command: "git", args: ["tag", "--list", "*@*"] }, { cwd: root });
  if (result.exitCode !== 0) {
    throw new ToolError(
      "KILN_GIT",
      `cannot list git tags: ${result.stderr.trim()}`,
      "kiln release runs in a git checkout of the repository",
    );
  }
  return new Set(
    result.stdout
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

/**
 * Creates the annotated tag for a released version (annotated, so `git push --follow-tags`
 * carries it). Without a configured committer, kiln signs as "kiln" rather than failing after a
 * successful push.
 */
export async function createReleaseTag(root: string, image: string, version: string): Promise<void> {
  const tag = releaseTagName(image, version);
  const email = await execute({ command: "git", args: ["config", "user.email"] }, { cwd: root });
  const identity = email.exitCode === 0 && email.stdout.trim() !== "" ? [] : ["-c", "user.name=kiln", "-c", "user.email=kiln@localhost"];
  const result = await execute({ command: "git", args: [...identity, "tag", "-a", tag, "-m", tag] }, { cwd: root });
  if (result.exitCode !== 0 && !/already exists/.test(result.stderr)) {
    throw new ToolError(
      "KILN_GIT",
      `cannot create git tag ${tag}: ${result.stderr.trim()}`,
      "create it by hand: git tag -a " + tag + " -m " + tag,
    );
  }
}
