import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { lintBytes, type Finding, type LintOptions } from "./lint.js";
import { ProcessPool } from "./shellcheck.js";

/** What `kiln lint a b dir -` was asked for: findings for what could be read, and what could not. */
export interface LintRun {
  findings: Finding[];
  /** how many Dockerfiles were linted */
  files: number;
  /** arguments that name nothing (`no such file`): reported after the findings, exit 2 */
  missing: string[];
}

/** Dockerfile, Dockerfile.dev, app.Dockerfile, build.dockerfile */
export const isDockerfileName = (name: string) =>
  /^(Dockerfile|Containerfile)(\..+)?$/.test(name) || /\.(Dockerfile|dockerfile|Containerfile)$/.test(name);

/** The Dockerfiles under a directory, sorted, skipping dependency and VCS directories. */
export function dockerfilesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["node_modules", ".git", "dist", ".turbo"].includes(entry.name)) found.push(...dockerfilesIn(file));
    } else if (entry.isFile() && isDockerfileName(entry.name)) found.push(file);
  }
  return found;
}

/**
 * Lints files, directories (the Dockerfiles in them) and `-` (standard input, read once), in
 * order, a batch of files at a time. A missing path is collected, never thrown, so the findings
 * of the other files are all reported.
 */
export interface PathOptions extends LintOptions {
  stdin?: () => Promise<Uint8Array>;
  /** awaited before each batch of files: throw from it to stop (a signal) */
  beforeFiles?: () => Promise<void>;
  /** each file's findings, in the order of the paths, as soon as it and those before it are done */
  onFile?: (file: string, findings: Finding[]) => void;
  /** files linted at once (default: twice the cores, so shellcheck processes overlap) */
  parallel?: number;
}

export async function lintPaths(paths: string[], options: PathOptions = {}): Promise<LintRun> {
  const missing: string[] = [];
  const sources: { name: string; read: () => Promise<Uint8Array> }[] = [];
  for (const given of paths) {
    if (given === "-") {
      sources.push({ name: "-", read: options.stdin ?? readStdin });
      continue;
    }
    const stat = statSync(given, { throwIfNoEntry: false });
    if (!stat) missing.push(given);
    else if (stat.isDirectory())
      sources.push(...dockerfilesIn(given).map((file) => ({ name: file, read: () => Promise.resolve(readFileSync(file)) })));
    else sources.push({ name: given, read: () => Promise.resolve(readFileSync(given)) });
  }
  const pool = options.pool ?? new ProcessPool();
  const parallel = options.parallel ?? availableParallelism() * 2;
  const findings: Finding[] = [];
  for (let start = 0; start < sources.length; start += parallel) {
    await options.beforeFiles?.();
    const batch = sources.slice(start, start + parallel);
    const results = await Promise.all(batch.map(async (source) => lintBytes(await source.read(), source.name, { ...options, pool })));
    results.forEach((result, i) => {
      options.onFile?.((batch[i] as { name: string }).name, result);
      findings.push(...result);
    });
  }
  return { findings, files: sources.length, missing };
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
