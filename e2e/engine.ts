import { existsSync } from "node:fs";
import { probeEngine } from "@kiln/engine";

/**
 * Whether the e2e suite can run. Without an engine it is skipped with the reason printed, unless
 * KILN_E2E_REQUIRED=1 (CI), where a missing engine is a failure: a skip must never pass as green.
 */
export async function engineForE2e(): Promise<{ available: boolean; reason: string }> {
  const status = await probeEngine();
  if (status.reachable) return { available: true, reason: `Docker Engine ${status.version}` };
  return { available: availableForE2e(false, status.reason), reason: status.reason };
}

/**
 * The same rule for anything else an e2e file needs (the loopback registry and its Debian base):
 * true when it is there; otherwise the reason is printed and the file skips, or, under
 * KILN_E2E_REQUIRED=1, this throws.
 */
export function availableForE2e(available: boolean, reason: string): boolean {
  if (available) return true;
  if (process.env.KILN_E2E_REQUIRED === "1") {
    throw new Error(`KILN_E2E_REQUIRED=1 but ${reason}; provision it with scripts/provision-engine.sh and scripts/make-debian-base.sh`);
  }
  process.stderr.write(`kiln e2e: skipped, ${reason} (set KILN_E2E_REQUIRED=1 to make this a failure)\n`);
  return false;
}

/** The multi-arch Debian base scripts/make-debian-base.sh serves from the loopback registry. */
export const loopbackRegistry = "127.0.0.1:5000";

/**
 * The CA bundle this machine trusts, handed to builds (mirror ca=FILE) whose steps download over
 * HTTPS: where a proxy re-signs TLS, only the machine's bundle holds its CA.
 */
const caBundle = [process.env.SSL_CERT_FILE, "/etc/ssl/certs/ca-certificates.crt"].find((file) => file !== undefined && existsSync(file));
export const debianBaseMirror = `registry.hub=${loopbackRegistry}${caBundle ? `,ca=${caBundle}` : ""}`;

/**
 * The mirror of builds that need more than Debian's archive: KILN_E2E_MIRROR adds its pairs
 * (e.g. `apt.ubuntu=https://…,apt.ubuntu-ports=https://…` or `apk=https://…`) to the registry mirror.
 */
export const e2eMirror = process.env.KILN_E2E_MIRROR ? `${debianBaseMirror},${process.env.KILN_E2E_MIRROR}` : debianBaseMirror;
