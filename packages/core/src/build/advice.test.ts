import { expect, test } from "vitest";
import { adviceForBuildFailure } from "./advice.js";

test("a certificate error from a download in the build points at the mirror's ca=FILE", () => {
  const stderr = "#9 1.111 kiln node feature: cannot download https://registry.npmjs.org/pnpm/-/pnpm-10.34.8.tgz: fetch failed\n#9 ERR_PNPM_FETCH SELF_SIGNED_CERT_IN_CHAIN\n";
  expect(adviceForBuildFailure(stderr)).toMatchObject({ code: "KILN_TLS_UNTRUSTED", fix: expect.stringContaining("--mirror ca=") });
});

test("an unreachable registry is told apart from an untrusted certificate", () => {
  expect(adviceForBuildFailure("dial tcp 127.0.0.1:5000: connect: connection refused\n")?.code).toBe("KILN_REGISTRY_UNREACHABLE");
  expect(adviceForBuildFailure("some other failure\n")).toBeUndefined();
});
