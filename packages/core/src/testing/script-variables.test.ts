import { describe, expect, test } from "vitest";
import { environmentReadBy } from "./script-variables.js";

describe("the variables a script takes from its environment", () => {
  test("read and never assigned, or read with a default even when assigned", () => {
    const script = [
      "port=${LISTEN_PORT:-2222}",
      "TIMEOUT=${TIMEOUT:-5}",
      "COUNT=0; COUNT=$((COUNT + 1))",
      'echo "$GREETING $HOME $PATH"',
      '[ -n "${DEBUG:+x}" ] && user=${KILN_USER:?set by the image}',
    ].join("\n");
    expect(environmentReadBy(script)).toEqual(["DEBUG", "GREETING", "KILN_USER", "LISTEN_PORT", "TIMEOUT"]);
  });
});
