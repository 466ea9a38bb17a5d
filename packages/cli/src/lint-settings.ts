import { existsSync } from "node:fs";
import { UsageError, featureContextName, type ResolvedImage } from "@kiln/core";
import { defaultConfig, findConfigFile, loadConfig, LintInputError, type LintConfig } from "@kiln/lint";

/**
 * How kiln lints: the .hadolint.yaml given, else the one hadolint would find from the current
 * directory, else the workspace's (so `kiln lint` inside an image's directory keeps the
 * repository's settings). A config that is not valid is a usage error naming the file.
 */
export function lintConfig(file: string | undefined, workspaceRoot: string | undefined): LintConfig {
  const found = file ?? findConfigFile(process.cwd()) ?? (workspaceRoot ? findConfigFile(workspaceRoot) : undefined);
  if (!found) return defaultConfig;
  if (!existsSync(found)) throw new UsageError(`--config ${found}: no such file`, "pass the path of a .hadolint.yaml");
  try {
    return loadConfig(found);
  } catch (error) {
    if (error instanceof LintInputError) throw new UsageError(error.message, error.hint);
    throw error;
  }
}

/** The named build contexts kiln build passes for an image's feature files (COPY --from=kiln-feature-…). */
export function imageBuildContexts(image: ResolvedImage): string[] {
  return [...new Set(image.featureFiles.map((file) => featureContextName(file.feature)))];
}

/**
 * kiln's images pin their base image by digest (kiln lock, build --locked) rather than every
 * distro package, by design: for their Dockerfiles an unpinned apt or apk package is info, not a
 * warning. A .hadolint.yaml that names DL3008 or DL3018 itself decides instead.
 */
export function forKilnImages(config: LintConfig): LintConfig {
  const named = new Set([...config.ignored, ...Object.values(config.override).flat()]);
  const relaxed = ["DL3008", "DL3018"].filter((code) => !named.has(code));
  return { ...config, override: { ...config.override, info: [...(config.override.info ?? []), ...relaxed] } };
}
