/**
 * The buildx builder every kiln command drives: `--builder` first, then BUILDX_BUILDER (the
 * variable buildx itself reads), else undefined for buildx's current builder. kiln passes the
 * chosen name to buildx explicitly, so what --dry-run prints names the builder that runs.
 */
export function chosenBuilder(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = flag?.trim() || env.BUILDX_BUILDER?.trim();
  return name ? name : undefined;
}

/** `--builder NAME` for a buildx argv, or nothing for the current builder. */
export function builderArgs(builder: string | undefined): string[] {
  return builder ? ["--builder", builder] : [];
}
