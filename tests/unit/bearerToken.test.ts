import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, hashApiKey, isApiKeyShaped, KEY_NAME_PATTERN, newApiKey } from '../../src/auth/apiKeys.js';
import { bearerTokenOf, isJwtShaped, MAX_TOKEN_LENGTH } from '../../src/auth/authenticator.js';

describe('API keys', () => {
  it('are cg_ and 43 base64url characters: 256 random bits', () => {
    const keys = Array.from({ length: 200 }, newApiKey);
    for (const key of keys) {
      expect(key).toMatch(API_KEY_PATTERN);
      expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
      expect(isApiKeyShaped(key)).toBe(true);
      expect(isJwtShaped(key)).toBe(false);
    }
    expect(new Set(keys).size).toBe(keys.length);
    // every base64url character turns up: the key is not drawn from a smaller alphabet
    expect(new Set(keys.map((k) => k.slice(3)).join('')).size).toBeGreaterThan(60);
  });

  it('are stored as their SHA-256, hex', () => {
    expect(hashApiKey('cg_example')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey('cg_example')).not.toBe(hashApiKey('cg_examplf'));
    // the known SHA-256 of "abc"
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    ['', false],
    ['cg_', false],
    ['cg_' + 'a'.repeat(42), false],
    ['cg_' + 'a'.repeat(44), false],
    ['CG_' + 'a'.repeat(43), false],
    ['xx_' + 'a'.repeat(43), false],
    ['cg_' + 'a'.repeat(42) + '=', false],
    ['cg_' + 'a'.repeat(42) + '/', false],
    ['cg_' + 'a'.repeat(42) + '.', false],
    ['cg_' + 'a'.repeat(43), true],
    ['cg_' + '-_'.repeat(21) + 'Z', true],
  ])('%j has the shape of a key: %s', (token, shaped) => {
    expect(isApiKeyShaped(token)).toBe(shaped);
  });

  it.each([
    ['ci-importer', true],
    ['alice@example.org', true],
    ['a', true],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
    ['', false],
    ['-leading', false],
    ['has space', false],
    ['new\nline', false],
    ['colon:name', false],
    ['ünïcode', false],
  ])('key name %j is allowed: %s', (name, allowed) => {
    expect(KEY_NAME_PATTERN.test(name)).toBe(allowed);
  });
});

describe('bearer tokens', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Bearer a.b.c', 'a.b.c'],
    ['Bearer', null],
    ['Bearer ', null],
    ['Bearerabc', null],
    ['Basic YWxpY2U6c2VjcmV0', null],
    ['Token abc', null],
    ['abc', null],
    ['Bearer abc def', null],
    ['Bearer ab\tc', null],
    ['Bearer ключ', null],
    [`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH)}`, null],
  ])('%j → %j', (header, token) => {
    expect(bearerTokenOf(header)).toBe(token);
  });

  it.each([
    ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', true],
    ['a.b.c', true],
    ['..', true],
    ['a.b', false],
    ['a.b.c.d', false],
    ['cg_' + 'a'.repeat(43), false],
  ])('%j is a JWT by shape: %s', (token, jwt) => {
    expect(isJwtShaped(token)).toBe(jwt);
  });
});
