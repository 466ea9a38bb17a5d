import { describe, expect, test } from "vitest";
import { lintText } from "./lint.js";
import { shellcheckAvailable } from "./shellcheck.js";

// CI installs shellcheck (.ci/run); without it these tests cannot say anything, and fail.
describe("shellcheck on RUN scripts", () => {
  test("is installed", async () => {
    expect(await shellcheckAvailable()).toBe(true);
  });

  test("findings land on the Dockerfile line and column, with shellcheck's own severity", async () => {
    const text = ["FROM debian:12", "RUN set -e; \\", "    echo $1 > /out"].join("\n");
    const findings = (await lintText(text, "Dockerfile")).filter((f) => f.code.startsWith("SC"));
    expect(findings).toEqual([expect.objectContaining({ code: "SC2086", severity: "info", line: 3, column: 10 })]);
  });

  test("a heredoc script maps to its own lines; ARG and ENV names count as set", async () => {
    const text = ["FROM debian:12", "ARG version", "RUN <<EOF", 'echo "$version"', "cd /tmp", "ls `pwd`", "EOF"].join("\n");
    const findings = (await lintText(text, "Dockerfile")).filter((f) => f.code.startsWith("SC"));
    expect(findings.map((f) => [f.code, f.line, f.column])).toEqual(
      expect.arrayContaining([
        ["SC2164", 5, 1],
        ["SC2006", 6, 4],
      ]),
    );
    expect(findings.map((f) => f.code)).not.toContain("SC2154");
  });

  test("the shell comes from SHELL: bash syntax is fine under bash, an error under sh", async () => {
    const script = 'RUN if [[ -n "$HOME" ]]; then echo ok; fi';
    const bash = await lintText(["FROM debian:12", 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', script].join("\n"), "Dockerfile");
    expect(bash.filter((f) => f.code.startsWith("SC"))).toEqual([]);
    const sh = await lintText(["FROM debian:12", script].join("\n"), "Dockerfile");
    expect(sh.map((f) => f.code)).toContain("SC3010");
  });

  test("the default /bin/sh is checked as dash (Debian's and Ubuntu's sh; Alpine's BusyBox ash is its kin): local is fine", async () => {
    const script = 'RUN f() { local dir="$1"; ls "$dir"; }; f /tmp';
    for (const base of ["debian:12", "alpine:3.22"]) {
      const findings = await lintText([`FROM ${base}`, script].join("\n"), "Dockerfile");
      expect(findings.map((f) => f.code)).not.toContain("SC3043");
    }
    // A bashism dash lacks is still reported.
    const arrays = await lintText(["FROM debian:12", 'RUN a=(x y); echo "${a[0]}"'].join("\n"), "Dockerfile");
    expect(arrays.map((f) => f.code)).toContain("SC3030");
  });

  test("SC1090/SC1091 are off; pwsh stages, python heredocs and exec form are not checked", async () => {
    const text = [
      "FROM debian:12",
      ". /etc/os-release",
      "RUN . /etc/os-release && echo $ID",
      "RUN <<EOF",
      "#!/usr/bin/env python3",
      "print('$x')",
      "EOF",
      'RUN ["sh", "-c", "echo $1"]',
      'SHELL ["pwsh", "-Command"]',
      "RUN Write-Host $env:X",
    ]
      .join("\n")
      .replace(". /etc/os-release\n", "");
    const codes = (await lintText(text, "Dockerfile")).map((f) => f.code);
    expect(codes.filter((c) => c.startsWith("SC") && c !== "SC2086")).toEqual([]);
    expect(codes.filter((c) => c === "SC2086").length).toBe(1);
  });

  test("a script over the time limit is reported, not waited for", async () => {
    const findings = await lintText(["FROM debian:12", "RUN echo hi"].join("\n"), "Dockerfile", { shellcheckTimeoutMs: 1 });
    expect(findings).toEqual([expect.objectContaining({ code: "KL004", line: 2 })]);
  });
});
