import type express from 'express';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';
import { INVALID_CREDENTIAL, MISSING_CREDENTIAL, sendAccessError, wwwAuthenticate } from './accessErrors.js';
import type { Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';

/**
 * Express middleware for the routes that touch the graph (/graphql, /export, /import): authenticates the
 * request before its body is read and puts the principal on res.locals.principal, or answers 401
 * UNAUTHENTICATED with a WWW-Authenticate challenge. A database that cannot be asked about a key is a
 * 503 with Retry-After, as for any query.
 */
export function authenticationMiddleware(authenticator: Authenticator): express.RequestHandler {
  return (req, res, next) => {
    authenticator.authenticate(req.header('authorization')).then(
      (result) => {
        if ('principal' in result) {
          res.locals.principal = result.principal;
          return next();
        }
        res.setHeader('WWW-Authenticate', wwwAuthenticate(result.refused === 'invalid'));
        sendAccessError(res, 401, ErrorCode.UNAUTHENTICATED, result.refused === 'invalid' ? INVALID_CREDENTIAL : MISSING_CREDENTIAL);
      },
      (error: unknown) => {
        const code = error instanceof GraphQLError ? error.extensions.code : undefined;
        if (code === ErrorCode.DATABASE_UNAVAILABLE || code === ErrorCode.QUERY_TIMEOUT) {
          const http = (error as GraphQLError).extensions.http as { status: number; headers: Map<string, string> } | undefined;
          for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
          return sendAccessError(res, http?.status ?? 503, code as string, (error as GraphQLError).message);
        }
        next(error);
      },
    );
  };
}

/** The principal authenticationMiddleware put on the response; its absence is a broken invariant (a route mounted without it). */
export function requestPrincipal(res: express.Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('no principal on the request: the route is not behind authenticationMiddleware');
  return principal;
}
