import { describe, expect, test } from "vitest";
import { parseBinfmtEntry, parseBuilderNodes, parseBuildxInspect, parseBuildxVersion, platformPlacement } from "./buildx-info.js";

describe("parseBuildxVersion", () => {
  test.each([
    ["github.com/docker/buildx v0.17.1 257815a6fb95ae4ea8a7d25e4fab0e5bc5a2e6b4", "0.17.1"],
    ["github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3", "0.13.1"],
    ["github.com/docker/buildx 9e4d9b4 9e4d9b4", "9e4d9b4"],
    ["nothing useful", undefined],
  ])("%s → %s", (stdout, expected) => {
    expect(parseBuildxVersion(stdout)).toBe(expected);
  });
});

describe("parseBuildxInspect", () => {
  test("reads name, driver and platforms (dropping the * preference marks)", () => {
    const stdout = [
      "Name:          default",
      "Driver:        docker",
      "Last Activity: 2026-11-22 15:00:00 +0000 UTC",
      "",
      "Nodes:",
      "Name:      default",
      "Endpoint:  default",
      "Status:    running",
      "BuildKit:  v0.13.2",
      "Platforms: linux/amd64, linux/amd64/v2, linux/arm64*, linux/386",
    ].join("\n");
    expect(parseBuildxInspect(stdout)).toEqual({
      name: "default",
      driver: "docker",
      platforms: ["linux/amd64", "linux/amd64/v2", "linux/arm64", "linux/386"],
    });
  });
});

describe("parseBinfmtEntry", () => {
  test.each([
    ["enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0", { enabled: true, fixBinary: true }],
    ["disabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OC\n", { enabled: false, fixBinary: false }],
  ])("%#", (content, expected) => {
    expect(parseBinfmtEntry(content)).toEqual(expected);
  });
});

describe("parseBuilderNodes and platformPlacement: which node builds a platform, natively or emulated", () => {
  const twoNodes = [
    "Name:          fleet",
    "Driver:        docker-container",
    "Last Activity: 2026-12-07 06:00:00 +0000 UTC",
    "",
    "Nodes:",
    "Name:                  fleet0",
    "Endpoint:              unix:///var/run/docker.sock",
    "Status:                running",
    "BuildKit daemon flags: --allow-insecure-entitlement=network.host",
    "BuildKit version:      v0.13.2",
    "Platforms:             linux/amd64, linux/amd64/v2, linux/arm64, linux/386",
    "Labels:",
    " org.mobyproject.buildkit.worker.executor: oci",
    "",
    "Name:             fleet1",
    "Endpoint:         ssh://pi@arm-host",
    "Status:           inactive",
    "Platforms:        linux/arm64*, linux/arm/v7",
  ].join("\n");

  test("reads the builder, then every node with its endpoint, status, platforms and the ones it was created for", () => {
    expect(parseBuilderNodes(twoNodes)).toEqual({
      name: "fleet",
      driver: "docker-container",
      nodes: [
        {
          name: "fleet0",
          endpoint: "unix:///var/run/docker.sock",
          status: "running",
          platforms: ["linux/amd64", "linux/amd64/v2", "linux/arm64", "linux/386"],
          preferred: [],
        },
        {
          name: "fleet1",
          endpoint: "ssh://pi@arm-host",
          status: "inactive",
          platforms: ["linux/arm64", "linux/arm/v7"],
          preferred: ["linux/arm64"],
        },
      ],
    });
  });

  test.each([
    ["linux/amd64", { kind: "native", node: "fleet0" }],
    ["linux/arm64", { kind: "native", node: "fleet1" }],
    ["linux/386", { kind: "emulated", node: "fleet0" }],
    ["linux/arm/v7", { kind: "emulated", node: "fleet1" }],
    ["linux/s390x", { kind: "none" }],
  ])("a native arm64 node appended to an amd64 one: %s → %j", (platform, expected) => {
    expect(platformPlacement(platform, parseBuilderNodes(twoNodes), "linux/amd64")).toEqual(expected);
  });

  test("the docker driver builds the engine's own platform natively and emulates the rest", () => {
    const docker = [
      "Name:   default",
      "Driver: docker",
      "",
      "Nodes:",
      "Name:             default",
      "Endpoint:         default",
      "Status:           running",
      "BuildKit version: v0.0.0+unknown",
      "Platforms:        linux/amd64, linux/amd64/v2, linux/arm64",
    ].join("\n");
    const builder = parseBuilderNodes(docker);
    expect(platformPlacement("linux/amd64", builder, "linux/amd64")).toEqual({ kind: "native", node: "default" });
    expect(platformPlacement("linux/arm64", builder, "linux/amd64")).toEqual({ kind: "emulated", node: "default" });
  });
});
