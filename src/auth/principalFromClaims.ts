import { MARKINGS, ROLES, type Marking, type Principal, type Role } from './principal.js';

/**
 * A verified JWT's claims as a principal: the subject names it (jwt:<sub>), one claim carries the role,
 * another the clearance. Pure, so every mapping is unit-tested; the signature and the registered claims
 * (iss, aud, exp, nbf) are checked before this runs (jwtVerifier.ts).
 */

export interface ClaimSettings {
  /** A claim name, or a dotted path into nested claims (realm_access.roles). */
  roleClaim: string;
  clearanceClaim: string;
}

export const MAX_SUBJECT_LENGTH = 200;
const CONTROL = /[\u0000-\u001F\u007F]/;

/**
 * The claim a name or dotted path points at. A claim whose own name holds dots (a namespaced claim such as
 * https://claimgraph.example/role) is taken whole before the name is read as a path.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * The role a claim grants: a string or an array of strings, compared without case; the highest known role
 * wins, values claimgraph does not know are ignored, and no claim (or no known value) is a reader. Any
 * other shape is refused (null): a claim claimgraph cannot read is not read as the least it could mean.
 */
export function roleOfClaim(value: unknown): Role | null {
  if (value === undefined || value === null) return 'reader';
  const values = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  if (!values) return null;
  let best = 0;
  for (const v of values) best = Math.max(best, ROLES.indexOf(v.trim().toLowerCase() as Role));
  return ROLES[best];
}

/** A marking as people write it: any case, with or without TLP:, AMBER+STRICT or AMBER_STRICT; null when it is none. */
export function markingOf(value: string): Marking | null {
  const normal = value.trim().toUpperCase().replace(/^TLP:/, '').replace(/[+\s-]/g, '_');
  return (MARKINGS as readonly string[]).includes(normal) ? (normal as Marking) : null;
}

/** The clearance a claim grants: no claim is CLEAR; a value that is not a marking is refused (null). */
export function clearanceOfClaim(value: unknown): Marking | null {
  if (value === undefined || value === null) return 'CLEAR';
  return typeof value === 'string' ? markingOf(value) : null;
}

/** The principal of verified claims, or null when the subject, role or clearance cannot be read. */
export function principalFromClaims(claims: Record<string, unknown>, settings: ClaimSettings): Principal | null {
  const sub = claims.sub;
  if (typeof sub !== 'string' || !sub.trim() || sub.length > MAX_SUBJECT_LENGTH || CONTROL.test(sub)) return null;
  const role = roleOfClaim(claimAt(claims, settings.roleClaim));
  const clearance = clearanceOfClaim(claimAt(claims, settings.clearanceClaim));
  if (!role || !clearance) return null;
  return { kind: 'jwt', name: `jwt:${sub}`, role, clearance };
}
