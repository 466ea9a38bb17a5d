import { describe, expect, test } from "vitest";
import { sbomCommand, verifyAttestationCommand } from "./signing.js";

const reference = `127.0.0.1:5000/kiln/blog@sha256:${"a".repeat(64)}`;

describe("cosign commands for the two SBOM formats", () => {
  test.each([
    ["spdx", "spdxjson"],
    ["cyclonedx", "cyclonedx"],
  ] as const)("%s: attested with --type %s (its in-toto predicate type), and verified with the same type", (format, type) => {
    const attest = sbomCommand(reference, `/tmp/x.${format}.json`, { mode: "key", key: "cosign.key" }, format);
    expect(attest.args).toEqual([
      "attest",
      "--yes",
      "--type",
      type,
      "--predicate",
      `/tmp/x.${format}.json`,
      "--key",
      "cosign.key",
      "--tlog-upload=false",
      "--allow-http-registry",
      reference,
    ]);
    expect(verifyAttestationCommand(reference, "cosign.pub", format).args).toContain(type);
  });

  test("unsigned: attached as an SBOM of its own type", () => {
    expect(sbomCommand(reference, "/tmp/x.cdx.json", { mode: "none" }, "cyclonedx").args.slice(0, 6)).toEqual([
      "attach",
      "sbom",
      "--sbom",
      "/tmp/x.cdx.json",
      "--type",
      "cyclonedx",
    ]);
  });
});
