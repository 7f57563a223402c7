import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, type CursorKey } from '../../src/planner/cursor.js';

/** Keyset cursors: opaque base64url of a versioned JSON array of sort-key values. */

const b64 = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');

/** Decoding must fail as BAD_USER_INPUT naming the argument (and the field, when given). */
function expectRejected(cursor: string, arity: number, field?: string) {
  let caught: unknown;
  try {
    decodeCursor(cursor, arity, 'after', field);
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
