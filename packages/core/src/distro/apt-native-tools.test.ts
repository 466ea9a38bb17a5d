import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  aptNativeBin,
  aptNativeRoot,
  nativeShellCommand,
  nativeTools,
  nativeToolsNotice,
  nativeToolsSetupScript,
  nativeToolsTeardownScript,
} from "./apt-native-tools.js";

/**
 * The scripts run in real bash against a target root and a build-platform root in a temp dir: the
 * build-platform root's programs and loader are this machine's own (x86-64, like the build
 * machines kiln lends programs on), its dpkg status and the target's are written per test.
 */
let dir: string;
let native: string;
let target: string;
let lentBin: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kiln-lent-programs-"));
  native = path.join(dir, "native");
  target = path.join(dir, "target");
  lentBin = path.join(dir, "lent-bin");
  mkdirSync(path.join(native, "usr/lib"), { recursive: true });
  mkdirSync(path.join(native, "var/lib/dpkg"), { recursive: true });
  symlinkSync("/usr/lib/x86_64-linux-gnu", path.join(native, "usr/lib/x86_64-linux-gnu"));
  symlinkSync("/usr/bin", path.join(native, "usr/bin"));
  symlinkSync("usr/bin", path.join(native, "bin"));
  mkdirSync(path.join(target, "usr/lib"), { recursive: true });
  mkdirSync(path.join(target, "var/lib/dpkg"), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stanza = (name: string, version: string, status = "install ok installed") =>
  [`Package: ${name}`, `Status: ${status}`, "Priority: required", `Version: ${version}`, ""].join("\n");

/** The target-root paths the scripts name, moved into the temp dir; the build-platform root's too. */
function relocated(script: string): string {
  return (
    script
      // The lent programs' directory first: its name contains the root's.
      .replaceAll(aptNativeBin, lentBin)
      .replaceAll(aptNativeRoot, native)
      .replace(/(?<![\w-])\/usr\/lib\/x86_64-linux-gnu/g, path.join(target, "usr/lib/x86_64-linux-gnu"))
      .replace(/(?<![\w-])\/lib64/g, path.join(target, "lib64"))
      .replace(/(?<![\w-])\/var\/lib\/dpkg\//g, `${path.join(target, "var/lib/dpkg")}/`)
  );
}

function setUp(nativeStatus: string, targetStatus: string, arches = "arm64\n") {
  writeFileSync(path.join(native, "var/lib/dpkg/status"), nativeStatus);
  writeFileSync(path.join(target, "var/lib/dpkg/status"), targetStatus);
  writeFileSync(path.join(target, "var/lib/dpkg/arch"), arches);
  const script = relocated([...nativeToolsSetupScript(), 'echo "kiln_native_tools=$kiln_native_tools"'].join("\n"));
  return execFileSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });
}

