import { describe, expect, it } from 'vitest';
import { barOf, dayNumber, dayScale, isoOfDay, ticks, type TimelineItem } from '../../web/src/timeline/timelineLayout.js';

const day: TimelineItem = { id: 'd', start: '2024-12-16', end: '2024-12-16', precision: 'DAY' };
const week: TimelineItem = { id: 'w', start: '2024-12-09', end: '2024-12-15', precision: 'WEEK' };
const month: TimelineItem = { id: 'm', start: '2024-11-01', end: '2024-11-30', precision: 'MONTH' };

describe('timeline layout', () => {
  it('counts days in UTC, across months and leap days', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2024-03-01') - dayNumber('2024-02-28')).toBe(2);
    expect(isoOfDay(dayNumber('2024-12-16'))).toBe('2024-12-16');
  });

  it('draws each claim over its whole span: a month is 30 days wide, a week 7, a day 1', () => {
    const scale = dayScale([day, week, month], 0, 1000);
    const width = (i: TimelineItem) => barOf(i, scale, 0).width;
    expect(width(month) / width(day)).toBeCloseTo(30);
    expect(width(week) / width(day)).toBeCloseTo(7);
    // Spans sit where their days are: the week ends where the day begins.
    expect(barOf(week, scale, 0).x + width(week)).toBeCloseTo(barOf(day, scale, 0).x);
  });

  it('keeps a single day visible, centred on its day', () => {
    const scale = dayScale([month, { ...month, id: 'y', start: '2024-01-01', end: '2024-12-31', precision: 'YEAR' }, day], 0, 600);
    const bar = barOf(day, scale, 6);
    expect(bar.width).toBe(6);
    expect(bar.x + 3).toBeCloseTo(scale.x(dayNumber('2024-12-16')) + scale.dayWidth / 2);
  });

  it('covers every item with some padding', () => {
    const scale = dayScale([day, month], 0, 1000);
    expect(scale.first).toBeLessThan(dayNumber('2024-11-01'));
    expect(scale.last).toBeGreaterThan(dayNumber('2024-12-16') + 1);
  });

  it('marks months as major ticks, and Mondays over short ranges', () => {
    const t = ticks(dayScale([day, month], 0, 1000));
    expect(t.filter((x) => x.major).map((x) => x.label)).toEqual(['Nov', 'Dec']);
    expect(t.filter((x) => !x.major).every((x) => new Date(x.day * 86_400_000).getUTCDay() === 1)).toBe(true);
    const long = ticks(dayScale([{ ...day, start: '2023-01-01' }, day], 0, 1000));
    expect(long.every((x) => x.major)).toBe(true);
    expect(long.some((x) => x.label === 'Jan 2024')).toBe(true);
  });
});
