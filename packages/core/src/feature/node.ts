import { z } from "zod";
import { defineFeature, type Feature, type FeatureContributionInput } from "./feature.js";

export interface NodeOptions {
  /** the pnpm release installed next to Node (the version this repository's packageManager pins) */
  pnpm?: { version: string; /** the tarball's npm `dist.integrity` (sha512-…) */ integrity: string };
}

/** pnpm as this repository pins it; `npm view pnpm@<version> dist.integrity` gives another's. */
export const defaultPnpm = {
  version: "10.34.8",
  integrity: "sha512-9ieo6XE0Ov5J39D2PQKCNCAd+oMdXLWIcz4eX42ya/FpiaMhYatcG02zsf28NzFgYGtbieAC323RmoWt+R/FqA==",
};

const nodeOptionsSchema: z.ZodType<NodeOptions> = z.strictObject({
  pnpm: z
    .strictObject({
      version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, "expected a pnpm version like 10.34.8"),
      integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]+=*$/, "expected the tarball's dist.integrity, sha512-…"),
    })
    .optional(),
});

/**
 * Node.js from the distro, and pnpm from the npm registry. The distro's npm would pull hundreds of
 * packages (Debian splits it into node-* packages), and corepack is not packaged everywhere; pnpm's
 * tarball is self-contained, so Node downloads it itself, through KILN_NPM_REGISTRY when a mirror
 * profile sets one, and checks it against the pinned sha512 before anything runs it.
 *
 * @example
 * ```ts
 * features: [node({ pnpm: { version: "10.34.8", integrity: "sha512-…" } })],
 * ```
 */
export function node(options: NodeOptions = {}): Feature {
  return defineFeature("node", { schema: nodeOptionsSchema, value: options }, (_context, checked) =>
    nodeContribution(checked.pnpm ?? defaultPnpm),
  );
}

function nodeContribution(pnpm: { version: string; integrity: string }): FeatureContributionInput {
  return {
    packages: ["nodejs"],
    buildArgs: { KILN_NPM_REGISTRY: "" },
    steps: [
      {
        why: `node: pnpm ${pnpm.version} from the npm registry (KILN_NPM_REGISTRY when set), checked against its pinned sha512`,
        buildCa: true,
        run: [
          "node - <<'JS'",
          'const { createHash } = require("node:crypto");',
          'const { writeFileSync } = require("node:fs");',
          'const registry = (process.env.KILN_NPM_REGISTRY || "https://registry.npmjs.org").replace(/\\/+$/, "");',
          `const url = registry + "/pnpm/-/pnpm-${pnpm.version}.tgz";`,
          `const expected = ${JSON.stringify(pnpm.integrity)};`,
          "fetch(url)",
          "  .then(async (response) => {",
          '    if (!response.ok) throw new Error("HTTP " + response.status);',
          "    const body = Buffer.from(await response.arrayBuffer());",
          '    const integrity = "sha512-" + createHash("sha512").update(body).digest("base64");',
          '    if (integrity !== expected) throw new Error("integrity " + integrity + ", expected " + expected);',
          '    writeFileSync("/tmp/pnpm.tgz", body);',
          "  })",
          "  .catch((error) => {",
          '    console.error("kiln node feature: cannot download " + url + ": " + error.message + " (set a mirror: kiln --mirror npm=URL)");',
          "    process.exit(1);",
          "  });",
          "JS",
          "mkdir -p /usr/local/lib/pnpm",
          "tar -xzf /tmp/pnpm.tgz -C /usr/local/lib/pnpm --strip-components=1 --no-same-owner",
          "rm /tmp/pnpm.tgz",
          "ln -s ../lib/pnpm/bin/pnpm.cjs /usr/local/bin/pnpm",
          "pnpm --version",
        ].join("\n"),
      },
    ],
    labels: { "io.kiln.pnpm.version": pnpm.version },
    tests: [
      { kind: "command", name: "node runs JavaScript", run: ["node", "-e", "console.log(6 * 7)"], stdoutIncludes: ["42"] },
      { kind: "command", name: `pnpm ${pnpm.version} is on PATH`, run: ["pnpm", "--version"], stdoutIncludes: [pnpm.version] },
    ],
  };
}
