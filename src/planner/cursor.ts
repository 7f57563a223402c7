import { createHash } from 'node:crypto';
import { badUserInput } from '../errors.js';

/**
 * Keyset cursors: the sort-key values of the last row seen, so the next page starts with an index seek
 * (`WHERE key > $after`) instead of skipping rows. Opaque to clients: base64url of a small JSON array.
 */
export type CursorKey = Array<string | number | boolean | null>;

/** What a sort key holds, so a cursor's value can be checked before it reaches a query. */
export type CursorValueType = 'string' | 'number' | 'date' | 'dateTime';

const VERSION = 'k1';
const MAX_CURSOR_LENGTH = 2048;

/**
 * `ordering` identifies the sort order the key belongs to (empty for the default order by id), so a cursor
 * taken under one orderBy is refused under another instead of silently skipping rows.
 */
export function encodeCursor(key: CursorKey, ordering = ''): string {
  return Buffer.from(JSON.stringify([tag(ordering), ...key]), 'utf8').toString('base64url');
}

// Orderings are few (one per orderBy a client uses): their tags are hashed once, not once per cursor.
const tags = new Map<string, string>();
const tag = (ordering: string) => {
  let t = tags.get(ordering);
  if (t === undefined) {
    t = ordering ? `${VERSION}.${createHash('sha256').update(ordering).digest('base64url').slice(0, 10)}` : VERSION;
    if (tags.size < 10_000) tags.set(ordering, t);
  }
  return t;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const isDay = (v: string) => DAY.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

/** True when `value` can stand for a sort key of `type` (numbers finite: JSON's 1e400 parses as Infinity). */
function fits(value: unknown, type: CursorValueType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'date':
      return typeof value === 'string' && isDay(value);
    case 'dateTime':
      return typeof value === 'string' && INSTANT.test(value) && Number.isFinite(Date.parse(value));
  }
}

/**
 * Decodes a cursor made by encodeCursor for a list sorted by `keys`: their number, or their types, which
 * every value must then have (or be null where `nullable` allows); anything else is BAD_USER_INPUT naming
 * `argument`.
 */
export function decodeCursor(
  cursor: string,
  keys: number | readonly CursorValueType[],
  argument: string,
  field?: string,
  ordering = '',
  /** Which keys may be null (a row without that value); the others must have their type. */
  nullable?: readonly boolean[],
): CursorKey {
  const invalid = () => badUserInput(`"${cursor.slice(0, 40)}" is not a cursor of this list.`, argument, field);
  const arity = typeof keys === 'number' ? keys : keys.length;
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed[0] !== tag(ordering) || parsed.length !== arity + 1) throw invalid();
  const key = parsed.slice(1);
  const scalar = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (!key.every(scalar)) throw invalid();
  if (typeof keys !== 'number' && !key.every((v, i) => (v === null && nullable?.[i]) || fits(v, keys[i]))) throw invalid();
  return key as CursorKey;
}
