import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DefinitionError } from "../errors.js";
import { definitionErrorFromZod } from "../spec/validate.js";
import { createDefinitionLoader } from "../workspace/loader.js";

/** Repository-wide settings in kiln.config.ts at the workspace root. Every field is optional. */
export const kilnConfigSchema = z.strictObject({
  /** a mirror spec or profile (see @kiln/mirror); KILN_MIRROR and --mirror override it */
  mirror: z.unknown().optional(),
  /** default registry for --push and release, e.g. "ghcr.io/acme" */
  registry: z.string().min(1).optional(),
  /** registry cache ref for --cache-from/--cache-to */
  cache: z.string().min(1).optional(),
  /** repository URL for org.opencontainers.image.source */
  source: z.string().url().optional(),
});
export type KilnConfig = z.output<typeof kilnConfigSchema>;

export const configFileName = "kiln.config.ts";

export function defineConfig(config: KilnConfig): KilnConfig {
  return config;
}

export async function loadKilnConfig(root: string): Promise<KilnConfig> {
  const file = path.join(root, configFileName);
  if (!existsSync(file)) return {};
  const loaded = await createDefinitionLoader({}, "the configuration")(file, configFileName);
  if (typeof loaded !== "object" || loaded === null) {
    throw new DefinitionError(
      `${configFileName}: the default export is not an object`,
      `fix ${configFileName}: export default defineConfig({ … })`,
    );
  }
  const parsed = kilnConfigSchema.safeParse(loaded);
  if (!parsed.success) throw definitionErrorFromZod(configFileName, parsed.error, [], `fix the field in ${configFileName}`);
  return parsed.data;
}

/**
 * The registry a command pushes to or checks: `--registry` > `KILN_REGISTRY` > `registry` in
 * kiln.config.ts, the same order as the mirror's. Every command that takes a registry asks here.
 */
export function chosenRegistry(flag: string | undefined, config: KilnConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? (env.KILN_REGISTRY || undefined) ?? config.registry;
}
