import { defineImage } from "../spec/define.js";

/**
 * A minimal Debian parent for tests of children: a non-root app user, as every shipped parent has.
 * Tests that build on it assert what the child adds, so the parent stays this small.
 */
export function debianParent(name = "debian-base"): ReturnType<typeof defineImage> {
  return defineImage({
    name,
    description: "a Debian parent",
    base: "debian:bookworm",
    users: [{ name: "app", uid: 10001 }],
    user: "app",
  });
}
