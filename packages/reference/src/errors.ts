/**
 * An image reference does not follow the grammar. It carries the same protocol as kiln's own
 * errors (a stable code, an exit code and a hint), so the kiln CLI reports it like any bad input
 * without this package depending on kiln.
 */
export class ImageReferenceError extends Error {
  readonly code = "KILN_IMAGE_REFERENCE";
  readonly exitCode = 2;
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = "ImageReferenceError";
    this.hint = hint;
  }
}
