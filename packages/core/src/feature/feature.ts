import { z } from "zod";
import type { DistroAdapter } from "../distro/distro.js";
import {
  buildArgNameSchema,
  envSchema,
  groupSchema,
  healthcheckSchema,
  portSchema,
  runtimeEnvSchema,
  stepSchema,
  userSchema,
} from "../spec/schema.js";
import {
  absolutePathSchema,
  argumentText,
  labelKeySchema,
  posixNameSchema,
  packageNameSchema,
  relativePathSchema,
  singleLine,
} from "../spec/grammar.js";
import { imageTestSchema } from "../spec/test-spec.js";

/**
 * A feature is a composable unit of an image (projen's components): it contributes packages,
 * users, files, build steps, entrypoint fragments and tests. Features are plain objects, so a
 * helper package such as @kiln/ssh exports a function that returns one.
 */
export interface Feature {
  readonly kind: "kiln.feature";
  /** stable id, e.g. "tini", "ssh"; two features with one name in an image is an error */
  readonly name: string;
  /**
   * The options as the image wrote them and the schema that checks them. kiln checks them when it
   * loads the definition, so `nginx({ prot: 80 })` is an error naming the file, not a silent default.
   */
  readonly options?: { readonly value: unknown; readonly schema: z.ZodType };
  /** `options` is the checked value of `options.value` (undefined for a feature without options) */
  contribute(context: FeatureContext, options?: unknown): FeatureContributionInput;
}

export interface FeatureContext {
  /** the adapter of the image's distro: package names, paths and shell differ per distro */
  distro: DistroAdapter;
  imageName: string;
}

/** Files shipped inside a feature package, copied with `COPY --from=<context>`. */
export const featureFileSchema = z.strictObject({
  /** absolute directory on disk; becomes the named build context `kiln-feature-<feature name>` */
  contextDir: singleLine().startsWith("/"),
  src: relativePathSchema,
  dest: absolutePathSchema,
  mode: z
    .string()
    .regex(/^0?[0-7]{3,4}$/)
    .optional(),
});
export type FeatureFile = z.output<typeof featureFileSchema>;

/**
 * An entrypoint fragment. The image's ENTRYPOINT is: the init (one only: the image's own
 * feature, else the parent's), then wrappers in feature order, then the image's `entrypoint`.
 */
const entrypointFragmentSchema = z.strictObject({
  role: z.enum(["init", "wrapper"]),
  argv: z.array(argumentText).min(1),
  /**
   * Other features' inits this one includes, so a child may swap them for it (init() runs tini
   * itself). Any other change of init across the image graph is an error naming both features.
   */
  replaces: z.array(z.string()).default([]),
});

export const featureContributionSchema = z.strictObject({
  packages: z.array(packageNameSchema).default([]),
  buildPackages: z.array(packageNameSchema).default([]),
  groups: z.array(groupSchema).default([]),
  users: z.array(userSchema).default([]),
  files: z.array(featureFileSchema).default([]),
  steps: z.array(stepSchema).default([]),
  env: envSchema.default({}),
  buildArgs: z.record(buildArgNameSchema, singleLine()).default({}),
  testEnv: z.record(z.string(), z.string()).default({}),
  /** the variables the feature's scripts read at run time, documented once here */
  runtimeEnv: runtimeEnvSchema.default({}),
  entrypoint: entrypointFragmentSchema.optional(),
  cmd: z.array(argumentText).optional(),
  ports: z.array(portSchema).default([]),
  volumes: z.array(absolutePathSchema).default([]),
  healthcheck: healthcheckSchema.optional(),
  stopSignal: z
    .string()
    .regex(/^SIG[A-Z0-9]+$/)
    .optional(),
  labels: z.record(labelKeySchema, singleLine()).default({}),
  tests: z.array(imageTestSchema).default([]),
  /** users the feature works with but does not create (ssh's login user): the image or a parent must declare them */
  needsUsers: z.array(posixNameSchema).default([]),
});
export type FeatureContributionInput = z.input<typeof featureContributionSchema>;
export type FeatureContribution = z.output<typeof featureContributionSchema>;

/**
 * Builds a feature object; the contribution is validated when the image is resolved. A feature
 * with options passes them with their schema (a `z.strictObject`, so a misspelt option is an
 * error), and `contribute` receives the checked value.
 *
 * @example
 * ```ts
 * const motdSchema = z.strictObject({ text: z.string().min(1) });
 * export function motd(options: { text: string }): Feature {
 *   return defineFeature("motd", { schema: motdSchema, value: options }, (_context, checked) => ({
 *     steps: [{ run: `printf '%s\\n' ${JSON.stringify(checked.text)} > /etc/motd` }],
 *   }));
 * }
 * ```
 */
export function defineFeature(name: string, contribute: (context: FeatureContext) => FeatureContributionInput): Feature;
export function defineFeature<S extends z.ZodType>(
  name: string,
  options: { schema: S; value: z.input<S> | undefined },
  contribute: (context: FeatureContext, options: z.output<S>) => FeatureContributionInput,
): Feature;
export function defineFeature(
  name: string,
  optionsOrContribute: { schema: z.ZodType; value: unknown } | ((context: FeatureContext) => FeatureContributionInput),
  contribute?: (context: FeatureContext, options: unknown) => FeatureContributionInput,
): Feature {
  if (typeof optionsOrContribute === "function") return { kind: "kiln.feature", name, contribute: optionsOrContribute };
  const { schema, value } = optionsOrContribute;
  return {
    kind: "kiln.feature",
    name,
    options: { value, schema },
    contribute: (context, options) =>
      (contribute as NonNullable<typeof contribute>)(context, options === undefined ? schema.parse(value ?? {}) : options),
  };
}

export function isFeature(value: unknown): value is Feature {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "kiln.feature" &&
    typeof (value as { contribute?: unknown }).contribute === "function"
  );
}
