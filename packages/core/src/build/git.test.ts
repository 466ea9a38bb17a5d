import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { commitFacts } from "./git.js";

let repo: string;
let outside: string;
const commitTime = 1_700_000_000;

beforeAll(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), "kiln-git-"));
  outside = mkdtempSync(path.join(os.tmpdir(), "kiln-no-git-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=kiln", "-c", "user.email=kiln@example.invalid", "-c", "commit.gpgsign=false", ...args], {
      cwd: repo,
      env: { ...process.env, GIT_COMMITTER_DATE: `${commitTime} +0000`, GIT_AUTHOR_DATE: `${commitTime} +0000` },
      stdio: "pipe",
    });
  git("init", "-q");
  writeFileSync(path.join(repo, "file"), "content\n");
  git("add", "file");
  git("commit", "-q", "-m", "one commit");
});

const head = () => execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe("commitFacts", () => {
  test("the revision is HEAD's commit and the creation time its commit time", async () => {
    expect(await commitFacts(repo, {})).toEqual({ revision: head(), createdEpoch: commitTime });
  });

  test("SOURCE_DATE_EPOCH sets the creation time; the revision is still the commit's", async () => {
    const facts = await commitFacts(repo, { SOURCE_DATE_EPOCH: "1234" });
    expect(facts).toEqual({ revision: head(), createdEpoch: 1234 });
  });

  test("outside a git checkout: no revision, and the time only from SOURCE_DATE_EPOCH", async () => {
    expect(await commitFacts(outside, {})).toEqual({ revision: undefined, createdEpoch: undefined });
    expect(await commitFacts(outside, { SOURCE_DATE_EPOCH: "99" })).toEqual({ revision: undefined, createdEpoch: 99 });
  });
});
