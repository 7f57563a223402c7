import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_BYTES, DigestIndex } from '../../src/bundle/digestIndex.js';

/** The importer's index of record identities: digests in a typed array, compared word by word. */

const d = (text: string) => createHash('sha256').update(text).digest('binary');

describe('DigestIndex', () => {
  it('adds a key once; the same value again is "same", another is "different", and the first value stays', () => {
    const index = new DigestIndex();
    expect(index.add(d('a'), d('1'))).toBe('added');
    expect(index.add(d('a'), d('1'))).toBe('same');
    expect(index.add(d('a'), d('2'))).toBe('different');
    expect(index.add(d('a'), d('1'))).toBe('same');
    expect(index.size).toBe(1);
    expect(index.has(d('a'))).toBe(true);
    expect(index.has(d('b'))).toBe(false);
  });

  it('keeps every key and value through growth (50,000 keys from a table of 16 slots)', () => {
    const index = new DigestIndex(1);
    const counts = { added: 0, same: 0, different: 0 };
    for (let i = 0; i < 50_000; i++) counts[index.add(d(`k${i}`), d(`v${i}`))]++;
    expect(counts).toEqual({ added: 50_000, same: 0, different: 0 });
    for (let i = 0; i < 50_000; i++) counts[index.add(d(`k${i}`), d(`v${i}`))]++;
    for (let i = 0; i < 50_000; i += 100) counts[index.add(d(`k${i}`), d(`v${i + 1}`))]++;
    expect(counts).toEqual({ added: 50_000, same: 50_000, different: 500 });
    expect(index.has(d('k50000'))).toBe(false);
    expect(index.size).toBe(50_000);
  });

  it('tells apart keys that share a slot, and keys or values that differ only in their last word', () => {
    const index = new DigestIndex(1);
    const key = (first: number, last: number) => {
      const bytes = new Array<number>(DIGEST_BYTES).fill(0);
      bytes[0] = first;
      bytes[DIGEST_BYTES - 1] = last;
      return String.fromCharCode(...bytes);
    };
    // the first word picks the slot: all of these collide, and probing must still keep them apart
    for (let last = 0; last < 10; last++) expect(index.add(key(7, last), key(0, last))).toBe('added');
    for (let last = 0; last < 10; last++) {
      expect(index.add(key(7, last), key(0, last))).toBe('same');
      expect(index.add(key(7, last), key(0, last + 1))).toBe('different');
    }
    expect(index.has(key(7, 10))).toBe(false);
    expect(index.has(key(8, 0))).toBe(false);
  });

  it('holds a fixed number of bytes per slot, outside the JavaScript heap: about 33 bytes a slot, at most 70% full', () => {
    const index = new DigestIndex(1);
    for (let i = 0; i < 70_000; i++) index.add(d(`k${i}`), d('v'));
    expect(index.capacity).toBe(131_072);
    expect(index.bytes).toBe(131_072 * (2 * DIGEST_BYTES + 1));
  });
});
