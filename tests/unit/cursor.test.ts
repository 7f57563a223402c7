import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, type CursorKey, type CursorValueType } from '../../src/planner/cursor.js';

/** Keyset cursors: opaque base64url of a versioned JSON array of sort-key values. */

const b64 = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');

/** Decoding must fail as BAD_USER_INPUT naming the argument (and the field, when given). */
function expectRejected(cursor: string, keys: number | CursorValueType[], field?: string) {
  let caught: unknown;
  try {
    decodeCursor(cursor, keys, 'after', field);
  } catch (error) {
    caught = error;
  }
  expect(caught, `cursor ${cursor.slice(0, 40)} was accepted`).toBeInstanceOf(GraphQLError);
  const error = caught as GraphQLError;
  expect(error.extensions.code).toBe('BAD_USER_INPUT');
  expect(error.extensions.argument).toBe('after');
  if (field) expect(error.extensions.field).toBe(field);
  else expect(error.extensions.field).toBeUndefined();
  return error;
}

describe('encodeCursor / decodeCursor', () => {
  const KEYS: CursorKey[] = [
    ['place:kupyansk'],
    ['statement:wgf-full-control-2024-12-16', 'LOCATION'],
    ['actor:x', 42, true, null],
    ['Куп\'янськ', ''],
  ];

  it.each(KEYS.map((k) => [JSON.stringify(k), k] as const))('round-trips %s', (_shown, key) => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, key.length, 'after')).toEqual(key);
  });

  it('is opaque: the key is not readable in the cursor', () => {
    expect(encodeCursor(['place:kupyansk'])).not.toContain('kupyansk');
  });

  it('is deterministic and distinguishes keys', () => {
    expect(encodeCursor(['a', 'b'])).toBe(encodeCursor(['a', 'b']));
    expect(encodeCursor(['a', 'b'])).not.toBe(encodeCursor(['a', 'c']));
  });
});

describe('decodeCursor rejects', () => {
  const good = encodeCursor(['place:kupyansk']);

  it('characters outside base64url', () => {
    expectRejected('abc+/=', 1);
    expectRejected('!!garbage!!', 1);
    expectRejected(`${good}=`, 1);
  });

  it('the empty string', () => expectRejected('', 1));

  it('a cursor over 2048 characters, even a well-formed one', () => {
    const long = encodeCursor(['x'.repeat(2000)]);
    expect(long.length).toBeGreaterThan(2048);
    expectRejected(long, 1);
  });

  it('base64url that is not JSON', () => expectRejected(Buffer.from('hello world').toString('base64url'), 1));

  it('JSON that is not an array', () => {
    expectRejected(b64({ id: 'place:kupyansk' }), 1);
    expectRejected(b64('place:kupyansk'), 1);
    expectRejected(b64(null), 1);
  });

  it('a missing or wrong version', () => {
    expectRejected(b64(['place:kupyansk']), 1);
    expectRejected(b64(['k0', 'place:kupyansk']), 1);
    expectRejected(b64(['K1', 'place:kupyansk']), 1);
  });

  it('a cursor for a different number of sort keys', () => {
    expectRejected(good, 2);
    expectRejected(encodeCursor(['statement:a', 'LOCATION']), 1);
    expectRejected(b64(['k1']), 1);
  });

  it('key values that are objects or arrays', () => {
    expectRejected(b64(['k1', { id: 'place:kupyansk' }]), 1);
    expectRejected(b64(['k1', ['place:kupyansk']]), 1);
  });

  it('names the field when one is given', () => {
    expectRejected('garbage!', 1, 'Place.statements');
  });

  it('quotes at most a bounded part of the cursor in its message', () => {
    const error = expectRejected('!'.repeat(3000), 1);
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('decodeCursor checks the values', () => {
  /** base64url of JSON text as given (JSON.stringify cannot write 1e400 or NaN). */
  const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

  it('refuses a number JSON reads as Infinity (1e400, -1e400), whatever the list', () => {
    expectRejected(raw('["k1",1e400]'), 1);
    expectRejected(raw('["k1",-1e400,"place:x"]'), 2);
    expectRejected(raw('["k1",1e400,"place:x"]'), ['number', 'string']);
  });

  it('refuses NaN and Infinity written out (not JSON at all)', () => {
    expectRejected(raw('["k1",NaN]'), 1);
    expectRejected(raw('["k1",Infinity]'), 1);
  });

  it('refuses a value of the wrong type for its sort key', () => {
    expectRejected(encodeCursor(['42']), ['number']);
    expectRejected(encodeCursor([42]), ['string']);
    expectRejected(encodeCursor([true]), ['string']);
    expectRejected(encodeCursor([null]), ['string']);
    expectRejected(encodeCursor(['2024-02-30', 'place:x']), ['date', 'string']);
    expectRejected(encodeCursor(['16/12/2024', 'place:x']), ['date', 'string']);
    expectRejected(encodeCursor(['yesterday', 'change:x']), ['dateTime', 'string']);
    expectRejected(encodeCursor(['2024-12-16T25:00:00Z', 'change:x']), ['dateTime', 'string']);
  });

  it('accepts values of the right types, the sentinels of absent values included', () => {
    const typed: Array<[CursorKey, CursorValueType[]]> = [
      [[3.5, 'place:x'], ['number', 'string']],
      [[-1.0e308, 'place:x'], ['number', 'string']],
      [['2024-12-16', '2024-12-16', 'statement:x'], ['date', 'date', 'string']],
      [['0001-01-01', 'place:x'], ['date', 'string']],
      [['2024-12-20T10:00:00.000Z', 'change:x'], ['dateTime', 'string']],
      [['0001-01-01T00:00:00.000Z', 'change:x'], ['dateTime', 'string']],
    ];
    for (const [key, types] of typed) expect(decodeCursor(encodeCursor(key), types, 'after')).toEqual(key);
  });
});
