import type express from 'express';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';

/**
 * The refusals of access control, in GraphQL's error shape on every route. 401 says "authenticate (again)":
 * no credential where one is needed, or one that is not valid — never which of malformed, unknown, revoked
 * or expired, so a key cannot be probed. 403 says the principal is known and its role is not enough; it
 * names the field or route, never whether a node exists.
 */

/** RFC 6750's challenge; error="invalid_token" when a credential was sent and refused. */
export function wwwAuthenticate(tokenSent: boolean): string {
  return tokenSent ? 'Bearer realm="claimgraph", error="invalid_token"' : 'Bearer realm="claimgraph"';
}

export const MISSING_CREDENTIAL = 'Authentication is required: send Authorization: Bearer <API key or token>.';
export const INVALID_CREDENTIAL = 'The credential is not valid: it is malformed, unknown, revoked or expired.';

/** A 401 raised inside GraphQL (an anonymous caller asking for what needs a role): Apollo sends the status and header. */
export function unauthenticated(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, ...extensions, http: { status: 401, headers: new HeaderMap([['www-authenticate', wwwAuthenticate(false)]]) } },
  });
}

export function forbidden(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN, ...extensions, http: { status: 403 } } });
}

/**
 * An access refusal outside GraphQL, in GraphQL's error shape (as src/http/httpErrors.ts sends every HTTP
 * error; written here so that src/auth depends on no route code).
 */
export function sendAccessError(res: express.Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}
