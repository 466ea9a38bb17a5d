import { z } from "zod";

/** http(s) URL without query or fragment; a trailing slash is dropped so joins stay predictable. */
const mirrorUrl = z
  .string()
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a URL; expected e.g. https://mirror.example/alpine` });
      return z.NEVER;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: `"${value}" must be http:// or https://` });
      return z.NEVER;
    }
    if (url.search || url.hash) {
      ctx.addIssue({ code: "custom", message: `"${value}" must not have a query or fragment` });
      return z.NEVER;
    }
    return value.replace(/\/+$/, "");
  });

/** host[:port] with an optional path prefix, e.g. 127.0.0.1:5000 or mirror.example/hub. */
const registryTarget = z
  .string()
  .regex(
    /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    "expected host[:port][/path], e.g. 127.0.0.1:5000 or mirror.example/hub",
  );

export const mirrorProfileSchema = z.strictObject({
  name: z.string().min(1).default("custom"),
  /** replaces everything up to and including ".../alpine" in /etc/apk/repositories */
  apk: mirrorUrl.optional(),
  apt: z
    .strictObject({
      debian: mirrorUrl.optional(),
      debianSecurity: mirrorUrl.optional(),
      ubuntu: mirrorUrl.optional(),
      ubuntuPorts: mirrorUrl.optional(),
    })
    .optional(),
  /** registry domain of a FROM reference ("hub" = the default registry) → replacement */
  registries: z.record(z.string().min(1), registryTarget).optional(),
  npm: mirrorUrl.optional(),
  pip: mirrorUrl.optional(),
  /** keep the mirror in the shipped image's repository files (default: build time only) */
  persist: z.boolean().default(false),
});

export type MirrorProfileInput = z.input<typeof mirrorProfileSchema>;
export type MirrorProfile = z.output<typeof mirrorProfileSchema>;

/** A profile plus where it came from, for messages and `kiln doctor`. */
export interface ResolvedMirror {
  profile: MirrorProfile;
  origin: string;
}
