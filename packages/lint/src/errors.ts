/**
 * Input @kiln/lint cannot work with: a config file that is not valid, an option out of range.
 * (A Dockerfile that cannot be parsed is a DL1000 finding, and a missing file is reported per
 * file, so neither throws.) The kiln CLI turns this into its usage error (exit 2); kiln-lint
 * prints the message and the hint and exits 2 too.
 */
export class LintInputError extends Error {
  readonly code = "KILN_LINT_INPUT";
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.name = "LintInputError";
    this.hint = hint;
  }
}
