import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** The public error codes a client may see in `extensions.code`. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
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

/** Seconds a client is asked to wait before retrying when Neo4j is away or busy. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;
/** …and after a query hit its deadline (the load that slowed it needs time to pass). */
export const TIMEOUT_RETRY_AFTER_SECONDS = 10;

/** 503 with Retry-After: Apollo Server turns extensions.http into the response's status and headers. */
function unavailableHttp(retryAfterSeconds: number) {
  return { status: 503, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) };
}

/**
 * Neo4j did not answer, or no connection to it was free in time: the client can retry later; the
 * readiness route says the same.
 */
export function databaseUnavailable(message = 'The database is unavailable; try again shortly.'): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, http: unavailableHttp(DATABASE_RETRY_AFTER_SECONDS) },
  });
}

/** A query of the typed API (or an export, an import batch) ran past its transaction deadline; Neo4j stopped it. */
export function queryTimeout(timeoutMs: number): GraphQLError {
  return new GraphQLError(`The query ran longer than its deadline of ${timeoutMs} ms and was stopped; try again later, or ask for less.`, {
    extensions: { code: ErrorCode.QUERY_TIMEOUT, timeoutMs, http: unavailableHttp(TIMEOUT_RETRY_AFTER_SECONDS) },
  });
}

/** A broken internal invariant: a bug in claimgraph, never the caller's fault. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}
