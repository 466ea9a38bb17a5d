import { expect, test } from "vitest";
import { adviceForBuildFailure } from "./advice.js";

test("a certificate error from a download in the build points at the mirror's ca=FILE", () => {
  const stderr =
    "#9 1.111 kiln node feature: cannot download https://registry.npmjs.org/pnpm/-/pnpm-10.34.8.tgz: fetch failed\n#9 ERR_PNPM_FETCH SELF_SIGNED_CERT_IN_CHAIN\n";
  expect(adviceForBuildFailure(stderr)).toMatchObject({ code: "KILN_TLS_UNTRUSTED", fix: expect.stringContaining("--mirror ca=") });
});

test("an unreachable registry is told apart from an untrusted certificate", () => {
  expect(adviceForBuildFailure("dial tcp 127.0.0.1:5000: connect: connection refused\n")?.code).toBe("KILN_REGISTRY_UNREACHABLE");
  expect(adviceForBuildFailure("some other failure\n")).toBeUndefined();
});

test("a registry's own 5xx during a push is a registry error, which pushes retry", () => {
  const stderr =
    "#19 pushing layer 4f4fb700ef54 done\n#19 ERROR: unexpected status from HEAD request to http://127.0.0.1:5000/v2/kiln/debian-nginx/manifests/sha-24e06a9: 500 Internal Server Error\n";
  expect(adviceForBuildFailure(stderr)).toMatchObject({ code: "KILN_REGISTRY_ERROR" });
  expect(adviceForBuildFailure("failed to push: 503 Service Unavailable\n")?.code).toBe("KILN_REGISTRY_ERROR");
  // A port number or a 404 is not one.
  expect(
    adviceForBuildFailure("ERROR: failed to solve: failed to resolve source metadata for 127.0.0.1:5000/x:500: not found\n")?.code,
  ).toBe("KILN_BASE_NOT_FOUND");
});

test("a base whose index lacks a platform is named as such, not as missing emulation", () => {
  const stderr =
    "#7 [linux/amd64 kiln-packages 1/3] FROM 127.0.0.1:5000/kiln/debian-base:0.1.0@sha256:15b313f13f510182b7da9f2128cbc9843a878d00aec390a915cd49941cf608d9\n" +
    "ERROR: failed to solve: failed to resolve source metadata for 127.0.0.1:5000/kiln/debian-base:0.1.0@sha256:15b313f13f510182b7da9f2128cbc9843a878d00aec390a915cd49941cf608d9: no match for platform in manifest: not found\n";
  expect(adviceForBuildFailure(stderr)).toMatchObject({ code: "KILN_PLATFORM_MISSING", fix: expect.stringContaining("--platform") });
  expect(adviceForBuildFailure("exec /bin/sh: exec format error\n")?.code).toBe("KILN_NO_EMULATION");
});
