import type { Command } from "@kiln/core";
import type { ReleaseStep } from "./release-plan.js";

/** The outcome of one image in a release run, as written to dist/release.json. */
export interface ReleaseOutcome extends ReleaseStep {
  result: "pushed" | "skipped" | "failed" | "not-attempted" | "planned";
  digest?: string;
  forced?: boolean;
  /** the index, its platforms and their SBOM attestations were signed */
  signed?: boolean;
  /** --dry-run: the buildx build the release will run */
  command?: Command;
  error?: string;
}

export interface ReleaseSummary {
  registry: string;
  revision: string | undefined;
  dryRun: boolean;
  images: ReleaseOutcome[];
}

/** Markdown for a CI job summary ($GITHUB_STEP_SUMMARY) and for humans. */
export function releaseMarkdown(summary: ReleaseSummary): string {
  const rows = summary.images.map((o) => {
    const tags = o.tags.length > 0 ? o.tags.map((t) => `\`${t}\``).join(" ") : "–";
    const what =
      o.result === "failed"
        ? `failed: ${o.error?.split("\n")[0] ?? ""}`
        : o.result === "skipped"
          ? o.reason
          : `${o.result}${o.forced ? " (forced)" : ""}`;
    return `| ${o.image} | ${o.version} | ${what.replace(/\|/g, "\\|")} | ${tags} | ${o.digest ? `\`${o.digest.slice(0, 19)}…\`` : "–"} |`;
  });
  return [
    `## kiln release → ${summary.registry}${summary.dryRun ? " (dry run)" : ""}`,
    "",
    "| image | version | result | tags | digest |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
