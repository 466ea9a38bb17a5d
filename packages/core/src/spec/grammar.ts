import { z } from "zod";

/**
 * The grammars of the values a definition splices into a Dockerfile or a shell script. Each one
 * admits only what its context reads as a single word or a single line, so no value can end an
 * instruction, start another one, or run a command the definition did not write.
 */

/** Characters that end a Dockerfile line (or, for NUL, the string a program sees). */
const lineBreaks = /[\n\r\0]/;

/** Where a line break is in a value, for the message: "a newline at character 4". */
function lineBreakMessage(value: string): string {
  const index = value.search(lineBreaks);
  const found = value[index] === "\n" ? "a newline" : value[index] === "\r" ? "a carriage return" : "a NUL character";
  return `${found} at character ${index + 1}: this field is one line (a line break would start a new Dockerfile instruction); remove it`;
}

/**
 * The longest value one Dockerfile line can carry: BuildKit reads lines of at most 64 KiB
 * (dockerfile/line-limit.ts), and the instruction and its quoting need some of that.
 */
export const maxValueBytes = 60 * 1024;

const fitsALine = (text: string) => Buffer.byteLength(text, "utf8") <= maxValueBytes;
const tooLong = (text: string) =>
  `${Buffer.byteLength(text, "utf8")} bytes on one line; a Dockerfile line holds at most ${maxValueBytes} of a value (BuildKit reads 64 KiB lines): ship long content as a file under files/`;

/** One line of text: no newline, carriage return or NUL, and short enough for one Dockerfile line. */
export function singleLine(schema: z.ZodString = z.string()): z.ZodString {
  return schema
    .refine((value) => !lineBreaks.test(value), { error: (issue) => lineBreakMessage(String(issue.input)) })
    .refine(fitsALine, { error: (issue) => tooLong(String(issue.input)), abort: true });
}

/**
 * A multi-line script: newlines are its point, but a carriage return or NUL never means anything
 * there, and a last line ending in a backslash would continue into the next step's first line.
 */
export const scriptText = z
  .string()
  .refine((value) => !/[\r\0]/.test(value), { error: "a carriage return or NUL character: scripts use \\n line ends only; remove it" })
  .refine((value) => !value.endsWith("\\"), {
    error: "ends with a backslash, which would continue into the next step's first line; remove it",
  })
  .refine((value) => value.split("\n").every(fitsALine), {
    error: (issue) =>
      tooLong(
        String(issue.input)
          .split("\n")
          .find((line) => !fitsALine(line)) ?? "",
      ),
  });

/**
 * One argument of an exec-form array (CMD, ENTRYPOINT, HEALTHCHECK): any text, newlines included
 * (the JSON form holds them), but no longer than a Dockerfile line.
 */
export const argumentText = z.string().refine(fitsALine, { error: (issue) => tooLong(String(issue.input)) });

/** A name (a package, a variable, a label key) is short; these bounds are far above real ones. */
export const maxNameLength = 255;

/**
 * Characters a path may hold: POSIX's portable file name characters and a few more that no
 * Dockerfile or shell context reads specially. Spaces, quotes, `$`, `\` and glob characters are
 * refused rather than quoted: COPY treats spaces as separators and `*?[` as patterns, and WORKDIR
 * and COPY expand `$`.
 */
const pathCharacters = "A-Za-z0-9._+@%=,:~/-";
const pathMessage = "may hold only letters, digits and . _ + @ % = , : ~ / - (no spaces, quotes, $, \\ or glob characters)";

/** An absolute path in an image or a stage: home, shell, workdir, a COPY destination, a volume. */
export const absolutePathSchema = singleLine()
  .max(4096, "at most 4096 characters (PATH_MAX)")
  .regex(new RegExp(`^/[${pathCharacters}]*$`), {
    error: (issue) =>
      String(issue.input).startsWith("/")
        ? `a path that ${pathMessage}`
        : `expected an absolute path (starting with /), got ${JSON.stringify(issue.input)}`,
  });

/** A path relative to a directory kiln owns (an image's files/, a feature's files/), never leaving it. */
export const relativePathSchema = singleLine()
  .min(1)
  .max(4096, "at most 4096 characters (PATH_MAX)")
  .regex(new RegExp(`^[${pathCharacters}]+$`), { error: `a path that ${pathMessage}` })
  .refine((value) => !value.startsWith("/") && !value.split("/").includes(".."), {
    error: "expected a path inside files/ (relative, no ..)",
  });

/** passwd(5) user and group names as useradd and BusyBox adduser accept them by default. */
export const posixNameSchema = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_-]{0,31}$/,
    "expected a user or group name: lower-case letters, digits, _ and -, starting with a letter or _, at most 32 characters",
  );

const idOrName = "(?:[a-z_][a-z0-9_-]{0,31}|[0-9]+)";

/** `user`, `user:group`, `uid` or `uid:gid`: what USER and COPY --chown take. */
export const accountReferenceSchema = z
  .string()
  .regex(new RegExp(`^${idOrName}(?::${idOrName})?$`), 'expected a user, optionally with a group: "app", "app:app", "1000" or "1000:1000"');

/**
 * A package name as apk or apt reads it: the name (apk: `[@tag]`; apt: `[:arch]`), then an
 * optional version constraint (apt: or a `/release`). The distro's adapter checks its own dialect once the distro is known.
 */
export const packageNameSchema = z
  .string()
  .max(maxNameLength, `at most ${maxNameLength} characters`)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._+-]*(?:@[A-Za-z0-9._-]+|:[a-z0-9-]+)?(?:(?:=|~|~=|<|>|<=|>=)[A-Za-z0-9._+~:-]+|\/[a-z0-9.-]+)?$/,
    'expected a package name like "nginx", "py3-pip", "libssl3=3.0.13-1" or "pkg@testing"',
  );

/** OCI label keys are reverse-DNS names: `org.opencontainers.image.title`, `com.example.team`. */
export const labelKeySchema = z
  .string()
  .max(maxNameLength, `at most ${maxNameLength} characters`)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?$/, 'expected a label key like "com.example.team" (letters, digits, . _ / -)');
