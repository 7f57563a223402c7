import type { UserErrorCode } from '../../generated/graphql.js';
import type { Problem } from '../../validation/problem.js';

/**
 * User errors: problems with a mutation's input the user can fix, returned in the payload's `userErrors`
 * (never as GraphQL errors). Thrown inside a write as UserInputProblems, they roll the transaction back.
 */

export type Path = ReadonlyArray<string | number>;

export interface UserError {
  field: string[];
  message: string;
  code: UserErrorCode;
}

/** A record that keeps a node from being deleted (the GraphQL Dependent type). */
export interface Dependent {
  relationship: string;
  nodeId: string;
  label: string;
  name: string | null;
}

export const userError = (field: Path, message: string, code: UserErrorCode = 'INVALID'): UserError => ({
  field: field.map(String),
  message,
  code,
});

/** Thrown to abandon a write (rolling back anything done so far) with errors for the payload. */
export class UserInputProblems extends Error {
  override name = 'UserInputProblems';
  constructor(
    readonly errors: UserError[],
    readonly dependents: Dependent[] = [],
  ) {
    super(errors.map((e) => `${e.field.join('.')}: ${e.message}`).join('; '));
  }
}

/** Throws when there are errors. */
export function assertNoErrors(errors: UserError[]): void {
  if (errors.length) throw new UserInputProblems(errors);
}

/**
 * Validation problems as user errors under `prefix`; `rename` maps a problem's path to the input's (e.g. a
 * point's locationPrecisionM is the input's location.precisionM).
 */
export function problemsAsUserErrors(problems: readonly Problem[], prefix: Path, rename: (path: Path) => Path = (p) => p): UserError[] {
  return problems.map((p) => userError([...prefix, ...rename(p.path)], p.message, p.code));
}

/** The errors of a failed write, or rethrows what is not a user's problem. */
export function userProblemsOf(error: unknown): UserInputProblems {
  if (error instanceof UserInputProblems) return error;
  throw error;
}
