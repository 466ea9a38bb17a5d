import { parseImageReference } from "@kiln/reference";
import { detectSecret } from "@kiln/secrets";
import { z } from "zod";
import { knownPlatforms, defaultPlatforms } from "./platform.js";
import { repositoriesSchema } from "./repository.js";
import { imageTestSchema } from "./test-spec.js";
import {
  absolutePathSchema,
  accountReferenceSchema,
  argumentText,
  labelKeySchema,
  maxNameLength,
  maxValueBytes,
  packageNameSchema,
  posixNameSchema,
  relativePathSchema,
  scriptText,
  singleLine,
} from "./grammar.js";

/**
 * Names that become package names, stage names and image repositories: lower-case kebab. At most
 * 128 characters, so registry, namespace and name stay inside the 255 that registries accept.
 */
export const imageNameSchema = z
  .string()
  .max(128, "at most 128 characters: with a registry and namespace in front, a repository name may not pass 255")
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'expected a lower-case name like "alpine-nginx" (letters, digits, . _ -)');

const posixName = posixNameSchema;

/** A reference to a published image, e.g. `alpine:3.22`, `ghcr.io/org/x:1@sha256:…`. */
export const imageReferenceSchema = z
  .string()
  .max(512, "longer than any registry accepts (a name of at most 255 characters, a tag of at most 128, a digest)")
  .superRefine((reference, context) => {
    try {
      parseImageReference(reference);
    } catch (error) {
      // The parser names the part that is wrong; the field's path comes from zod.
      const why = (error as Error).message.replace(/^image reference "[^]*?": /, "");
      context.addIssue({ code: "custom", message: `expected an image reference like "alpine:3.22" or "ghcr.io/org/image:1.0": ${why}` });
    }
  });

export const distroNameSchema = z.enum(["alpine", "debian", "ubuntu"]);
export type DistroName = z.infer<typeof distroNameSchema>;

export const platformSchema = z.enum(knownPlatforms, {
  error: (issue) => `unknown platform ${JSON.stringify(issue.input)}; expected one of ${knownPlatforms.join(", ")}`,
});

/** A build argument's name, as declared in `buildArgs`. */
export const buildArgNameSchema = z
  .string()
  .max(maxNameLength, `at most ${maxNameLength} characters`)
  .regex(/^[A-Z_][A-Z0-9_]*$/, "expected an upper-case build argument name like DEV_UID");

/**
 * A numeric id, or `$NAME` to take it from a build argument (declared in `buildArgs`), so one
 * Dockerfile builds for any host UID: `kiln build --build-arg DEV_UID=1234`.
 */
const accountId = z.union([
  z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  z.string().regex(/^\$[A-Z_][A-Z0-9_]*$/, 'expected a number, or "$NAME" naming a build argument'),
]);

/** An account id in a shell command: a build argument is quoted, so the script stays shellcheck-clean. */
export function shellId(id: number | string): string {
  return typeof id === "string" ? `"${id}"` : String(id);
}

export const userSchema = z.strictObject({
  name: posixName,
  uid: accountId.optional(),
  /** primary group name; created with the user's name when omitted */
  group: posixName.optional(),
  gid: accountId.optional(),
  home: absolutePathSchema.optional(),
  /** the login shell (default /bin/sh) */
  shell: absolutePathSchema.optional(),
  /** supplementary groups, which must exist (declare them in `groups`) */
  groups: z.array(posixName).default([]),
  /**
   * A login user gets `*` in /etc/shadow: no password, but not locked, so sshd accepts keys.
   * Alpine's `adduser -D` writes `!` (locked), which makes sshd refuse every key.
   */
  login: z.boolean().default(false),
  system: z.boolean().default(false),
});
export type UserSpec = z.output<typeof userSchema>;
export type UserInput = z.input<typeof userSchema>;

export const groupSchema = z.strictObject({
  name: posixName,
  gid: accountId.optional(),
  system: z.boolean().default(false),
});
export type GroupSpec = z.output<typeof groupSchema>;

const octalMode = z.string().regex(/^0?[0-7]{3,4}$/, 'expected an octal mode like "0644"');

