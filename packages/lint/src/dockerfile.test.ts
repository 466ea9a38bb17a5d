import { describe, expect, test } from "vitest";
import { parseDockerfile } from "./dockerfile.js";
import { lintBytes, lintText } from "./lint.js";

const lines = (...text: string[]) => `${text.join("\n")}\n`;
const keywords = (text: string) => parseDockerfile(text).instructions.map((i) => `${i.keyword}@${i.line}${i.onbuild ? "(onbuild)" : ""}`);

describe("every syntax form of the Dockerfile reference", () => {
  test("heredocs: any delimiter, <<-, quoted, several on one line; the file goes on after them", () => {
    const file = parseDockerfile(
      lines(
        "FROM debian:12",
        "COPY <<robots.txt <<humans.txt /srv/",
        "User-agent: *",
        "robots.txt",
        "kiln",
        "humans.txt",
        "RUN <<-'EOT' bash",
        "\techo $HOME",
        "\tEOT",
        "USER app",
      ),
    );
    expect(file.problems).toEqual([]);
    expect(file.instructions.map((i) => [i.keyword, i.line])).toEqual([
      ["FROM", 1],
      ["COPY", 2],
      ["RUN", 7],
      ["USER", 10],
    ]);
    expect(file.instructions[1]?.heredocs).toEqual([
      { name: "robots.txt", body: "User-agent: *", terminated: true },
      { name: "humans.txt", body: "kiln", terminated: true },
    ]);
    expect(file.instructions[2]?.heredocs).toEqual([{ name: "EOT", body: "echo $HOME", terminated: true }]);
  });

  test("a RUN that is only a heredoc runs its body; lines map back to the Dockerfile", () => {
    const run = parseDockerfile(lines("FROM debian:12", "RUN <<EOF", "set -e", "  apt-get update", "EOF")).instructions[1];
    expect(run?.script).toEqual({
      text: "set -e\n  apt-get update",
      origins: [
        { line: 3, column: 1 },
        { line: 4, column: 1 },
      ],
      form: "heredoc",
    });
  });

  test("an unterminated heredoc and an unknown instruction are DL1000 findings; a here-string is neither", async () => {
    const open = await lintText(lines("FROM debian:12", "RUN <<EOF", "echo never closed"), "Dockerfile", { shellcheck: "off" });
    expect(open.map((f) => [f.code, f.line])).toEqual([["DL1000", 2]]);
    const typo = await lintText(lines("FROM debian:12", "RUNN echo hi"), "Dockerfile", { shellcheck: "off" });
    expect(typo).toEqual([expect.objectContaining({ code: "DL1000", line: 2, message: "unknown instruction RUNN" })]);
    expect(parseDockerfile(lines("FROM debian:12", "RUN cat <<<'yes'", "USER app")).instructions.map((i) => i.keyword)).toEqual([
      "FROM",
      "RUN",
      "USER",
    ]);
  });

  test("# escape=` changes the continuation character; directives count only at the top", () => {
    const windows = parseDockerfile(lines("# escape=`", "FROM mcr.example/windows:ltsc2022", "RUN dir `", "    c:\\"));
    expect(windows.directives).toEqual({ escape: "`" });
    expect(windows.instructions[1]?.args).toBe("dir c:\\");
    expect(parseDockerfile(lines("FROM a:1", "# syntax=docker/dockerfile:1")).directives).toEqual({});
  });

  test("a line ending in an escaped escape character ends the instruction, as BuildKit reads it", () => {
    // Default escape: `\\` at the end is an escaped backslash, so the COPY ends on its line and
    // the ENV after the blank line is an instruction of its own.
    const backslash = parseDockerfile(
      lines(
        "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022",
        "COPY --from=build \\",
        "\tC:\\\\bin\\\\a.dll \\",
        "\tC:\\\\bin\\\\",
        "",
        "ENV A=1",
      ),
    );
    expect(backslash.instructions.map((i) => [i.keyword, i.line, i.words])).toEqual([
      ["FROM", 1, ["mcr.microsoft.com/windows/nanoserver:ltsc2022"]],
      ["COPY", 2, ["C:\\\\bin\\\\a.dll", "C:\\\\bin\\\\"]],
      ["ENV", 6, ["A=1"]],
    ]);
    // A single trailing backslash still continues; with escape=` it is an ordinary character.
    expect(keywords(lines("FROM a:1", "RUN echo \\", "  done"))).toEqual(["FROM@1", "RUN@2"]);
    const backtick = parseDockerfile(lines("# escape=`", "FROM a:1", "COPY a.dll b.dll C:\\bin\\", "ENV A=1", "RUN dir ``", "ENV B=2"));
    expect(backtick.instructions.map((i) => `${i.keyword}@${i.line}`)).toEqual(["FROM@2", "COPY@3", "ENV@4", "RUN@5", "ENV@6"]);
  });

  test("a BOM and CRLF line ends read like plain LF", () => {
    const file = parseDockerfile("\uFEFFFROM debian:12\r\nRUN apt-get install -y \\\r\n    curl\r\nUSER app\r\n");
    expect(file.instructions.map((i) => [i.keyword, i.line, i.args])).toEqual([
      ["FROM", 1, "debian:12"],
      ["RUN", 2, "apt-get install -y curl"],
      ["USER", 4, "app"],
    ]);
  });

  test("comment and blank lines inside a continuation are dropped, and the script keeps its line numbers", () => {
    const run = parseDockerfile(lines("FROM debian:12", "RUN apt-get update && \\", "    # why curl", "", "    apt-get install -y curl"))
      .instructions[1];
    expect(run?.args).toBe("apt-get update && apt-get install -y curl");
    expect(run?.script?.origins.map((o) => o.line)).toEqual([2, 5]);
  });

  test("ONBUILD triggers are instructions too, and rules apply inside them", async () => {
    expect(keywords(lines("FROM debian:12", "ONBUILD RUN sudo make"))).toEqual(["FROM@1", "ONBUILD@2", "RUN@2(onbuild)"]);
    const findings = await lintText(lines("FROM debian:12", "ONBUILD RUN sudo make", "ONBUILD ADD app.py /app/"), "Dockerfile", {
      shellcheck: "off",
    });
    expect(findings.map((f) => [f.code, f.line])).toEqual(
      expect.arrayContaining([
        ["DL3004", 2],
        ["DL3020", 3],
      ]),
    );
  });

  test("JSON and shell forms, flags (--mount, --link, --chmod, --platform), ARG before FROM", () => {
    const file = parseDockerfile(
      lines(
        "ARG BASE=debian:12",
        "FROM --platform=$BUILDPLATFORM ${BASE} AS build",
        'RUN --mount=type=cache,target=/root/.cache ["make", "all"]',
        "COPY --link --chmod=0755 --from=build /out /usr/bin/",
        'CMD ["app"]',
        "ENTRYPOINT app --serve",
      ),
    );
    expect(file.stages).toEqual([expect.objectContaining({ name: "build", platform: "$BUILDPLATFORM", image: "${BASE}" })]);
    const [, , run, copy, cmd, entrypoint] = file.instructions;
    expect(run?.flags).toEqual([{ name: "mount", value: "type=cache,target=/root/.cache" }]);
    expect(run?.json).toEqual(["make", "all"]);
    expect(run?.script?.form).toBe("exec");
    expect(copy?.flags.map((f) => f.name)).toEqual(["link", "chmod", "from"]);
    expect(copy?.words).toEqual(["/out", "/usr/bin/"]);
    expect(cmd?.json).toEqual(["app"]);
    expect(entrypoint?.json).toBeUndefined();
  });

  test("pwsh, cmd and python heredocs are not read as sh", async () => {
    const pwsh = lines("FROM mcr.example/windows:ltsc2022", 'SHELL ["pwsh", "-Command"]', "RUN Get-ChildItem | Select-Object Name; sudo x");
    expect((await lintText(pwsh, "Dockerfile", { shellcheck: "off" })).map((f) => f.code)).not.toContain("DL4006");
    const python = lines("FROM python:3.13", "RUN <<EOF", "#!/usr/bin/env python3", "import sys; print(sys.argv) | 1", "EOF");
    expect((await lintText(python, "Dockerfile", { shellcheck: "off" })).map((f) => f.code)).not.toContain("DL4006");
  });

  test("an empty, binary, UTF-16 or non-UTF-8 file, and one without FROM, is one DL1000 finding", async () => {
    const messages = async (bytes: Uint8Array) =>
      (await lintBytes(bytes, "Dockerfile", { shellcheck: "off" })).map((f) => `${f.code} ${f.message}`);
    expect(await messages(new Uint8Array())).toEqual(["DL1000 the file has no instructions"]);
    expect(await messages(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]))).toEqual(["DL1000 the file is binary, not a Dockerfile"]);
    expect(await messages(new Uint8Array([0xff, 0xfe, 0x46, 0]))).toEqual(["DL1000 the file is UTF-16: save it as UTF-8"]);
    expect(await messages(new Uint8Array([0x46, 0x52, 0xc3, 0x28]))).toEqual(["DL1000 the file is not valid UTF-8: save it as UTF-8"]);
    expect(await messages(new TextEncoder().encode("RUN echo hi\n"))).toEqual(
      expect.arrayContaining(["DL1000 the file has no FROM instruction"]),
    );
  });
});

describe("pragmas", () => {
  test("# hadolint ignore= above an instruction ignores those codes there only; global ignore= everywhere", async () => {
    const text = lines(
      "FROM debian:12",
      "# hadolint ignore=DL3004,DL3003",
      "RUN cd /x && sudo y",
      "RUN sudo z",
      "# hadolint global ignore=DL3059",
    );
    expect((await lintText(text, "Dockerfile", { shellcheck: "off" })).map((f) => [f.code, f.line])).toEqual([["DL3004", 4]]);
  });
});
