/** The hint for an unknown `TZ=` name: the closest IANA names Intl knows, when one is close. */
export function zoneHint(name: string): string {
  const base = 'use an IANA time zone name, e.g. TZ=Europe/Berlin or TZ=America/New_York';
  const want = name.toLowerCase();
  const limit = Math.max(2, Math.floor(want.length / 4));
  const close = Intl.supportedValuesOf('timeZone')
    .map((z) => ({ z, d: distance(want, z.toLowerCase()) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d || a.z.localeCompare(b.z))
    .slice(0, 2)
    .map((c) => `TZ=${c.z}`);
  return close.length > 0 ? `did you mean ${close.join(' or ')}? (zones are IANA names)` : base;
}

// Levenshtein distance, one row at a time.
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}