export const fileSchema = z.strictObject({
  /** path under the image's files/ directory */
  src: relativePathSchema,
  dest: absolutePathSchema,
  mode: octalMode.optional(),
  owner: accountReferenceSchema.optional(),
});
export type FileSpec = z.output<typeof fileSchema>;

export const portSchema = z.union([
  z.number().int().min(1, "ports are 1 to 65535").max(65535, "ports are 1 to 65535"),
  z.strictObject({
    port: z.number().int().min(1, "ports are 1 to 65535").max(65535, "ports are 1 to 65535"),
    protocol: z.enum(["tcp", "udp"]).default("tcp"),
  }),
]);
export type PortInput = z.input<typeof portSchema>;

export const healthcheckSchema = z.strictObject({
  /** exec-form command; exit 0 means healthy */
  test: z.array(argumentText).min(1),
  intervalSeconds: z.number().positive().default(30),
  timeoutSeconds: z.number().positive().default(5),
  startPeriodSeconds: z.number().nonnegative().default(5),
  /** how often to probe during the start period (Dockerfile 1.6+, ignored by older engines) */
  startIntervalSeconds: z.number().positive().optional(),
  retries: z.number().int().positive().default(3),
});
export type Healthcheck = z.output<typeof healthcheckSchema>;

const envNameSchema = z
  .string()
  .max(maxNameLength, `at most ${maxNameLength} characters`)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name");

/** Values that look like credentials must never be baked into ENV (the detector kiln lint uses too). */
export const envSchema = z.record(envNameSchema, singleLine()).superRefine((env, ctx) => {
  for (const [name, value] of Object.entries(env)) {
    const secret = detectSecret(name, value);
    if (secret) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message:
          `looks like a secret (${secret.reason}): ENV values are visible in the image config to anyone who pulls it. ` +
          "Pass it at run time (docker run -e, or a *_FILE secret mount) and leave it out of the definition",
      });
    }
  }
});

/**
 * A variable the image's scripts read at run time (`docker run -e NAME=…`): declared where the
 * script ships (a feature, or the image), so the catalog lists it and `kiln lint` can check that
 * the image's README documents it. Never baked in: a default lives in `env` or in the script.
 */
export const runtimeVariableSchema = z.strictObject({
  /** what an unset variable means, in words ("unset (UTC)", "2222") */
  default: singleLine().optional(),
  description: singleLine().min(1, "say what the variable does"),
});
export type RuntimeVariable = z.output<typeof runtimeVariableSchema>;
export const runtimeEnvSchema = z.record(envNameSchema, runtimeVariableSchema);

/** A shell step run during the build; `phase` decides its layer position (see dockerfile/synthesize.ts). */
export const stepSchema = z.strictObject({
  /** shell script (POSIX sh on Alpine's ash; bash on Debian/Ubuntu); runs with `set -eu` */
  run: scriptText.min(1),
  /**
   * install: runs with the build-only packages present, in the same layer that removes them;
   * configure: after files are copied (the usual place for chmod, config checks);
   * app: after the application's code (`app`), in its directory, e.g. to compile it.
   */
  phase: z.enum(["install", "configure", "app"]).default("configure"),
  /** a short comment rendered above the RUN, saying why */
  why: singleLine().optional(),
  /**
   * The step downloads over HTTPS: its RUN mounts the mirror profile's CA bundle (ca=FILE, a
   * build secret) and Node trusts it, for networks whose proxy re-signs TLS.
   */
  buildCa: z.boolean().default(false),
});
export type Step = z.output<typeof stepSchema>;
export type StepInput = z.input<typeof stepSchema>;

/** What may follow a stage's FROM (ONBUILD and MAINTAINER are deprecated, and FROM is kiln's). */
const stageKeywords = [
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "HEALTHCHECK",
  "LABEL",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
];

/**
 * One instruction of a build stage. A line break must follow a backslash (a continuation), and the
 * last line must not end in one, so an entry can never become two instructions or swallow the
 * next; FROM is refused because the stage's own FROM is kiln's.
 */
