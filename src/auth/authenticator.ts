import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../neo4j/database.js';
import { ApiKeyAuthenticator } from './apiKeys.js';
import { createJwtVerifier, type JwtVerifier } from './jwtVerifier.js';
import { ANONYMOUS_READER, type Principal } from './principal.js';

/** Who a request is, or why it is no one: no credential (where one is required), or one that is not valid. */
export type Authentication = { principal: Principal } | { refused: 'missing' | 'invalid' };

export interface Authenticator {
  /** Authenticates an Authorization header's value (undefined when the request has none). */
  authenticate(authorization: string | undefined): Promise<Authentication>;
}

const BEARER = /^Bearer +([\x21-\x7E]+) *$/i;
/** Longest bearer token looked at; keys are 46 characters, JWTs a few kilobytes at most. */
export const MAX_TOKEN_LENGTH = 8 * 1024;

/** The token of a `Bearer <token>` header, or null when the header is anything else. */
export function bearerTokenOf(authorization: string): string | null {
  if (authorization.length > MAX_TOKEN_LENGTH) return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}

/** A bearer token with two dots is a JWT (header.payload.signature); anything else is an API key. */
export const isJwtShaped = (token: string) => token.split('.').length === 3;

/**
 * Authentication as the configuration says: API keys always, JWTs when an identity provider is
 * configured, and no credential as the anonymous reader unless CLAIMGRAPH_ANONYMOUS=none. A credential
 * that is sent must be valid: a bad one is never taken as anonymous.
 */
export async function createAuthenticator(options: { db: Database; config: Config; log: Logger }): Promise<Authenticator> {
  const keys = new ApiKeyAuthenticator(options.db, options.log, options.config.CLAIMGRAPH_KEY_CACHE_SECONDS * 1000);
  const jwt: JwtVerifier | null = await createJwtVerifier(options.config, options.log);
  const anonymous = options.config.CLAIMGRAPH_ANONYMOUS === 'reader';
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === '') return anonymous ? { principal: ANONYMOUS_READER } : { refused: 'missing' };
      const token = bearerTokenOf(authorization);
      if (!token) return { refused: 'invalid' };
      const principal = isJwtShaped(token) ? ((await jwt?.principalOf(token)) ?? null) : await keys.principalOf(token);
      return principal ? { principal } : { refused: 'invalid' };
    },
  };
}
