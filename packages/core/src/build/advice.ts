/**
 * Known buildx failures, recognised from stderr and turned into advice. Patterns are matched
 * against the whole stderr; the first match wins, so specific patterns come first.
 */
export interface BuildAdvice {
  code: string;
  summary: string;
  fix: string;
}

const knownFailures: { pattern: RegExp; advice: BuildAdvice }[] = [
  {
    pattern: /is not a docker command|unknown command: docker buildx|buildx: command not found/i,
    advice: {
      code: "KILN_BUILDX_MISSING",
      summary: "docker buildx is not installed",
      fix: "install the buildx plugin (Debian/Ubuntu: apt-get install docker-buildx; or run scripts/provision-engine.sh)",
    },
  },
  {
    pattern: /multi-platform build is not supported|docker exporter does not currently support exporting manifest lists/i,
    advice: {
      code: "KILN_BUILDX_MULTIPLATFORM",
      summary: "the builder cannot build several platforms into the local image store",
      fix:
        'turn on the containerd image store ({"features":{"containerd-snapshotter":true}} in /etc/docker/daemon.json, then restart dockerd), ' +
        "or use a docker-container builder (docker buildx create --use --driver docker-container) with --push or --output",
    },
  },
  {
    // An index without the platform asked for; not emulation, which a missing platform never reaches.
    pattern: /no match for platform in manifest/i,
    advice: {
      code: "KILN_PLATFORM_MISSING",
      summary: "an image the build starts FROM has no manifest for a platform the build needs",
      fix:
        "build or push that image for the platform too (a child's package fetch stage needs its parent for the engine's platform as well), " +
        "or build the child only for the platforms its base has (--platform)",
    },
  },
  {
    pattern: /exec format error|failed to (?:get|find) (?:qemu|emulator)|qemu.*not found/i,
    advice: {
      code: "KILN_NO_EMULATION",
      summary: "the engine cannot run binaries of a foreign platform (no QEMU binfmt handler)",
      fix: "install QEMU user emulation (apt-get install qemu-user-static binfmt-support; update-binfmts --enable qemu-aarch64), then check with kiln doctor",
    },
  },
  {
    pattern:
      /SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate in certificate chain|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|unable to get local issuer certificate/i,
    advice: {
      code: "KILN_TLS_UNTRUSTED",
      summary: "a download in the build met a certificate it does not trust (a proxy that re-signs TLS?)",
      fix: "give the build the proxy's CA bundle: --mirror ca=/etc/ssl/certs/ca-certificates.crt (or in KILN_MIRROR); it is passed as a secret and never stored in the image",
    },
  },
  {
    pattern: /(?:dial tcp|connect: connection refused|no such host|i\/o timeout|server gave HTTP response to HTTPS client).*(?:\n|$)/i,
    advice: {
      code: "KILN_REGISTRY_UNREACHABLE",
      summary: "a registry could not be reached",
      fix: "check the registry address and that it is running (kiln doctor checks it); behind a closed network, point kiln at a mirror with --mirror or KILN_MIRROR",
    },
  },
  {
    // A 5xx is the registry's own failure, often passing: kiln's pushes retry these with backoff.
    // (distribution 2.8 answers one of several concurrent manifest HEADs with a 500 now and then.)
    pattern:
      /unexpected status(?: code)?(?: from \w+ request to \S+)?: 5\d\d\b|\b50[0234] (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\b/i,
    advice: {
      code: "KILN_REGISTRY_ERROR",
      summary: "the registry failed on its side (HTTP 5xx)",
      fix: "run the command again; if it persists, look at the registry's own log",
    },
  },
  {
    pattern: /failed to resolve source metadata|pull access denied|not found: not found|manifest unknown|repository does not exist/i,
    advice: {
      code: "KILN_BASE_NOT_FOUND",
      summary: "a base image could not be found",
      fix:
        "build the parent image first (pnpm turbo build --filter=<image> builds parents in order), " +
        "or map the base to a registry you can reach: --mirror registry.hub=<host:port>",
    },
  },
];

export function adviceForBuildFailure(stderr: string): BuildAdvice | undefined {
  return knownFailures.find((failure) => failure.pattern.test(stderr))?.advice;
}

/** The last meaningful line buildx printed: what a user wants to see first. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return lines.findLast((line) => /^(?:ERROR|error):/i.test(line)) ?? lines.at(-1) ?? "buildx failed";
}