function staysOneInstruction(text: string): boolean {
  const lines = text.split("\n");
  if (lines.length === 1) return true;
  // A heredoc opened at the end of the first line (RUN <<'EOF') and closed by the last line alone.
  const heredoc = /<<(-?)(["']?)([A-Za-z0-9_.-]+)\2$/.exec(lines[0] ?? "");
  if (heredoc) {
    const delimiter = heredoc[3] as string;
    const closes = (line: string) => (heredoc[1] === "-" ? line.replace(/^\t+/, "") : line) === delimiter;
    return closes(lines.at(-1) ?? "") && !lines.slice(1, -1).some(closes);
  }
  return lines.slice(0, -1).every((line) => line.endsWith("\\"));
}

const stageInstructionSchema = z
  .string()
  .min(1)
  .refine((text) => !/[\r\0]/.test(text), { error: "a carriage return or NUL character; remove it" })
  .refine((text) => staysOneInstruction(text), {
    error:
      "a line break that does not follow a backslash (or sit inside a heredoc the first line opens and the last line closes) would start a new instruction: one instruction per entry, continued with \\ at the end of a line",
  })
  .refine((text) => !text.endsWith("\\"), { error: "ends with a backslash, which would join the next instruction to this one; remove it" })
  .refine((text) => !/^\s*FROM\b/i.test(text), { error: "FROM starts a new stage: declare another stage in stages instead" })
  .refine((text) => /^\s*#/.test(text) || stageKeywords.includes((/^\s*(\S+)/.exec(text)?.[1] ?? "").toUpperCase()), {
    error: "expected a Dockerfile instruction (RUN, COPY, WORKDIR, …) or a # comment",
  })
  .refine((text) => Buffer.byteLength(text, "utf8") <= maxValueBytes, {
    error: `longer than one Dockerfile instruction may be (${maxValueBytes} bytes)`,
  });

/** A path in the image's build context (beside image.ts): relative, no `..`, no spaces or quotes. */
const contextPath = z
  .string()
  .max(4096, "at most 4096 characters (PATH_MAX)")
  .regex(
    /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._@+-][A-Za-z0-9._@+/-]*$/,
    "expected a relative path beside image.ts (letters, digits, . _ - + @ /; no .., no spaces)",
  );

/**
 * A build stage (e.g. a Node stage that installs and builds a site); only what `copy` names ships.
 * `from` is a reference here; a workspace image's definition is turned into its reference by
 * resolve, like `base`.
 */
export const extraStageSchema = z.strictObject({
  name: imageNameSchema,
  from: imageReferenceSchema,
  /**
   * target: the stage runs once per target platform (compiled, platform-specific output).
   * build: it runs once, natively, on the build machine (FROM --platform=$BUILDPLATFORM), for
   * output that is the same on every platform (a static site, a JavaScript bundle): no emulation.
   */
  platform: z.enum(["target", "build"]).default("target"),
  /**
   * Dockerfile instructions, verbatim (kiln lints them like any other): one instruction per entry,
   * continued on further lines only after a trailing backslash.
   */
  instructions: z.array(stageInstructionSchema).min(1),
  /** copied into the final image: { from: path in this stage, to: path in the image } */
  copy: z
    .array(
      z.strictObject({
        from: absolutePathSchema,
        to: absolutePathSchema,
        owner: accountReferenceSchema.optional(),
      }),
    )
    .default([]),
  /**
   * the stage's pnpm-lock.yaml or package-lock.json in the build context: the packages it installs
   * are listed in the image's SBOM as build dependencies (only what `copy` names ships)
   */
  lockfile: contextPath.optional(),
});
export type ExtraStage = z.output<typeof extraStageSchema>;

/**
 * The application an image ships, copied last so a code change rebuilds only the layers from
 * here on: its manifests first, then its install (which reads them, and the build arguments),
 * then the rest of the code.
 */
export const appSchema = z.strictObject({
  /** the application's directory in the image's build context, e.g. "app" */
  source: contextPath,
  /** where the code lands in the image, e.g. "/opt/app" */
  dir: absolutePathSchema,
  /** files of `source` copied before the rest and read by `install`, e.g. ["requirements.txt"] */
  manifests: z.array(contextPath).default([]),
  /** shell script run as root in `dir` once the manifests are there: the application's own install */
  install: scriptText.min(1).optional(),
  /** the install downloads over HTTPS: mount the mirror profile's CA bundle (see steps[].buildCa) */
  buildCa: z.boolean().default(false),
  /** owner of the code (user or user:group); root when omitted, so the application cannot rewrite itself */
  owner: accountReferenceSchema.optional(),
});
export type AppSpec = z.output<typeof appSchema>;

