import { defineFeature, envSchema, shellQuote, DefinitionError, type Feature } from "@kiln/core";

/** phusion's central place for the environment: one file per variable, read by my_init at every start. */
export const containerEnvironmentDirectory = "/etc/container_environment";

/**
 * The lines that write build-time variables to /etc/container_environment, where my_init imports
 * them before the startup scripts and services run (ENV and docker run -e still win). Each file
 * ends in a newline, which my_init drops, as phusion's `echo value > FILE` idiom expects.
 */
export function containerEnvironmentScript(env: Record<string, string>): string[] {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DefinitionError(
      `init: env: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
      "name variables like MY_NAME and keep secrets out of the image",
    );
  }
  return Object.entries(parsed.data)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `printf '%s\\n' ${shellQuote(value)} > ${containerEnvironmentDirectory}/${name}`);
}

/**
 * Build-time environment for an image built on an init image, without applying init() again:
 * every startup script and service sees it, and `docker run -e` overrides it.
 */
export function containerEnvironment(env: Record<string, string>): Feature {
  return defineFeature("init-environment", () => ({
    steps: [{ why: "init: build-time environment, imported by my_init at every start", run: containerEnvironmentScript(env).join("\n") }],
  }));
}
