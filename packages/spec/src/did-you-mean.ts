/** Suggestions for misspelled names, by edit distance. */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Real stacks have far fewer names; past this, suggestions are not worth their cost. */
export const MAX_CANDIDATES = 200;

/**
 * The candidate closest to `word`, if close enough to be a likely typo
 * (case-insensitive; at most a third of the letters wrong, at least one allowed).
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  // Comparing very long strings costs time and never yields a useful suggestion.
  if (word.length > 64) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let examined = 0;
  for (const candidate of candidates) {
    // Bounds the work on pathological files with thousands of names and errors.
    if (++examined > MAX_CANDIDATES) break;
    if (candidate === word || candidate.length > 64) continue;
    const allowed = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    // The length difference bounds the distance from below: skip hopeless candidates cheaply.
    if (Math.abs(candidate.length - word.length) > allowed) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean 'x'?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = closestMatch(word, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}
