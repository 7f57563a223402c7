import { describe, expect, it } from 'vitest';
import { claimAt, clearanceOfClaim, markingOf, principalFromClaims, roleOfClaim } from '../../src/auth/principalFromClaims.js';

const settings = { roleClaim: 'claimgraph_role', clearanceClaim: 'claimgraph_clearance' };

describe('claimAt: a claim name or a dotted path', () => {
  const claims = {
    role: 'editor',
    realm_access: { roles: ['offline_access', 'editor'] },
    'https://claimgraph.example/role': 'admin',
    deep: { a: { b: 'x' } },
    list: ['a'],
  };
  it.each([
    ['role', 'editor'],
    ['realm_access.roles', ['offline_access', 'editor']],
    ['https://claimgraph.example/role', 'admin'],
    ['deep.a.b', 'x'],
    ['deep.a.c', undefined],
    ['missing', undefined],
    ['missing.deeper', undefined],
    ['list.0', undefined],
    ['role.length', undefined],
    ['deep.toString', undefined],
    ['__proto__', undefined],
    ['constructor', undefined],
  ])('%s → %j', (path, value) => {
    expect(claimAt(claims, path)).toEqual(value);
  });
});

describe('roleOfClaim: a string or an array; the highest known role wins; absent is a reader', () => {
  it.each([
    [undefined, 'reader'],
    [null, 'reader'],
    ['reader', 'reader'],
    ['editor', 'editor'],
    ['admin', 'admin'],
    ['  Editor ', 'editor'],
    ['ADMIN', 'admin'],
    ['superuser', 'reader'],
    ['', 'reader'],
    [[], 'reader'],
    [['editor', 'reader'], 'editor'],
    [['reader', 'admin', 'editor'], 'admin'],
    [['offline_access', 'uma_authorization', 'editor'], 'editor'],
    [['nobody'], 'reader'],
  ])('%j → %s', (value, role) => {
    expect(roleOfClaim(value)).toBe(role);
  });

  it.each([[42], [true], [{ role: 'admin' }], [['editor', 7]], [[['admin']]]])('an unreadable claim %j is refused, not read as the least it could mean', (value) => {
    expect(roleOfClaim(value)).toBeNull();
  });
});

describe('clearanceOfClaim and markingOf: TLP markings as people write them', () => {
  it.each([
    [undefined, 'CLEAR'],
    [null, 'CLEAR'],
    ['CLEAR', 'CLEAR'],
    ['green', 'GREEN'],
    ['TLP:AMBER', 'AMBER'],
    ['tlp:amber+strict', 'AMBER_STRICT'],
    ['AMBER_STRICT', 'AMBER_STRICT'],
    ['Amber Strict', 'AMBER_STRICT'],
    [' RED ', 'RED'],
  ])('%j → %s', (value, marking) => {
    expect(clearanceOfClaim(value)).toBe(marking);
  });

  it.each([['WHITE'], ['TLP:PURPLE'], [''], ['REDD'], [3], [['RED']], [{ level: 'RED' }]])('%j is not a clearance: refused', (value) => {
    expect(clearanceOfClaim(value)).toBeNull();
  });

  it('markingOf refuses what is not a marking', () => {
    expect(markingOf('secret')).toBeNull();
    expect(markingOf('TLP:CLEAR')).toBe('CLEAR');
  });
});

describe('principalFromClaims', () => {
  it('names the principal jwt:<sub>, with the mapped role and clearance', () => {
    expect(principalFromClaims({ sub: 'alice@example.org', claimgraph_role: 'editor', claimgraph_clearance: 'AMBER' }, settings)).toEqual({
      kind: 'jwt',
      name: 'jwt:alice@example.org',
      role: 'editor',
      clearance: 'AMBER',
    });
  });

  it('without role or clearance claims: a reader cleared for CLEAR', () => {
    expect(principalFromClaims({ sub: 'bob' }, settings)).toEqual({ kind: 'jwt', name: 'jwt:bob', role: 'reader', clearance: 'CLEAR' });
  });

  it('reads nested and namespaced claims where the settings point', () => {
    const keycloak = { roleClaim: 'realm_access.roles', clearanceClaim: 'https://claimgraph.example/clearance' };
    expect(principalFromClaims({ sub: 'carol', realm_access: { roles: ['offline_access', 'admin'] }, 'https://claimgraph.example/clearance': 'TLP:RED' }, keycloak)).toEqual({
      kind: 'jwt',
      name: 'jwt:carol',
      role: 'admin',
      clearance: 'RED',
    });
  });

  it.each([
    ['no subject', {}],
    ['an empty subject', { sub: '' }],
    ['a blank subject', { sub: '   ' }],
    ['a numeric subject', { sub: 42 }],
    ['a subject with control characters', { sub: 'eve\nadmin' }],
    ['a very long subject', { sub: 'x'.repeat(201) }],
    ['an unknown clearance', { sub: 'dave', claimgraph_clearance: 'TOP SECRET' }],
    ['an unreadable role claim', { sub: 'dave', claimgraph_role: { admin: true } }],
  ])('%s is refused', (_what, claims) => {
    expect(principalFromClaims(claims as Record<string, unknown>, settings)).toBeNull();
  });
});
