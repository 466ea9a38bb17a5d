/** Makes a throw-away workspace of `count` image definitions in the temp directory; returns its root. */
export function syntheticWorkspace(count: number): string;
