/**
 * Who is asking, once authenticated: an API key, a JWT's subject, the local operator (the CLIs, which hold
 * the database's own credentials), or an anonymous caller. Every request carries exactly one principal;
 * its role decides what it may do and its clearance what it may see.
 */

/** What a principal may do: readers query and export, editors also write, admins also manage keys and run Cypher. */
export const ROLES = ['reader', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * TLP 2.0 markings, least restrictive first. A principal sees material marked at or below its clearance;
 * material without a marking is CLEAR.
 */
export const MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Marking = (typeof MARKINGS)[number];

export interface Principal {
  kind: 'key' | 'jwt' | 'anonymous' | 'local';
  /** As the change log records it: key:<name>, jwt:<subject>, local:<user> or anonymous. */
  name: string;
  role: Role;
  clearance: Marking;
}

export const ANONYMOUS_READER: Principal = Object.freeze({ kind: 'anonymous', name: 'anonymous', role: 'reader', clearance: 'CLEAR' });

/** The operator at the machine: whoever runs a CLI without a key already holds the database's password. */
export function localOperator(user: string): Principal {
  return { kind: 'local', name: `local:${user}`, role: 'admin', clearance: 'RED' };
}

export const roleAtLeast = (principal: Pick<Principal, 'role'>, role: Role) => ROLES.indexOf(principal.role) >= ROLES.indexOf(role);

export const markingAtMost = (marking: Marking, clearance: Marking) => MARKINGS.indexOf(marking) <= MARKINGS.indexOf(clearance);

/** The markings a clearance sees, or null when it sees everything (no filter needs to be written). */
export function visibleMarkings(clearance: Marking): Marking[] | null {
  const index = MARKINGS.indexOf(clearance);
  return index === MARKINGS.length - 1 ? null : MARKINGS.slice(0, index + 1);
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
export const isMarking = (value: unknown): value is Marking => typeof value === 'string' && (MARKINGS as readonly string[]).includes(value);
