import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** The public error codes a client may see in `extensions.code`. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  PERSISTED_QUERY_VERSION_UNSUPPORTED: 'PERSISTED_QUERY_VERSION_UNSUPPORTED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  URI_TOO_LONG: 'URI_TOO_LONG',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  REQUEST_HEADER_FIELDS_TOO_LARGE: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The HTTP status of each code: the README's status table. A GraphQL response takes the highest status
 * among its errors' codes, so a client mistake is a 4xx even when other fields of the request succeeded.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  QUERY_TOO_COMPLEX: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  PERSISTED_QUERY_HASH_MISMATCH: 400,
  PERSISTED_QUERY_VERSION_UNSUPPORTED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  REQUEST_HEADER_FIELDS_TOO_LARGE: 431,
  INTERNAL_SERVER_ERROR: 500,
  DATABASE_UNAVAILABLE: 503,
  QUERY_TIMEOUT: 503,
};

export function httpStatusOf(code: unknown): number | undefined {
  return typeof code === 'string' && code in HTTP_STATUS ? HTTP_STATUS[code as ErrorCode] : undefined;
}

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
