import { z } from "zod";

/**
 * A repository URL as it reaches a repositories file: one line, no blanks, so it can neither add
 * a line nor split into two fields. Quotes, `&` and `\` are allowed; the renderers quote them.
 */
const repositoryUrl = z
  .string()
  .min(1)
  .max(2048, "a repository URL is at most 2048 characters")
  .refine((url) => !/[\s\p{Cc}]/u.test(url), { message: "a repository URL must be one word: no spaces, newlines or control characters" });

const absoluteUrl = repositoryUrl.refine((url) => /^https?:\/\/[^/]+/.test(url), { message: "expected an http:// or https:// URL" });

/** apk tags name a repository in /etc/apk/repositories (`@testing URL`) and in packages (`foo@testing`). */
const apkTagSchema = z
  .string()
  .max(64, "an apk tag is at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a tag like "testing" (letters, digits, . _ -)');

/**
 * An extra apk repository. `url` is a full URL, or a path inside the Alpine archive the base image
 * uses ("edge/testing"), which then follows the apk mirror like the base's own repositories.
 */
export const apkRepositorySchema = z.strictObject({
  url: repositoryUrl.refine((url) => !url.startsWith("@"), { message: "write the tag in tag, not in url" }),
  /** packages from a tagged repository are named foo@tag; untagged repositories serve every package */
  tag: apkTagSchema.optional(),
});
export type ApkRepository = z.output<typeof apkRepositorySchema>;

const aptWord = z
  .string()
  .max(128, "a suite or component is at most 128 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/+~-]*$/, "expected a suite or component name like bookworm or main");

/**
 * A third-party apt repository, written as a deb822 file /etc/apt/sources.list.d/kiln-<name>.sources.
 * `signedBy` is the repository's key: an ASCII-armored public key block (embedded in the file,
 * so no keyring file has to be fetched or copied first), or the absolute path of a keyring
 * the image already has.
 */
export const aptRepositorySchema = z.strictObject({
  name: z
    .string()
    .max(64, "a repository name is at most 64 characters")
    .regex(/^[a-z0-9][a-z0-9-]*$/, "expected a lower-case name like vendor (it names the .sources file)"),
  url: absoluteUrl,
  suites: z.array(aptWord).min(1, "name at least one suite, e.g. bookworm"),
  components: z.array(aptWord).default(["main"]),
  signedBy: z.union([
    z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]+$/, "expected an absolute keyring path")
      .refine((p) => !p.split("/").includes(".."), { message: "no .. in the keyring path" }),
    z
      .string()
      .regex(
        /^-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n[\s\S]*-----END PGP PUBLIC KEY BLOCK-----\s*$/,
        "expected an absolute keyring path or an ASCII-armored public key block",
      )
      .refine((key) => !/[\p{Cc}]/u.test(key.replace(/\r?\n/g, "")), { message: "the key block has control characters" }),
  ]),
});
export type AptRepository = z.output<typeof aptRepositorySchema>;

export const repositoriesSchema = z.strictObject({
  apk: z.array(apkRepositorySchema).default([]),
  apt: z.array(aptRepositorySchema).default([]),
});
export type Repositories = z.output<typeof repositoriesSchema>;
