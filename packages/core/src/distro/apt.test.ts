import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { debian } from "./debian.js";
import { ubuntu } from "./ubuntu.js";

describe.each([
  ["debian", debian, ["KILN_APT_DEBIAN_MIRROR", "KILN_APT_DEBIAN_SECURITY_MIRROR", "KILN_MIRROR_PERSIST"]],
  ["ubuntu", ubuntu, ["KILN_APT_UBUNTU_MIRROR", "KILN_APT_UBUNTU_PORTS_MIRROR", "KILN_MIRROR_PERSIST"]],
] as const)("%s adapter", (_name, adapter, mirrorArgs) => {
  test("installs without recommends and removes the package lists in the same script", () => {
    const lines = adapter.installScript(["nginx", "tini"], [], []).split("\n");
    expect(lines).toContain('DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y --no-install-recommends nginx tini');
    expect(lines.at(-1)).toContain("rm -rf /var/lib/apt/lists/*");
    expect(lines.indexOf('apt-get "${apt_options[@]}" update')).toBeLessThan(lines.findIndex((l) => l.includes("install -y")));
  });

  test("apt runs without debconf's pre-configuration hook, from a config file the script removes", () => {
    const lines = adapter.installScript(["nginx"], [], []).split("\n");
    const written = lines.findIndex((line) => line.includes("> /tmp/kiln-apt.conf"));
    const passed = lines.indexOf("apt_options+=(-c /tmp/kiln-apt.conf)");
    const install = lines.findIndex((line) => line.includes("install -y"));
    expect(written).toBeGreaterThan(-1);
    expect(passed).toBeGreaterThan(written);
    expect(install).toBeGreaterThan(passed);
    expect(lines.at(-1)).toContain(" /tmp/kiln-apt.conf ");
  });

  // Real apt reads the file the script writes: on a machine with debconf installed, its hook is
  // configured by default and gone with the file.
  test.runIf(spawnSync("apt-config", ["dump"]).stdout?.toString().includes("dpkg-preconfigure"))(
    "apt-config reads no pre-install hook from the file the script writes",
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), "kiln-apt-conf-"));
      try {
        const writeLine = adapter
          .installScript(["nginx"], [], [])
          .split("\n")
          .find((line) => line.includes("> /tmp/kiln-apt.conf"));
        const file = path.join(dir, "apt.conf");
        execFileSync("bash", ["-c", writeLine!.replace("/tmp/kiln-apt.conf", file)]);
        const hooks = execFileSync("apt-config", ["-c", file, "dump", "DPkg::Pre-Install-Pkgs"], { encoding: "utf8" });
        expect(hooks).not.toContain("dpkg-preconfigure");
        // dpkg's maintainer scripts find the stand-ins first, then apt's usual directories.
        const dpkgPath = execFileSync("apt-config", ["-c", file, "shell", "P", "DPkg::Path"], { encoding: "utf8" });
        expect(dpkgPath.trim()).toBe("P='/tmp/kiln-dpkg-path:/usr/sbin:/usr/bin:/sbin:/bin'");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test("maintainer scripts' init-system helpers are stand-ins that succeed, update-ca-certificates runs once after apt", () => {
    const script = adapter.installScript(["nginx"], ["gcc"], []);
    const lines = script.split("\n");
    const first = lines.indexOf("mkdir -p /tmp/kiln-dpkg-path");
    const last = lines.indexOf("chmod +x /tmp/kiln-dpkg-path/*");
    expect(first).toBeGreaterThan(-1);
    expect(last).toBeLessThan(lines.findIndex((line) => line.includes("install -y")));
    expect(lines.at(-1)).toContain(" /tmp/kiln-dpkg-path ");
    // Both installs (packages, then build-only packages) are followed by the deferred run.
    expect(lines.filter((line) => line.startsWith("if [ -f /tmp/kiln-dpkg-path/update-ca-certificates.calls ]"))).toHaveLength(2);

    // The stand-ins as the script writes them, and the deferred run after an install, in bash.
    const dir = mkdtempSync(path.join(tmpdir(), "kiln-dpkg-path-"));
    try {
      const here = (line: string) => line.replaceAll("/tmp/kiln-dpkg-path", path.join(dir, "path"));
      execFileSync("bash", [
        "-c",
        lines
          .slice(first, last + 1)
          .map(here)
          .join("\n"),
      ]);
      for (const helper of ["deb-systemd-helper", "update-rc.d"]) {
        expect(spawnSync(path.join(dir, "path", helper), ["enable", "nginx.service"]).status).toBe(0);
      }
      // What maintainer scripts do in a first install of ca-certificates: its configure step, then its trigger.
      const standIn = path.join(dir, "path", "update-ca-certificates");
      expect(spawnSync(standIn, ["--hooksdir", "", "--fresh"]).status).toBe(0);
      expect(spawnSync(standIn, []).status).toBe(0);
      // After apt, the real one (here: one that records how it is run, first on the build's PATH) runs once.
      const bin = path.join(dir, "bin");
      execFileSync("bash", [
        "-c",
        `mkdir -p ${bin} && printf '#!/bin/sh\\necho "$*" >> ${dir}/ran\\n' > ${bin}/update-ca-certificates && chmod +x ${bin}/update-ca-certificates`,
      ]);
      const deferred = lines.slice(
        lines.findIndex((line) => line.startsWith("if [ -f /tmp/kiln-dpkg-path/update-ca-certificates.calls ]")),
      );
      const run = deferred
        .slice(0, deferred.indexOf("fi") + 1)
        .map(here)
        .join("\n");
      execFileSync("bash", ["-c", run], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      expect(readFileSync(path.join(dir, "ran"), "utf8")).toBe("--fresh\n");
      // Nothing asked for it: nothing runs.
      execFileSync("bash", ["-c", run], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      expect(readFileSync(path.join(dir, "ran"), "utf8")).toBe("--fresh\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("build-only packages are purged after the build steps", () => {
    const lines = adapter.installScript([], ["gcc", "make"], ["make -C /src"]).split("\n");
    expect(lines.indexOf("apt-get purge -y --auto-remove gcc make")).toBeGreaterThan(lines.indexOf("make -C /src"));
  });

  test("mirrors rewrite copies of the sources, each archive matched by its whole last path segment, without sed", () => {
    const script = adapter.installScript(["curl"], [], []);
    expect(script).toContain("Dir::Etc::SourceParts=/tmp/kiln-apt");
    const [one, other] = adapter.name === "debian" ? ["debian", "debian-security"] : ["ubuntu", "ubuntu-ports"];
    for (const suffix of [one, other]) expect(script).toContain(`https://*/${suffix} | http://*/${suffix}/`);
    expect(script).not.toContain("sed");
    expect(adapter.mirrorArgs).toEqual(mirrorArgs);
  });

  test("a login user is given * (no password, not locked)", () => {
    const lines = adapter
      .accountScript([], [{ name: "dev", uid: 1000, groups: ["sudo"], login: true, system: false, shell: "/bin/bash" }])
      .split("\n");
    expect(lines).toEqual([
      "groupadd --gid 1000 dev",
      "useradd --uid 1000 --gid dev --groups sudo --home-dir /home/dev --create-home --shell /bin/bash dev",
      "usermod -p '*' dev",
    ]);
  });

  test("uses bash with pipefail, since dash has no pipefail", () => {
    expect(adapter.shell).toEqual(["/bin/bash", "-eo", "pipefail", "-c"]);
  });
});
