import { readFileSync } from "node:fs";
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { interruptedExitCode, listenForInterrupts } from "./interrupt.js";

/**
 * The `kiln` command table. Each command's implementation is imported only when it runs, so
 * `kiln --help` and `kiln list` never load buildx or dockerode code. Errors are caught once, in
 * `main`: a kiln error prints its message and fix and exits with its documented code.
 */
// Replaced by main() with one that SIGINT and SIGTERM abort; buildParser alone (tests) gets a quiet one.
let interrupt = new AbortController();

const withJson = <T>(y: Argv<T>) => y.option("json", { type: "boolean", default: false, describe: "machine-readable output on stdout" });
const withNames = <T>(y: Argv<T>) =>
  y.positional("names", {
    type: "string",
    array: true,
    default: [] as string[],
    describe: "images (default: the one in the current directory, else all)",
  });

/** yargs drops a lone "-" (standard input for `kiln lint -`): it travels as this word instead. */
const stdinArgument = "\u0000stdin";

export function buildParser(argv: string[]) {
  const parser = yargs(argv.map((arg) => (arg === "-" ? stdinArgument : arg)))
    .scriptName("kiln")
    .usage("$0 <command> [options]\n\nDefine container images in TypeScript; synthesize, lint, build and test them.")
    .command(
      "list",
      "list the workspace's images in build order",
      (y) => withJson(y),
      async (args) => (await import("./commands/list.js")).list(args, interrupt.signal),
    )
    .command(
      "synth [names..]",
      "write each image's Dockerfile from its image.ts",
      (y) =>
        withJson(withNames(y))
          .option("check", {
            type: "boolean",
            default: false,
            describe: "write nothing; exit 1 if a Dockerfile differs from its definition",
          })
          .option("locked", { type: "boolean", default: false, describe: "pin FROM to the digest in kiln.lock.json (FROM ref@sha256:…)" }),
      async (args) => (await import("./commands/synth.js")).synth(args, interrupt.signal),
    )
    .command(
      "lint [files..]",
      "lint Dockerfiles with hadolint's rules and .hadolint.yaml, plus shellcheck on RUN scripts when installed",
      (y) =>
        withJson(y)
          .positional("files", {
            type: "string",
            array: true,
            default: [] as string[],
            describe: "Dockerfiles, directories of them, or - for stdin (default: every image's)",
          })
          .option("level", {
            choices: ["error", "warning", "info", "style"] as const,
            default: "warning" as const,
            describe: "lowest severity reported (and failing, unless .hadolint.yaml sets failure-threshold)",
          })
          .option("format", {
            choices: ["tty", "json", "sarif", "checkstyle", "gitlab_codeclimate"] as const,
            describe: "output format (default tty; --json means json)",
          })
          .option("config", { type: "string", describe: "hadolint config file (default: ./.hadolint.yaml, then the user's)" })
          .option("shellcheck", { type: "boolean", default: true, describe: "run shellcheck on RUN scripts (--no-shellcheck to skip)" }),
      async (args) =>
        (await import("./commands/lint.js")).lint(
          { ...args, files: args.files.map((file) => (file === stdinArgument ? "-" : file)) },
          interrupt.signal,
        ),
    )
    .command(
      "build [names..]",
      "synthesize, then build images for all their platforms with docker buildx",
      (y) =>
        withJson(withNames(y))
          .option("dry-run", { type: "boolean", default: false, describe: "print the exact buildx command per image; run nothing" })
          .option("push", {
            type: "boolean",
            default: false,
            describe: "push to --registry instead of loading into the local image store (also KILN_PUSH=1)",
          })
          .option("push-by-digest", {
            type: "boolean",
            default: false,
            describe: "push each platform untagged to --registry and write dist/digests/<platform>.json for kiln merge",
          })
          .option("registry", { type: "string", describe: "registry and namespace, e.g. 127.0.0.1:5000/kiln" })
          .option("output", { type: "string", describe: "oci:<file.tar> (OCI layout) or cache-only" })
          .option("builder", { type: "string", describe: "buildx builder to use (default BUILDX_BUILDER, else the current builder)" })
          .option("platform", { type: "string", array: true, describe: "override the platforms, e.g. --platform linux/arm64" })
          .option("mirror", { type: "string", describe: "mirror preset or spec (overrides KILN_MIRROR and kiln.config.ts)" })
          .option("cache-ref", { type: "string", describe: "registry cache ref for --cache-from/--cache-to" })
          .option("build-arg", {
            type: "string",
            array: true,
            describe: "NAME=value for a build argument an image declares, e.g. --build-arg DEV_UID=1234",
          })
          .option("force", { type: "boolean", default: false, describe: "with --push: move a version tag that points at another image" })
          .option("sign-key", {
            type: "string",
            describe: "with --push: cosign key to sign with: a file or env://NAME (default KILN_SIGNING_KEY; password in COSIGN_PASSWORD)",
          })
          .option("keyless", { type: "boolean", default: false, describe: "sign keyless with Sigstore (GitHub Actions' OIDC token)" })
          .option("sbom", {
            type: "boolean",
            default: true,
            describe: "attach an SPDX and a CycloneDX SBOM per platform (--no-sbom to skip)",
          })
          .option("locked", { type: "boolean", default: false, describe: "build FROM the base digests in kiln.lock.json" })
          .option("cache", { type: "boolean", default: true, describe: "use BuildKit's cache (--no-cache builds every step again)" })
          .option("progress", {
            choices: ["auto", "plain", "tty", "quiet", "rawjson"] as const,
            default: "auto" as const,
            describe: "BuildKit progress output",
          })
          .option("require-engine", {
            type: "boolean",
            default: false,
            describe: "exit 3 when no engine is reachable (also KILN_REQUIRE_ENGINE=1)",
          }),
      async (args) => {
        const { build, pushFromEnvironment } = await import("./commands/build.js");
        return build({ ...args, push: args.push || pushFromEnvironment() }, interrupt.signal);
      },
    )
    .command(
      "test [names..]",
      "run each image's tests on a running container per platform (docker, QEMU for foreign platforms)",
      (y) =>
        withJson(withNames(y))
          .option("platform", { type: "string", array: true, describe: "test only these platforms (default: the image's)" })
          .option("registry", { type: "string", describe: "test the pushed images in this registry instead of the local ones" })
          .option("junit", { type: "string", describe: "also write a JUnit XML report to this file" })
          .option("builder", { type: "string", describe: "buildx builder to use (default BUILDX_BUILDER, else the current builder)" }),
      async (args) => (await import("./commands/test.js")).test(args, interrupt.signal),
    )
    .command(
      "release [names..]",
      "build and push every image whose version moved (changesets), parents first; tag the release in git",
      (y) =>
        withJson(withNames(y))
          .option("registry", { type: "string", describe: "registry and namespace, e.g. ghcr.io/acme (or KILN_REGISTRY, kiln.config.ts)" })
          .option("dry-run", { type: "boolean", default: false, describe: "print the plan (image, version, tags, why); push nothing" })
          .option("force", { type: "boolean", default: false, describe: "move a version tag that points at another digest" })
          .option("builder", { type: "string", describe: "buildx builder to use (default BUILDX_BUILDER, else the current builder)" })
          .option("baseline", {
            type: "boolean",
            default: false,
            describe: "tag the current versions as released, pushing nothing (first rollout)",
          })
          .option("sign-key", {
            type: "string",
            describe: "cosign key to sign with: a file or env://NAME (default KILN_SIGNING_KEY; password in COSIGN_PASSWORD)",
          })
          .option("keyless", { type: "boolean", default: false, describe: "sign keyless with Sigstore (GitHub Actions' OIDC token)" })
          .option("sbom", {
            type: "boolean",
            default: true,
            describe: "attach an SPDX and a CycloneDX SBOM per platform (--no-sbom to skip)",
          })
          .option("mirror", { type: "string", describe: "mirror preset or spec" }),
      async (args) => (await import("./commands/release.js")).release(args, interrupt.signal),
    )
    .command(
      "merge <name>",
      "combine the per-platform digests in dist/digests/ (kiln build --push-by-digest) into one index with the version tags",
      (y) =>
        withJson(y)
          .positional("name", { type: "string", demandOption: true, describe: "the image" })
          .option("registry", { type: "string", describe: "registry and namespace the digests were pushed to (or KILN_REGISTRY)" })
          .option("builder", { type: "string", describe: "buildx builder for imagetools (default BUILDX_BUILDER)" })
          .option("dry-run", {
            type: "boolean",
            default: false,
            describe: "check the digests and print the imagetools command; push nothing",
          }),
      async (args) => (await import("./commands/merge.js")).merge(args, interrupt.signal),
    )
    .command(
      "lock [names..]",
      "record each image's base digest per platform (and its packages, when built) in kiln.lock.json",
      (y) =>
        withJson(withNames(y))
          .option("check", { type: "boolean", default: false, describe: "write nothing; exit 1 when a lock is out of date" })
          .option("mirror", { type: "string", describe: "mirror preset or spec (resolve bases through it)" }),
      async (args) => (await import("./commands/lock.js")).lock(args, interrupt.signal),
    )
    .command(
      "update [names..]",
      "refresh kiln.lock.json files and say what changed",
      (y) => withJson(withNames(y)).option("mirror", { type: "string", describe: "mirror preset or spec" }),
      async (args) => (await import("./commands/lock.js")).lock({ ...args, check: false }, interrupt.signal, true),
    )
    .command(
      "bake [names..]",
      "write docker-bake.json: the same builds for docker buildx bake, parents as target contexts",
      (y) =>
        withJson(withNames(y))
          .option("out", { type: "string", default: "docker-bake.json", describe: "file to write, relative to the workspace root" })
          .option("builder", { type: "string", describe: "buildx builder to use (default BUILDX_BUILDER, else the current builder)" })
          .option("registry", { type: "string", describe: "tag for this registry (push tags) instead of local tags" })
          .option("mirror", { type: "string", describe: "mirror preset or spec" }),
      async (args) => (await import("./commands/bake.js")).bake(args, interrupt.signal),
    )
    .command(
      "catalog",
      "write every image's definition, README, Dockerfile and last build as JSON, for the catalog site",
      (y) => y.option("out", { type: "string", describe: "file to write (its directory is created); stdout when omitted" }),
      async (args) => (await import("./commands/catalog.js")).catalog(args, interrupt.signal),
    )
    .command(
      "verify <target>",
      "check a released image: cosign signatures, an SBOM per platform, labels for the version and commit, the base digest",
      (y) =>
        withJson(y)
          .positional("target", { type: "string", demandOption: true, describe: "<image> (the workspace's version) or <image>@<version>" })
          .option("registry", { type: "string", describe: "registry and namespace, e.g. ghcr.io/acme (or KILN_REGISTRY, kiln.config.ts)" })
          .option("key", { type: "string", describe: "cosign public key: a file or env://NAME (or KILN_VERIFY_KEY)" }),
      async (args) => (await import("./commands/verify.js")).verify(args),
    )
    .command(
      "doctor",
      "check the engine, buildx, multi-platform support, emulation, registry and mirror",
      (y) =>
        withJson(y)
          .option("registry", { type: "string", describe: "registry to check, e.g. 127.0.0.1:5000/kiln" })
          .option("builder", { type: "string", describe: "buildx builder to use (default BUILDX_BUILDER, else the current builder)" })
          .option("mirror", { type: "string", describe: "mirror preset or spec" }),
      async (args) => (await import("./commands/doctor.js")).doctor(args, interrupt.signal),
    )
    .command(
      "new <name>",
      "scaffold images/<name> (apps/<name> with --app): image.ts, package.json, README.md and its Dockerfile",
      (y) =>
        y
          .positional("name", { type: "string", demandOption: true, describe: "image name, e.g. alpine-redis" })
          .option("from", {
            type: "string",
            describe: "a workspace image to build on (e.g. debian-base), or a registry reference with its tag (debian:bookworm)",
          })
          .option("app", {
            type: "boolean",
            default: false,
            describe: "an application shipped on the family's images: write it under apps/",
          })
          .option("distro", {
            choices: ["alpine", "debian", "ubuntu"] as const,
            default: "alpine" as const,
            describe: "distro when not --from a workspace image",
          })
          .option("install", {
            type: "boolean",
            default: true,
            describe: "run pnpm install to link the new package (--no-install to skip)",
          }),
      async (args) => (await import("./commands/new.js")).newImage(args, interrupt.signal),
    )
    .demandCommand(1, "name a command; kiln --help lists them")
    .strict()
    .recommendCommands()
    .help()
    .alias("help", "h")
    .version("version", "print kiln's version", kilnVersion())
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      throw error ?? new UsageErrorFromYargs(message);
    });
  skipHelpCache(parser);
  return parser;
}

