import { z } from "zod";
import { singleLine } from "./grammar.js";

/**
 * Checks an image (or a feature) declares about itself. `kiln test` runs every one of them against a
 * running container on each platform of the image. They are data so that features can contribute
 * them and the catalog can list them.
 */
const named = { name: singleLine().min(1) };

const commandTestSchema = z.strictObject({
  ...named,
  kind: z.literal("command"),
  /** argv run with `docker exec` in the running container */
  run: z.array(z.string()).min(1),
  user: z.string().optional(),
  exitCode: z.number().int().default(0),
  /** each string must appear in stdout */
  stdoutIncludes: z.array(z.string()).default([]),
  /** a regular expression (source text) stdout must match */
  stdoutMatches: z.string().optional(),
});

const fileTestSchema = z.strictObject({
  ...named,
  kind: z.literal("file"),
  path: z.string().startsWith("/"),
  exists: z.boolean().default(true),
  /** octal permission bits, e.g. "0440" */
  mode: z
    .string()
    .regex(/^0?[0-7]{3,4}$/)
    .optional(),
  owner: z.string().optional(),
  contains: z.array(z.string()).default([]),
  /** the file must be empty (for directories: contain no entries) */
  empty: z.boolean().optional(),
});

const metadataTestSchema = z.strictObject({
  ...named,
  kind: z.literal("metadata"),
  user: z.string().optional(),
  entrypoint: z.array(z.string()).optional(),
  cmd: z.array(z.string()).optional(),
  exposedPorts: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  stopSignal: z.string().optional(),
});

const httpTestSchema = z.strictObject({
  ...named,
  kind: z.literal("http"),
  port: z.number().int().min(1).max(65535),
  path: z.string().startsWith("/").default("/"),
  status: z.number().int().default(200),
  bodyIncludes: z.array(z.string()).default([]),
});

const healthTestSchema = z.strictObject({
  ...named,
  kind: z.literal("health"),
  /** how long to wait for "healthy" */
  timeoutSeconds: z.number().positive().default(60),
});

const stopTestSchema = z.strictObject({
  ...named,
  kind: z.literal("stop"),
  /** `docker stop` must return within this many seconds, without SIGKILL */
  maxSeconds: z.number().positive().default(3),
});

const zombieTestSchema = z.strictObject({
  ...named,
  kind: z.literal("zombies"),
  /** orphans created in the container must be reaped within this many seconds */
  withinSeconds: z.number().positive().default(3),
});

export const imageTestSchema = z.discriminatedUnion("kind", [
  commandTestSchema,
  fileTestSchema,
  metadataTestSchema,
  httpTestSchema,
  healthTestSchema,
  stopTestSchema,
  zombieTestSchema,
]);

export type ImageTestInput = z.input<typeof imageTestSchema>;
export type ImageTest = z.output<typeof imageTestSchema>;
