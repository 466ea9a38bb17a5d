/**
 * Samples several subjects in turn, one sample each per round, so that whatever drifts on the
 * machine while the bench runs (another process, BuildKit's housekeeping, the network) falls on
 * every subject alike instead of on whichever ran in that stretch. Each round after the first
 * starts one subject further on (a, b, c; b, c, a; ...), so no subject always follows the same
 * one. Returns the samples per subject, in the subjects' order.
 */
export async function interleaved(runs, subjects, sample) {
  const samples = subjects.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (let step = 0; step < subjects.length; step++) {
      const at = (round + step) % subjects.length;
      samples[at].push(await sample(subjects[at], round));
    }
  }
  return samples;
}