/**
 * yargs renders the whole help text each time a command's handler starts (its usage instance's
 * cacheHelpMessage), to print it should the handler fail later. kiln's fail() throws instead and
 * never prints that text, and rendering it costs about 20 ms of every command's start (the width of
 * every line of every command's options). The hook is internal to yargs, so it is replaced only
 * where it is found: another yargs version still works, only slower (cli.test.ts notices).
 */
function skipHelpCache(parser: Argv): void {
  const usage = (parser as unknown as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === "function") usage.cacheHelpMessage = () => undefined;
}

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/** The version in @kiln/cli's package.json (src/ and dist/ both sit one level below it). */
function kilnVersion(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

class UsageErrorFromYargs extends Error {
  readonly code = "KILN_USAGE";
  readonly exitCode = 2;
  readonly hint = "kiln --help lists commands; kiln <command> --help lists its options";
}

interface ReportableError {
  message: string;
  code: string;
  exitCode: number;
  hint?: string;
}

function isReportable(error: unknown): error is ReportableError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { exitCode?: unknown }).exitCode === "number"
  );
}

export async function main(argv = hideBin(process.argv)): Promise<number> {
  interrupt = listenForInterrupts();
  try {
    await buildParser(argv).parseAsync();
    return interruptedExitCode(interrupt.signal) ?? 0;
  } catch (error) {
    const interrupted = interruptedExitCode(interrupt.signal);
    if (interrupted !== undefined) return interrupted;
    if (isReportable(error)) {
      process.stderr.write(`kiln: error: ${error.message}\n`);
      if (error.hint) process.stderr.write(`  fix: ${error.hint}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `kiln: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 70;
  }
}
