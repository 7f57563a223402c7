import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const pem = (type: 'rsa' | 'ec' | 'ed25519', curve?: string) =>
  (generateKeyPairSync as (t: string, o: object) => { publicKey: { export(o: object): string } })(type, type === 'rsa' ? { modulusLength: 2048 } : type === 'ec' ? { namedCurve: curve } : {})
    .publicKey.export({ type: 'spki', format: 'pem' }) as string;
const RSA = pem('rsa');
const P256 = pem('ec', 'prime256v1');
const ED = pem('ed25519');

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

const JWKS = { CLAIMGRAPH_JWT_JWKS_URL: 'https://idp.example.org/.well-known/jwks.json', CLAIMGRAPH_JWT_ISSUER: 'https://idp.example.org/', CLAIMGRAPH_JWT_AUDIENCE: 'claimgraph' };

describe('access settings', () => {
  it('anonymous callers are readers in development and test, refused in production, unless set', () => {
    expect(loadConfig({}).CLAIMGRAPH_ANONYMOUS).toBe('reader');
    expect(loadConfig({ NODE_ENV: 'test' }).CLAIMGRAPH_ANONYMOUS).toBe('reader');
    expect(loadConfig({ NODE_ENV: 'production' }).CLAIMGRAPH_ANONYMOUS).toBe('none');
    expect(loadConfig({ NODE_ENV: 'production', CLAIMGRAPH_ANONYMOUS: 'reader' }).CLAIMGRAPH_ANONYMOUS).toBe('reader');
    expect(loadConfig({ CLAIMGRAPH_ANONYMOUS: 'none' }).CLAIMGRAPH_ANONYMOUS).toBe('none');
    expect(refusal({ CLAIMGRAPH_ANONYMOUS: 'editor' })).toMatch(/CLAIMGRAPH_ANONYMOUS/);
  });

  it('defaults: no JWTs, the standard claims, no rate limit', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      CLAIMGRAPH_JWT_ROLE_CLAIM: 'claimgraph_role',
      CLAIMGRAPH_JWT_CLEARANCE_CLAIM: 'claimgraph_clearance',
      CLAIMGRAPH_JWT_JWKS_COOLDOWN_MS: 30_000,
      CLAIMGRAPH_RATE_LIMIT_PER_MINUTE: 0,
    });
    expect(config.CLAIMGRAPH_JWT_JWKS_URL).toBeUndefined();
    expect(config.CLAIMGRAPH_JWT_PUBLIC_KEY).toBeUndefined();
  });

  it('takes a JWKS URL with issuer and audience', () => {
    expect(loadConfig(JWKS)).toMatchObject(JWKS);
    expect(loadConfig({ ...JWKS, CLAIMGRAPH_JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).CLAIMGRAPH_JWT_JWKS_URL).toBe('http://127.0.0.1:8080/jwks');
    expect(loadConfig({ ...JWKS, CLAIMGRAPH_JWT_ALGORITHM: 'ES256' }).CLAIMGRAPH_JWT_ALGORITHM).toBe('ES256');
  });

  it('takes a PEM public key with a fitting algorithm, its line breaks written as \\n too', () => {
    const base = { CLAIMGRAPH_JWT_ISSUER: 'https://idp.example.org/', CLAIMGRAPH_JWT_AUDIENCE: 'claimgraph' };
    expect(loadConfig({ ...base, CLAIMGRAPH_JWT_PUBLIC_KEY: RSA, CLAIMGRAPH_JWT_ALGORITHM: 'RS256' }).CLAIMGRAPH_JWT_PUBLIC_KEY).toBe(RSA);
    expect(() => loadConfig({ ...base, CLAIMGRAPH_JWT_PUBLIC_KEY: RSA.replace(/\n/g, '\\n'), CLAIMGRAPH_JWT_ALGORITHM: 'PS256' })).not.toThrow();
    expect(() => loadConfig({ ...base, CLAIMGRAPH_JWT_PUBLIC_KEY: P256, CLAIMGRAPH_JWT_ALGORITHM: 'ES256' })).not.toThrow();
    expect(() => loadConfig({ ...base, CLAIMGRAPH_JWT_PUBLIC_KEY: ED, CLAIMGRAPH_JWT_ALGORITHM: 'EdDSA' })).not.toThrow();
  });

  it.each([
    ['an issuer without a key source', { CLAIMGRAPH_JWT_ISSUER: 'x' }, /CLAIMGRAPH_JWT_ISSUER: is set, but no key source is/],
    ['an audience without a key source', { CLAIMGRAPH_JWT_AUDIENCE: 'x' }, /CLAIMGRAPH_JWT_AUDIENCE: is set, but no key source/],
    ['a JWKS without an issuer', { CLAIMGRAPH_JWT_JWKS_URL: JWKS.CLAIMGRAPH_JWT_JWKS_URL, CLAIMGRAPH_JWT_AUDIENCE: 'claimgraph' }, /CLAIMGRAPH_JWT_ISSUER: is required/],
    ['a JWKS without an audience', { CLAIMGRAPH_JWT_JWKS_URL: JWKS.CLAIMGRAPH_JWT_JWKS_URL, CLAIMGRAPH_JWT_ISSUER: 'x' }, /CLAIMGRAPH_JWT_AUDIENCE: is required/],
    ['an audience of commas', { ...JWKS, CLAIMGRAPH_JWT_AUDIENCE: ' , ' }, /CLAIMGRAPH_JWT_AUDIENCE: is required/],
    ['both key sources', { ...JWKS, CLAIMGRAPH_JWT_PUBLIC_KEY: RSA, CLAIMGRAPH_JWT_ALGORITHM: 'RS256' }, /not both/],
    ['a JWKS over plain http elsewhere than localhost', { ...JWKS, CLAIMGRAPH_JWT_JWKS_URL: 'http://idp.example.org/jwks' }, /https/],
    ['a JWKS URL that is no URL', { ...JWKS, CLAIMGRAPH_JWT_JWKS_URL: 'idp.example.org/jwks' }, /CLAIMGRAPH_JWT_JWKS_URL/],
    ['a public key without an algorithm', { CLAIMGRAPH_JWT_ISSUER: 'x', CLAIMGRAPH_JWT_AUDIENCE: 'y', CLAIMGRAPH_JWT_PUBLIC_KEY: RSA }, /CLAIMGRAPH_JWT_ALGORITHM: is required with CLAIMGRAPH_JWT_PUBLIC_KEY/],
    ['a public key that is no key', { CLAIMGRAPH_JWT_ISSUER: 'x', CLAIMGRAPH_JWT_AUDIENCE: 'y', CLAIMGRAPH_JWT_PUBLIC_KEY: 'not a key', CLAIMGRAPH_JWT_ALGORITHM: 'RS256' }, /PEM public key/],
    ['an RSA key for ES256', { CLAIMGRAPH_JWT_ISSUER: 'x', CLAIMGRAPH_JWT_AUDIENCE: 'y', CLAIMGRAPH_JWT_PUBLIC_KEY: RSA, CLAIMGRAPH_JWT_ALGORITHM: 'ES256' }, /ES256 does not fit/],
    ['a P-256 key for ES384', { CLAIMGRAPH_JWT_ISSUER: 'x', CLAIMGRAPH_JWT_AUDIENCE: 'y', CLAIMGRAPH_JWT_PUBLIC_KEY: P256, CLAIMGRAPH_JWT_ALGORITHM: 'ES384' }, /ES384 does not fit/],
    ['a symmetric algorithm', { ...JWKS, CLAIMGRAPH_JWT_ALGORITHM: 'HS256' }, /CLAIMGRAPH_JWT_ALGORITHM/],
    ['a negative rate limit', { CLAIMGRAPH_RATE_LIMIT_PER_MINUTE: '-1' }, /CLAIMGRAPH_RATE_LIMIT_PER_MINUTE/],
  ])('refuses %s, naming the setting', (_what, env, message) => {
    expect(refusal(env as Record<string, string>)).toMatch(message);
  });
});
