import { DateTime, type Zone } from 'luxon';

/**
 * Local calendar days of a time zone, as plain numbers. Working out a day from an
 * instant takes luxon several offset lookups through Intl, and the engine asks for
 * the same few days again and again (every settlement and every dispatch round),
 * so days already worked out are kept: the zone rules of a running process never
 * change, and each zone keeps only its most recently used days.
 */
export interface LocalDay {
  /** The first instant of the day (local midnight, or the first instant after it when midnight is skipped). */
  start: number;
  /** The first instant of the next day. */
  end: number;
  /** `YYYY-MM-DD`. */
  isoDate: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  dayOfMonth: number;
  /** Local midnight as if the zone were UTC: wall time `t` of a stretch is the instant `localMidnight + t - offsetMs`. */
  localMidnight: number;
  /** The day cut where the zone's UTC offset changes: one stretch, or two on a DST-change day. */
  stretches: OffsetStretch[];
}

export interface OffsetStretch {
  start: number;
  end: number;
  offsetMs: number;
}

/** Days remembered per zone; a campaign touches a handful at a time. */
const DAYS_KEPT_PER_ZONE = 16;

export class LocalDays {
  private readonly byZone = new Map<string, LocalDay[]>();

  /** The local day of `zone` containing the instant `at`. */
  dayAt(zone: string, at: number): LocalDay {
    let days = this.byZone.get(zone);
    if (!days) this.byZone.set(zone, (days = []));
    for (let i = 0; i < days.length; i++) {
      const day = days[i]!;
      if (day.start <= at && at < day.end) {
        if (i > 0) days.unshift(...days.splice(i, 1));
        return day;
      }
    }
    const day = workOutDay(zone, at);
    days.unshift(day);
    if (days.length > DAYS_KEPT_PER_ZONE) days.pop();
    return day;
  }
}

/**
 * The days every caller shares. Holding computed zone data only (a pure function of
 * the zone and the instant), it is a cache, not state: no answer depends on what was
 * asked before.
 */
export const localDays = new LocalDays();

function workOutDay(zoneName: string, at: number): LocalDay {
  const day = DateTime.fromMillis(at, { zone: zoneName }).startOf('day');
  if (!day.isValid) throw new RangeError(`unknown time zone ${zoneName}`);
  const start = day.toMillis();
  const end = day.plus({ days: 1 }).toMillis();
  return {
    start,
    end,
    isoDate: day.toISODate()!,
    weekday: day.weekday % 7,
    dayOfMonth: day.day,
    localMidnight: Date.UTC(day.year, day.month - 1, day.day),
    stretches: offsetStretches(day.zone, start, end),
  };
}

/** [start, end) cut where the zone's UTC offset changes. */
function offsetStretches(zone: Zone, start: number, end: number): OffsetStretch[] {
  const stretches: OffsetStretch[] = [];
  while (start < end) {
    const offset = zone.offset(start);
    let low = start;
    let high = end;
    if (zone.offset(end - 1) !== offset) {
      // Offsets change rarely (twice a year at most in practice): find the first instant of the next offset.
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (zone.offset(mid) === offset) low = mid;
        else high = mid;
      }
    }
    stretches.push({ start, end: high, offsetMs: offset * 60_000 });
    start = high;
  }
  return stretches;
}
