/**
 * A mirror setting is wrong. Carries the same protocol as kiln's own errors (code, exitCode, hint)
 * so the kiln CLI reports it like a definition error, without this package depending on kiln.
 */
export class MirrorError extends Error {
  readonly code = "KILN_MIRROR";
  readonly exitCode = 2;
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = "MirrorError";
    this.hint = hint;
  }
}
