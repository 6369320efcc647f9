/** Candidates close to `word` (typos, transpositions), best first. */
export function closeMatches(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  const scored: Array<[number, string]> = [];
  for (const c of new Set(candidates)) {
    const d = distance(w, c.toLowerCase());
    if (d <= limit || (w.length >= 3 && c.toLowerCase().includes(w))) scored.push([d, c]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).slice(0, max).map(([, c]) => c);
}

/** `did you mean 'path'?` or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const m = closeMatches(word, candidates);
  if (m.length === 0) return undefined;
  return `did you mean ${m.map((x) => `'${x}'`).join(' or ')}?`;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions.
function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1]![j] as number) + 1, (d[i]![j - 1] as number) + 1, (d[i - 1]![j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[i - 2]![j - 2] as number) + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length] as number;
}
