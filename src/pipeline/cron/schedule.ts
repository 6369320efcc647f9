import type { FieldSet } from './fields.js';
import type { Zone } from './zone.js';

/** When something happens: a pure function from one instant to the next. */
export interface Schedule {
  /** As written, e.g. `TZ=Europe/Berlin 0 9 * * MON-FRI`. */
  readonly source: string;
  /**
   * The first fire time strictly after `after` (both epoch ms), or undefined
   * when there is none within ten years (a schedule that never fires again).
   */
  next(after: number): number | undefined;
}

/** `@every 5m`: fires every `every` ms, counted from the previous fire. */
export class EverySchedule implements Schedule {
  constructor(
    readonly source: string,
    readonly every: number,
  ) {}

  next(after: number): number {
    return after + this.every;
  }
}

export interface CronFields {
  second: FieldSet;
  minute: FieldSet;
  hour: FieldSet;
  dom: FieldSet;
  month: FieldSet;
  dow: FieldSet;
}

const HORIZON_YEARS = 10;

/**
 * A cron expression, evaluated on the wall clock of its zone: on a
 * spring-forward day a local time that does not exist is skipped; on a
 * fall-back day a local time that happens twice fires once, at its first
 * occurrence (so a run started inside the repeated hour fires at its second).
 */
export class CronSchedule implements Schedule {
  constructor(
    readonly source: string,
    readonly zone: Zone,
    readonly fields: CronFields,
  ) {}

  next(after: number): number | undefined {
    const { second, minute, hour, month } = this.fields;
    const start = this.zone.wallAt(after);
    const lastYear = new Date(start).getUTCFullYear() + HORIZON_YEARS;
    // Walk the wall clock upwards, skipping a whole month, day, hour or minute when it cannot match.
    let w = start + 1000;
    for (;;) {
      const d = new Date(w);
      const y = d.getUTCFullYear();
      if (y > lastYear) return undefined;
      const mo = d.getUTCMonth();
      const day = d.getUTCDate();
      const h = d.getUTCHours();
      const mi = d.getUTCMinutes();
      if (!month.on[mo + 1]) w = Date.UTC(y, mo + 1, 1);
      else if (!this.dayMatches(day, d.getUTCDay())) w = Date.UTC(y, mo, day + 1);
      else if (!hour.on[h]) w = Date.UTC(y, mo, day, h + 1);
      else if (!minute.on[mi]) w = Date.UTC(y, mo, day, h, mi + 1);
      else if (!second.on[d.getUTCSeconds()]) {
        const s = second.on.indexOf(1, d.getUTCSeconds());
        w = s < 0 ? Date.UTC(y, mo, day, h, mi + 1) : Date.UTC(y, mo, day, h, mi, s);
      }
      else {
        for (const t of this.zone.instantsAt(w)) if (t > after) return t;
        w += 1000;
      }
    }
  }

  /**
   * Cron's rule: when both day fields are restricted (neither starts with `*`
   * or `?`), a day matches if either does; otherwise both must.
   */
  private dayMatches(dayOfMonth: number, weekday: number): boolean {
    const { dom, dow } = this.fields;
    const a = dom.on[dayOfMonth] === 1;
    const b = dow.on[weekday] === 1;
    return dom.star || dow.star ? a && b : a || b;
  }
}
