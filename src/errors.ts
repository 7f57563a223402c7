import { GraphQLError } from 'graphql';

/** The public error codes a client may see in `extensions.code`. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A caller's mistake in an argument: names the argument (and the field it belongs to, when nested). */
export function badUserInput(message: string, argument: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argument, ...(field ? { field } : {}) },
  });
}

/** Neo4j did not answer: the client can retry later; the health route says the same. */
export function databaseUnavailable(): GraphQLError {
  return new GraphQLError('The database is unavailable; try again shortly.', {
    extensions: { code: ErrorCode.DATABASE_UNAVAILABLE },
  });
}

/** A broken internal invariant: a bug in claimgraph, never the caller's fault. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}
