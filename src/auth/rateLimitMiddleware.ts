import type express from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors.js';
import { sendAccessError } from './accessErrors.js';
import type { Principal } from './principal.js';

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` requests a minute per principal (an anonymous caller: per IP address, IPv6 by /56)
 * across /graphql, /export and /import; more is 429 RATE_LIMITED with Retry-After. Runs after
 * authentication, so a key cannot spend another's budget. Counts are kept in this process: a fleet of N
 * servers lets a principal make up to N times as many. Null when the limit is off (0).
 */
export function rateLimitMiddleware(perMinute: number, log: Logger): express.RequestHandler | null {
  if (perMinute <= 0) return null;
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const principal = res.locals.principal as Principal | undefined;
      return principal && principal.kind !== 'anonymous' ? `principal:${principal.name}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    handler: (_req, res, _next, options) => {
      sendAccessError(res, options.statusCode, ErrorCode.RATE_LIMITED, `Too many requests: at most ${perMinute} a minute; try again after the time Retry-After gives (seconds).`, {
        limit: perMinute,
      });
    },
    logger: { warn: (error: unknown, message?: string) => log.warn({ err: error }, message ?? 'rate limiter'), error: (error: unknown, message?: string) => log.error({ err: error }, message ?? 'rate limiter') },
  });
}
