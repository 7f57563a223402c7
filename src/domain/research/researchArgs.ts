import { badUserInput } from '../../errors.js';
import { requireLabelOfId, type Label } from '../../ids.js';

/**
 * Argument checks shared by the research queries. Everything here runs before the database is touched, and
 * every failure is BAD_USER_INPUT naming the argument (and the root field).
 */

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS[month - 1];
}

/**
 * An ISO calendar day (YYYY-MM-DD) from a date argument, or null when it was not given. Impossible days
 * (2024-02-30, 2023-02-29, month 13) are refused. A JS Date (what the Date scalar parses into) is accepted
 * too, so an argument can move to the Date type without changing its resolver.
 */
export function parseDay(value: unknown, argument: string, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw badUserInput(`${argument} is not a valid date.`, argument, field);
    return value.toISOString().slice(0, 10);
  }
  const text = String(value);
  const m = DAY_PATTERN.exec(text);
  const invalid = () =>
    badUserInput(`${argument} must be a calendar date written YYYY-MM-DD; got "${text.slice(0, 40)}".`, argument, field);
  if (!m) throw invalid();
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw invalid();
  return text;
}

/** A date window; `from` after `to` is refused (naming `from`). Either end may be open. */
export function parseWindow(
  args: { from?: unknown; to?: unknown },
  field: string,
): { from: string | null; to: string | null } {
  const from = parseDay(args.from, 'from', field);
  const to = parseDay(args.to, 'to', field);
  if (from && to && from > to) throw badUserInput(`from (${from}) is after to (${to}).`, 'from', field);
  return { from, to };
}

/** The label of an entity id that must be one of `allowed`; malformed or other ids are BAD_USER_INPUT. */
export function requireEntityId(id: string, allowed: readonly Label[], argument: string, field: string): Label {
  let label: Label;
  try {
    label = requireLabelOfId(id, argument);
  } catch (error) {
    // Same message, but naming the root field as well.
    throw badUserInput((error as Error).message, argument, field);
  }
  if (!allowed.includes(label)) {
    const names = allowed.map((l) => l.toLowerCase());
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    throw badUserInput(`${argument} must be ${/^[aeiou]/.test(list) ? 'an' : 'a'} ${list} id; ${id.slice(0, 80)} is a ${label.toLowerCase()} id.`, argument, field);
  }
  return label;
}

/** An optional non-negative count bound such as minOrigins. */
export function parseBound(value: number | null | undefined, argument: string, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0) throw badUserInput(`${argument} must be 0 or more; got ${value}.`, argument, field);
  return value;
}
