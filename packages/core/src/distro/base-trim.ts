import { shellQuote } from "../shell/shell-quote.js";
import { dpkgExcludes, dpkgExcludesScript } from "./apt-fetch.js";

/** A dpkg path-exclude or path-include line, split into its kind and glob. */
interface DpkgPathRule {
  kind: "exclude" | "include";
  glob: string;
}

function dpkgPathRules(): DpkgPathRule[] {
  return dpkgExcludes.map((line) => {
    const match = /^path-(exclude|include)=(.+)$/.exec(line);
    if (!match) throw new Error(`kiln: not a dpkg path rule: ${line}`);
    return { kind: match[1] as DpkgPathRule["kind"], glob: match[2]! };
  });
}

/** The directory a glob cannot leave: everything before the first path part with a wildcard. */
function globRoot(glob: string): string {
  const parts = glob.split("/");
  const wild = parts.findIndex((part) => /[*?[]/.test(part));
  return parts.slice(0, wild === -1 ? parts.length - 1 : wild).join("/") || "/";
}

/**
 * The script of the stage that trims a registry base ({@link dpkgExcludes} is the one list): it
 * deletes from the base what dpkg would have left out had the excludes been there when the base
 * was made, then writes the excludes file so that later installs (children's, users') leave out
 * the same. find's -path matches `*` across slashes, as dpkg's fnmatch does, so each rule keeps
 * its meaning. Excluded directories left empty go too; the trees' roots themselves stay.
 */
export function baseTrimScript(): string {
  const rules = dpkgPathRules();
  const excluded = rules.filter((rule) => rule.kind === "exclude");
  const included = rules.filter((rule) => rule.kind === "include");
  const roots = [...new Set(excluded.map((rule) => globRoot(rule.glob)))];
  const matchesExcluded = excluded.map((rule) => `-path ${shellQuote(rule.glob)}`).join(" -o ");
  const notIncluded = included.map((rule) => `! -path ${shellQuote(rule.glob)}`).join(" ");
  return [
    ...dpkgExcludesScript(),
    "roots=()",
    `for root in ${roots.map(shellQuote).join(" ")}; do [ ! -d "$root" ] || roots+=("$root"); done`,
    'if [ "${#roots[@]}" -gt 0 ]; then',
    `  find "\${roots[@]}" ! -type d \\( ${matchesExcluded} \\) ${notIncluded} -delete`,
    `  find "\${roots[@]}" -mindepth 1 -depth -type d -empty \\( ${matchesExcluded} \\) -delete`,
    "fi",
  ].join("\n");
}
