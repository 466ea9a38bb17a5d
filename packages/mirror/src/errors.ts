/**
 * A mirror setting is wrong. It carries the same protocol as kiln's own errors (a stable code, an
 * exit code and a hint), so the kiln CLI reports it like any bad input without this package
 * depending on kiln, and a program using this package alone can do the same.
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
