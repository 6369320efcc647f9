/**
 * Wall-clock arithmetic in an IANA time zone, through Intl. A "wall" time is
 * the zone's local date and time written as if it were UTC milliseconds
 * (`Date.UTC(y, m, d, h, mi, s)`), so calendar steps are plain Date.UTC maths
 * and only the two conversions below ever ask the zone for its offset.
 */
export interface Zone {
  /** Canonical name, e.g. `Europe/Berlin`, `UTC`. */
  readonly name: string;
  /** The wall time at `instant` (epoch ms, truncated to whole seconds). */
  wallAt(instant: number): number;
  /**
   * The instants whose wall time is `wall`, earliest first: none in a
   * spring-forward gap, two in a fall-back overlap, otherwise one.
   */
  instantsAt(wall: number): number[];
}

const DAY = 86_400_000;

export const UTC: Zone = {
  name: 'UTC',
  wallAt: (instant) => Math.floor(instant / 1000) * 1000,
  instantsAt: (wall) => [wall],
};

const zones = new Map<string, Zone>();

/** The zone named `name`; throws a RangeError for a name Intl does not know. */
export function zoneNamed(name: string): Zone {
  const cached = zones.get(name);
  if (cached) return cached;
  // Throws RangeError("Invalid time zone specified") for unknown names.
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const canonical = format.resolvedOptions().timeZone;
  const zone = canonical === 'UTC' || canonical === 'Etc/UTC' ? UTC : intlZone(canonical, format);
  zones.set(name, zone);
  return zone;
}

function intlZone(name: string, format: Intl.DateTimeFormat): Zone {
  const wallAt = (instant: number): number => {
    const t = Math.floor(instant / 1000) * 1000;
    const f: Record<string, number> = {};
    for (const p of format.formatToParts(t)) if (p.type !== 'literal') f[p.type] = Number(p.value);
    return Date.UTC(f['year'] as number, (f['month'] as number) - 1, f['day'], f['hour'], f['minute'], f['second']);
  };
  return {
    name,
    wallAt,
    instantsAt(wall) {
      // Offsets a day either side cover both sides of any one transition.
      const offsets = new Set([wallAt(wall - DAY) - (wall - DAY), wallAt(wall + DAY) - (wall + DAY), wallAt(wall) - wall]);
      const out: number[] = [];
      for (const o of offsets) {
        const t = wall - o;
        if (wallAt(t) === wall && !out.includes(t)) out.push(t);
      }
      return out.sort((a, b) => a - b);
    },
  };
}
