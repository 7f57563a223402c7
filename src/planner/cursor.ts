import { badUserInput } from '../errors.js';

/**
 * Keyset cursors: the sort-key values of the last row seen, so the next page starts with an index seek
 * (`WHERE key > $after`) instead of skipping rows. Opaque to clients: base64url of a small JSON array.
 */
export type CursorKey = Array<string | number | boolean | null>;

const VERSION = 'k1';
const MAX_CURSOR_LENGTH = 2048;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([VERSION, ...key]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor for a list sorted by `arity` keys; anything else is BAD_USER_INPUT. */
export function decodeCursor(cursor: string, arity: number, argument: string, field?: string): CursorKey {
  const invalid = () => badUserInput(`"${cursor.slice(0, 40)}" is not a cursor of this list.`, argument, field);
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed[0] !== VERSION || parsed.length !== arity + 1) throw invalid();
  const key = parsed.slice(1);
  if (!key.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) throw invalid();
  return key as CursorKey;
}
