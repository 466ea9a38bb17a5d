import { commandContext, loadSelection } from "../context.js";
import { formatTable, printJson, printLine } from "../output.js";

export interface ListArgs {
  json: boolean;
}

/** `kiln list`: every image in build order, with what it is built from. */
export async function list(args: ListArgs, signal: AbortSignal): Promise<void> {
  const workspace = await loadSelection(commandContext([], process.cwd()), signal);
  const rows = workspace.images.map(({ pkg, resolved }) => ({
    name: pkg.name,
    version: pkg.version,
    distro: resolved.distro.name,
    base: resolved.base.kind === "workspace" ? resolved.base.name : resolved.base.reference,
    platforms: resolved.platforms,
    features: resolved.features,
    path: pkg.definitionPath,
  }));
  if (args.json) return printJson(rows);
  printLine(
    formatTable(
      ["IMAGE", "VERSION", "DISTRO", "FROM", "PLATFORMS", "FEATURES"],
      rows.map((r) => [r.name, r.version, r.distro, r.base, r.platforms.join(","), r.features.join(",") || "-"]),
    ),
  );
}
