/**
 * Orders strings by Unicode code point, the same on every machine. `localeCompare` follows the
 * locale (under da_DK "aa" sorts after "z"), so a Dockerfile written there would drift from one
 * written under C.UTF-8; a bare `.sort()` compares UTF-16 units, which puts U+E000–U+FFFF after
 * the astral planes. Everything kiln writes is sorted with this.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    // A surrogate starts a code point above U+FFFF: it sorts after every unit that is one whole.
    const xAstral = x >= 0xd800 && x <= 0xdfff;
    const yAstral = y >= 0xd800 && y <= 0xdfff;
    if (xAstral !== yAstral) return xAstral ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** A sorted copy, by code point. */
export function sortedByCodePoint(values: Iterable<string>): string[] {
  return [...values].sort(compareCodePoints);
}

/** An object's entries sorted by key, by code point. */
export function entriesByKey<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => compareCodePoints(a, b));
}