export const imageTestsSchema = z.array(imageTestSchema).default([]);

/** The zone names the tz database has, as this Node's ICU knows them (aliases like "UTC" included). */
function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name; it becomes a path under /usr/share/zoneinfo in a build step. */
export const timezoneSchema = z
  .string()
  .regex(/^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/, 'expected a time zone name like "Asia/Shanghai" or "UTC"')
  .refine(isKnownTimeZone, {
    message: 'not a time zone of the tz database; expected a name like "Asia/Shanghai", "Europe/Paris" or "UTC"',
  });

/**
 * The user-facing definition, minus `base` and `features` which are checked separately because
 * they hold objects (another image's definition, feature instances) rather than data.
 */
export const imageDataSchema = z.strictObject({
  name: imageNameSchema,
  description: singleLine().min(1, "describe the image in one sentence (it becomes the OCI description label)"),
  distro: distroNameSchema.optional(),
  platforms: z.array(platformSchema).min(1).default(defaultPlatforms),
  packages: z.array(packageNameSchema).default([]),
  buildPackages: z.array(packageNameSchema).default([]),
  /** extra package repositories: apk ({ url, tag }) on Alpine, apt (deb822, signed) on Debian and Ubuntu */
  repositories: repositoriesSchema.default({ apk: [], apt: [] }),
  files: z.array(fileSchema).default([]),
  groups: z.array(groupSchema).default([]),
  users: z.array(userSchema).default([]),
  /** the final USER; defaults to the parent's, or root for a base from a registry */
  user: accountReferenceSchema.optional(),
  /** required when the final user, or any account the image declares, is root (uid 0) by whatever name */
  rootReason: singleLine().min(1).optional(),
  /**
   * required when base (or a stage's from) has no tag or the tag `latest`: why the image may
   * change under the same definition. Pin a tag (or a digest) instead where you can.
   */
  baseTagReason: singleLine().min(1).optional(),
  /**
   * Trim and flatten a Debian or Ubuntu base from a registry: a stage deletes what kiln's dpkg
   * excludes leave out of packages (documentation but copyright files, manual and info pages,
   * translations), and the image starts `FROM scratch` with that stage's files as one layer, the
   * excludes file included so later apt installs leave out the same. Removing files in a later
   * layer would save nothing. The cost: the image no longer shares the upstream base's layer with
   * other images on a host (children in the family still share this image's layers). Only for a
   * base named debian or ubuntu, whose config (PATH, CMD) kiln restates; not for a workspace parent.
   */
  trimBase: z.boolean().default(false),
  env: envSchema.default({}),
  /** build arguments and their defaults, declared as ARG before the accounts are created */
  buildArgs: z.record(buildArgNameSchema, singleLine()).default({}),
  /**
   * Environment of the containers `kiln test` starts, e.g. a public key an ssh image needs
   * before it will start. Never baked into the image.
   */
  testEnv: z.record(envNameSchema, z.string()).default({}),
  /**
   * The time zone of the image, e.g. "Asia/Shanghai": /etc/localtime and /etc/timezone are set
   * at build, with tzdata installed unless a parent image has it. `docker run -e TZ=…` still wins.
   */
  timezone: timezoneSchema.optional(),
  /** variables the image's own scripts read at run time (features declare theirs) */
  runtimeEnv: runtimeEnvSchema.default({}),
  workdir: absolutePathSchema.optional(),
  ports: z.array(portSchema).default([]),
  volumes: z.array(absolutePathSchema).default([]),
  healthcheck: healthcheckSchema.optional(),
  entrypoint: z.array(argumentText).optional(),
  cmd: z.array(argumentText).optional(),
  stopSignal: z
    .string()
    .regex(/^SIG[A-Z0-9]+$/, "expected a signal name like SIGQUIT")
    .optional(),
  labels: z.record(labelKeySchema, singleLine()).default({}),
  steps: z.array(stepSchema).default([]),
  stages: z.array(extraStageSchema).default([]),
  app: appSchema.optional(),
  tests: imageTestsSchema,
  /** the image's license (SPDX), for org.opencontainers.image.licenses */
  license: singleLine().min(1).default("MIT"),
});
export type ImageData = z.output<typeof imageDataSchema>;
