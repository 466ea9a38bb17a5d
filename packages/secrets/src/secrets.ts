/**
 * The one secret detector, shared by kiln's definition checks (env, build-argument defaults,
 * labels) and by kiln lint (ENV, ARG defaults, LABEL). A value is a secret when its name says so
 * (`*_PASSWORD`, `*_PASS`, `*_TOKEN`, `*_SECRET`, `*_KEY`, `*CREDENTIAL*`) or when the value itself
 * has the shape of one (a cloud access key, a token with a known prefix, a private key, a URL
 * carrying a password). Not secrets: an empty value (a placeholder filled at run time), a
 * reference to another variable, the path a `*_FILE` variable points at, a public key or key
 * fingerprint, a plain URL.
 */
export interface SecretHit {
  /** what gave it away */
  by: "name" | "value";
  /** in words, for the finding: "the name ends in _TOKEN", "an AWS access key id" */
  reason: string;
}

const secretName = /(?:^|_)(PASSWORD|PASSWD|PASS|TOKEN|SECRET|KEY)$|CREDENTIAL/i;
/** Keys that are public by design: a GPG fingerprint to verify downloads, an ssh public key. */
const publicName = /PUBLIC|(^|_)GPG_KEYS?$|(^|_)KEY_?(ID|IDS|SERVER|URL|RING|FINGERPRINT)S?$/i;

const valueShapes: { reason: string; pattern: RegExp }[] = [
  { reason: "an AWS access key id", pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/ },
  { reason: "a GitHub token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { reason: "a GitLab token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { reason: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { reason: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { reason: "a Stripe secret key", pattern: /\b[sr]k_live_[0-9A-Za-z]{20,}\b/ },
  { reason: "an npm token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { reason: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
];

/** `scheme://user:password@host`, where the password is written out (not `$VAR`, not empty). */
const urlWithPassword = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/i;

/** Whether `name=value` (an ENV, a build argument's default, a label) holds a secret. */
export function detectSecret(name: string, value: string | undefined): SecretHit | undefined {
  if (value === undefined || value.trim() === "" || isReference(value)) return undefined;
  for (const shape of valueShapes) if (shape.pattern.test(value)) return { by: "value", reason: shape.reason };
  const url = urlWithPassword.exec(value);
  if (url && !isReference(url[1] as string)) return { by: "value", reason: "a URL with a password in it" };
  if (/_FILE$/i.test(name) || publicName.test(name)) return undefined;
  const match = secretName.exec(name);
  if (match) return { by: "name", reason: match[1] ? `the name ends in ${match[1].toUpperCase()}` : "the name says CREDENTIAL" };
  return undefined;
}

/** Whether a name alone reads as a secret (for a placeholder with no value yet). */
export function isSecretName(name: string): boolean {
  return !/_FILE$/i.test(name) && !publicName.test(name) && secretName.test(name);
}

/** `$VAR`, `${VAR}`, `${VAR:-…}`: the value comes from elsewhere at build or run time. */
function isReference(value: string): boolean {
  return /^\$(\{[A-Za-z_][A-Za-z0-9_]*(:?[-=?+][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(value.trim());
}
