import chineseDays from 'chinese-days';

/**
 * Which local days are working days: the public holidays a country's calendar
 * gives off, and the make-up working days (调休) it moves onto weekends. The
 * data comes from a maintained package, never a table typed here: the State
 * Council publishes each year's arrangement in the autumn before it, and the
 * package follows.
 */
export interface WorkdayCalendar {
  /** The calendar's name as docs and logs show it. */
  readonly name: string;
  /** Whether `isoDate` (`YYYY-MM-DD`) is a working day; undefined for a year the calendar has no data for. */
  isWorkday(isoDate: string): boolean | undefined;
}

/**
 * The Chinese calendar of `chinese-days`: weekends are off unless moved to a
 * make-up working day, public holidays are off. For a year the package does not
 * yet cover (next year's arrangement before it is published) the answer is
 * undefined, and the caller falls back to weekdays, as docs/strategy.md says.
 */
export function chineseWorkdays(): WorkdayCalendar {
  // Whether the package has a year's arrangement, asked once per year (about a
  // millisecond each: it walks the year's days).
  const covered = new Map<number, boolean>();
  const covers = (year: number) => {
    let known = covered.get(year);
    if (known === undefined) {
      known = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
      covered.set(year, known);
    }
    return known;
  };
  return {
    name: 'CN (chinese-days)',
    isWorkday: (isoDate) => (covers(Number(isoDate.slice(0, 4))) ? chineseDays.isWorkday(isoDate) : undefined),
  };
}
