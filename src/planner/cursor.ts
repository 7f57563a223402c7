import { createHash } from 'node:crypto';
import { badUserInput } from '../errors.js';

/**
 * Keyset cursors: the sort-key values of the last row seen, so the next page starts with an index seek
 * (`WHERE key > $after`) instead of skipping rows. Opaque to clients: base64url of a small JSON array.
 */
export type CursorKey = Array<string | number | boolean | null>;

const VERSION = 'k1';
const MAX_CURSOR_LENGTH = 2048;

/**
 * `ordering` identifies the sort order the key belongs to (empty for the default order by id), so a cursor
 * taken under one orderBy is refused under another instead of silently skipping rows.
 */
export function encodeCursor(key: CursorKey, ordering = ''): string {
  return Buffer.from(JSON.stringify([tag(ordering), ...key]), 'utf8').toString('base64url');
}

const tag = (ordering: string) =>
  ordering ? `${VERSION}.${createHash('sha256').update(ordering).digest('base64url').slice(0, 10)}` : VERSION;

/** Decodes a cursor made by encodeCursor for a list sorted by `arity` keys; anything else is BAD_USER_INPUT. */
export function decodeCursor(cursor: string, arity: number, argument: string, field?: string, ordering = ''): CursorKey {
  const invalid = () => badUserInput(`"${cursor.slice(0, 40)}" is not a cursor of this list.`, argument, field);
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed[0] !== tag(ordering) || parsed.length !== arity + 1) throw invalid();
  const key = parsed.slice(1);
  if (!key.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) throw invalid();
  return key as CursorKey;
}
