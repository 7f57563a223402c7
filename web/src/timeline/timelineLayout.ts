/**
 * Pure layout of a timeline of claims: one row per claim, each drawn over the whole span of days its
 * partial date allows (a day, a week, a month…), on a shared day axis.
 */
export type Precision = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

export interface TimelineItem {
  id: string;
  start: string;
  end: string;
  precision: Precision;
}

export interface Tick {
  day: number;
  label: string;
  major: boolean;
}

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Days since 1970-01-01 of an ISO date (UTC, so no time zone moves a claim). */
export function dayNumber(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export interface Scale {
  first: number;
  /** One past the last day shown. */
  last: number;
  x(day: number): number;
  dayWidth: number;
}

/** The day range covering every item, padded by a few days, mapped onto [left, right] pixels. */
export function dayScale(items: readonly TimelineItem[], left: number, right: number): Scale {
  const starts = items.map((i) => dayNumber(i.start));
  const ends = items.map((i) => dayNumber(i.end) + 1);
  let first = Math.min(...starts);
  let last = Math.max(...ends);
  if (!Number.isFinite(first)) {
    first = dayNumber(new Date().toISOString().slice(0, 10));
    last = first + 1;
  }
  const pad = Math.max(2, Math.round((last - first) * 0.04));
  first -= pad;
  last += pad;
  const dayWidth = (right - left) / (last - first);
  return { first, last, dayWidth, x: (day) => left + (day - first) * dayWidth };
}

/** Where a claim's bar starts and how wide it is; a single day is never thinner than `minWidth`. */
export function barOf(item: TimelineItem, scale: Scale, minWidth = 6): { x: number; width: number } {
  const x0 = scale.x(dayNumber(item.start));
  const x1 = scale.x(dayNumber(item.end) + 1);
  const width = Math.max(minWidth, x1 - x0);
  return { x: x0 - (width - (x1 - x0)) / 2, width };
}

/** Month ticks over long ranges; over short ones, every Monday with months marked as major. */
export function ticks(scale: Scale): Tick[] {
  const out: Tick[] = [];
  const span = scale.last - scale.first;
  for (let day = scale.first; day < scale.last; day++) {
    const date = new Date(day * DAY_MS);
    const dom = date.getUTCDate();
    const monthStart = dom === 1;
    const monday = date.getUTCDay() === 1;
    if (monthStart) {
      const yearStart = date.getUTCMonth() === 0;
      out.push({ day, label: `${MONTHS[date.getUTCMonth()]}${yearStart || span > 300 ? ` ${date.getUTCFullYear()}` : ''}`, major: true });
    } else if (span <= 120 && monday) {
      out.push({ day, label: String(dom), major: false });
    }
  }
  return out;
}
