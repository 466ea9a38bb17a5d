import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { platforms, TestContainers } from "./containers.js";
import { debianBaseMirror, engineForE2e } from "./engine.js";
import { kiln, repositoryRoot } from "./kiln.js";

/**
 * Issue 11's fixture workspace (e2e/fixtures/compose): three images written only the documented
 * way, in a copy of the repository's workspace, synthesized, linted, built for both platforms and
 * passing `kiln test`; the admin image's login is made with the real ssh client on port 22.
 */
const engine = await engineForE2e();
const fixtures = path.join(repositoryRoot, "e2e/fixtures/compose");
const names = readdirSync(fixtures, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const parents = ["debian-base", "debian-ssh", "debian-init"];
const workspace = mkdtempSync(path.join(tmpdir(), "kiln-e2e-compose-"));
const containers = new TestContainers();

describe.skipIf(!engine.available)("the compose fixture workspace", () => {
  beforeAll(async () => {
    writeFileSync(path.join(workspace, "pnpm-workspace.yaml"), "packages:\n  - images/*\n");
    cpSync(path.join(repositoryRoot, "images"), path.join(workspace, "images"), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}node_modules`),
    });
    for (const name of names) cpSync(path.join(fixtures, name), path.join(workspace, "images", name), { recursive: true });
    const synth = await kiln(["synth", ...names], { cwd: workspace });
    expect(synth.exitCode, synth.stderr).toBe(0);
    const build = await kiln(["build", ...parents, ...names, "--mirror", debianBaseMirror, "--progress", "plain"], { cwd: workspace });
    expect(build.exitCode, build.stderr.slice(-4000)).toBe(0);
    // Three parents and three fixtures, arm64 under QEMU: more than the suite's default hook time.
  }, 60 * 60_000);

  afterAll(async () => {
    await containers.removeAll();
    rmSync(workspace, { recursive: true, force: true });
  });

  test("the fixtures lint clean, and synth says debian-ssh's EXPOSE 2222 stays", async () => {
    const lint = await kiln(["lint", "--level", "warning"], { cwd: workspace });
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
    const synth = await kiln(["synth", "--check", "compose-admin-ssh"], { cwd: workspace });
    expect(synth.stderr).toMatch(/note: debian-ssh's EXPOSE 2222\/tcp \(ssh\(\)\) stays: Docker cannot remove an exposed port/);
    const dockerfile = readFileSync(path.join(workspace, "images/compose-admin-ssh/Dockerfile"), "utf8");
    // Re-applying ssh() installs nothing and creates only the new account.
    expect(dockerfile).not.toMatch(/apt-get/);
    expect(readFileSync(path.join(workspace, "images/compose-supervised/Dockerfile"), "utf8")).not.toMatch(/apt-get|groupadd/);
  });

  test.each(names)("kiln test %s passes on both platforms", async (name) => {
    const result = await kiln(["test", name], { cwd: workspace });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    for (const [platform] of platforms) expect(result.stdout).toContain(`✓ ${name} ${platform}`);
  });

  test.each(platforms)("on %s, the real ssh client logs in as admin on port 22", async (platform) => {
    const key = path.join(workspace, `key-${platform.replace("/", "-")}`);
    const made = await execute({ command: "ssh-keygen", args: ["-q", "-t", "ed25519", "-N", "", "-C", "kiln-e2e-compose", "-f", key] });
    expect(made.exitCode, made.stderr).toBe(0);
    const id = await containers.start([
      "--platform",
      platform,
      "-p",
      "127.0.0.1::22",
      "-e",
      `PUBLIC_KEY=${readFileSync(`${key}.pub`, "utf8").trim()}`,
      "kiln.local/compose-admin-ssh:0.1.0",
    ]);
    await containers.waitHealthy(id);
    const port = await containers.hostPort(id, "22/tcp");
    const login = await execute({
      command: "ssh",
      args: [
        "-i",
        key,
        "-p",
        String(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "ConnectTimeout=20",
        "-o",
        "LogLevel=ERROR",
        "admin@127.0.0.1",
        "id -un; uname -m",
      ],
    });
    expect(login.exitCode, login.stderr).toBe(0);
    expect(login.stdout).toMatch(new RegExp(`^admin\\n${platform === "linux/amd64" ? "x86_64" : "aarch64"}\\n$`));
    const app = await execute({
      command: "ssh",
      args: [
        "-i",
        key,
        "-p",
        String(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "LogLevel=ERROR",
        "app@127.0.0.1",
        "true",
      ],
    });
    // The key is authorized for the image's login user alone.
    expect(app.exitCode).not.toBe(0);
  });
});
