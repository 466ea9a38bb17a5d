#!/usr/bin/env node
// pnpm bench: kiln against docker buildx bake and a hand-written build script, on the real
// engine. Options: --only start,synth,lint,noop,cold,leafChange,platforms,engines,size,release,scale,remoteCache,familyArm64
// --runs N (every scenario; by default each has its own count, so the whole bench fits in about 20 minutes).
// Results: bench/results/<date>.json and .md, and the table on stdout.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { scenarios } from "./scenarios.js";
import { resultsTable } from "./table.js";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};
/** From-scratch builds take minutes each: they run once unless --runs says otherwise. */
const defaultRuns = {
  start: 10,
  synth: 5,
  lint: 5,
  noop: 5,
  cold: 1,
  // five rounds: one leaf sample is 2–3 s with a spread of 20–30% on this machine
  leafChange: 5,
  platforms: 5,
  engines: 3,
  size: 1,
  release: 2,
  scale: 3,
  remoteCache: 2,
  familyArm64: 2,
};
/**
 * Scenarios that run only when --only names them: familyArm64 builds five images under QEMU from
 * scratch, about 4 minutes a sample, and twice that with its baseline.
 */
const onlyWhenAsked = new Set(["familyArm64"]);
const runsOption = option("runs");
const runs = runsOption === undefined ? undefined : Number(runsOption);
const only = option("only")?.split(",") ?? Object.keys(scenarios).filter((name) => !onlyWhenAsked.has(name));
const unknown = only.filter((name) => !(name in scenarios));
if (unknown.length > 0 || (runs !== undefined && (!Number.isInteger(runs) || runs < 1))) {
  console.error(
    `pnpm bench: ${unknown.length > 0 ? `unknown scenario ${unknown.join(", ")}` : "--runs takes a positive integer"}; scenarios: ${Object.keys(scenarios).join(", ")}`,
  );
  process.exit(2);
}

try {
  execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "pipe" });
} catch {
  console.error(
    "pnpm bench needs a Docker engine with buildx, QEMU and the loopback registry: run sudo bash scripts/provision-engine.sh && sudo bash scripts/make-debian-base.sh",
  );
  process.exit(3);
}

const started = Date.now();
/**
 * The machine's load average (1, 5 and 15 minutes) when the bench starts and ends: other work
 * on the 2 cores (a test suite outside the e2e lock) slows every subject, and this is where a
 * result shows it.
 */
const loadAverage = () => os.loadavg().map((load) => Number(load.toFixed(2)));
const loadAtStart = loadAverage();
const rows = [];
for (const name of only) {
  const since = Date.now();
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await scenarios[name]({ runs: runs ?? defaultRuns[name] })));
  process.stderr.write(`bench: ${name} took ${((Date.now() - since) / 1000).toFixed(0)} s\n`);
}

const date = new Date()
  .toISOString()
  .replace(/:/g, "-")
  .replace(/\.\d+Z$/, "Z");
const resultsDir = path.join(fileURLToPath(new URL(".", import.meta.url)), "results");
mkdirSync(resultsDir, { recursive: true });
const machine = {
  cpus: os.cpus().length,
  node: process.version,
  totalSeconds: Math.round((Date.now() - started) / 1000),
  loadAverage: { start: loadAtStart, end: loadAverage() },
};
writeFileSync(path.join(resultsDir, `${date}.json`), `${JSON.stringify({ date, runs: runs ?? defaultRuns, machine, rows }, null, 2)}\n`);
const table = resultsTable(rows);
const runsText =
  runs === undefined
    ? Object.entries(defaultRuns)
        .filter(([name]) => only.includes(name))
        .map(([name, n]) => `${name} ${n}`)
        .join(", ")
    : String(runs);
writeFileSync(
  path.join(resultsDir, `${date}.md`),
  `# kiln bench ${date}\n\n${machine.cpus} CPUs, Node ${machine.node}, runs per subject: ${runsText}; ${machine.totalSeconds} s in all; load average ${loadAtStart.join(" ")} at the start, ${machine.loadAverage.end.join(" ")} at the end.\n\n${table}`,
);
process.stdout.write(table);
process.stderr.write(`bench: wrote bench/results/${date}.json and .md (${machine.totalSeconds} s)\n`);