describe("programs lent to an emulated install", () => {
  test("each package with the same version on both sides lends its programs, linked to the build platform's root", () => {
    const out = setUp(
      [stanza("sed", "4.9-1"), stanza("grep", "3.8-5"), stanza("coreutils", "9.1-1"), stanza("perl-base", "5.36.0-7")].join("\n"),
      [stanza("sed", "4.9-1"), stanza("grep", "3.11-4"), stanza("coreutils", "9.1-1"), stanza("perl-base", "5.36.0-7")].join("\n"),
    );
    expect(out).toContain("kiln_native_tools=1");
    const lent = readdirSync(lentBin).sort();
    expect(lent).toContain("sed");
    expect(lent).toEqual(expect.arrayContaining([...(nativeTools.coreutils ?? [])]));
    expect(lent, "grep's versions differ").not.toContain("grep");
    expect(lent, "perl is never lent").not.toContain("perl");
    expect(readlinkSync(path.join(lentBin, "sed"))).toMatch(new RegExp(`^${native}/(usr/)?bin/sed$`));
    // The loader is where x86-64 programs name it, and finds its libraries through the target's path.
    expect(readlinkSync(path.join(target, "lib64/ld-linux-x86-64.so.2"))).toBe(
      path.join(target, "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
    );
    expect(readlinkSync(path.join(target, "usr/lib/x86_64-linux-gnu"))).toBe(path.join(native, "usr/lib/x86_64-linux-gnu"));
    expect(out).toMatch(new RegExp(`^${nativeToolsNotice} .*\\bsed\\b`, "m"));
    // A lent program runs.
    expect(execFileSync(path.join(lentBin, "sed"), ["-e", "s/a/b/"], { input: "abc", encoding: "utf8" })).toBe("bbc");
  });

  test("a package installed only on one side, or not fully installed, lends nothing", () => {
    const out = setUp(
      [stanza("sed", "4.9-1", "deinstall ok config-files"), stanza("grep", "3.8-5")].join("\n"),
      [stanza("sed", "4.9-1"), stanza("findutils", "4.9.0-4")].join("\n"),
    );
    expect(out).toContain("kiln_native_tools=1");
    expect(readdirSync(lentBin)).toEqual([]);
    expect(out).not.toContain(nativeToolsNotice);
  });

  test("a target with foreign architectures of its own, or with x86-64 libraries, keeps its own programs", () => {
    const status = stanza("sed", "4.9-1");
    expect(setUp(status, status, "arm64\namd64\n")).toContain("kiln_native_tools=0");
    expect(existsSync(path.join(target, "lib64"))).toBe(false);

    mkdirSync(path.join(target, "usr/lib/x86_64-linux-gnu"));
    expect(setUp(status, status), "a native build: the target is x86-64 itself").toContain("kiln_native_tools=0");
    expect(existsSync(lentBin)).toBe(false);
  });

  test("the teardown removes the loader, the library link and the lent programs, and leaves the build platform's root alone", () => {
    const status = stanza("sed", "4.9-1");
    writeFileSync(path.join(native, "var/lib/dpkg/status"), status);
    writeFileSync(path.join(target, "var/lib/dpkg/status"), status);
    const script = relocated([...nativeToolsSetupScript(), ...nativeToolsTeardownScript()].join("\n"));
    execFileSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8" });
    for (const leftover of ["lib64", "usr/lib/x86_64-linux-gnu"]) expect(existsSync(path.join(target, leftover)), leftover).toBe(false);
    expect(existsSync(lentBin)).toBe(false);
    expect(existsSync("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")).toBe(true);
    expect(readFileSync(path.join(native, "var/lib/dpkg/status"), "utf8")).toBe(status);
  });
});

describe("a target's shell-script command with the lent dash", () => {
  /** A command `kiln-fake-update` in its own directory on PATH, and a lent "dash" that notes its arguments. */
  function run(shebang: string, lendDash: boolean) {
    const bin = path.join(dir, "target-bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "kiln-fake-update"), `${shebang}\necho "ran $*"\n`, { mode: 0o755 });
    if (lendDash) {
      mkdirSync(lentBin);
      writeFileSync(path.join(lentBin, "dash"), `#!/bin/sh\necho "lent dash $*"\nexec /bin/sh "$@"\n`, { mode: 0o755 });
    }
    const script = relocated(["ca_options=(--fresh)", ...nativeShellCommand("kiln-fake-update", '"${ca_options[@]}"')].join("\n"));
    return spawnSync("bash", ["-euo", "pipefail", "-c", script], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
  }

  test("a #!/bin/sh script runs under the lent dash with its flags and arguments", () => {
    const result = run("#!/bin/sh -e", true);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`lent dash -e ${path.join(dir, "target-bin/kiln-fake-update")} --fresh\nran --fresh\n`);
  });

  test("another interpreter, or no lent dash, runs the command as it is", () => {
    expect(run("#!/bin/bash", true).stdout).toBe("ran --fresh\n");
    rmSync(path.join(dir, "target-bin"), { recursive: true });
    rmSync(lentBin, { recursive: true });
    expect(run("#!/bin/sh -e", false).stdout).toBe("ran --fresh\n");
  });
});
