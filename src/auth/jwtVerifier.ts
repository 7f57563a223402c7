import { createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import type { Logger } from 'pino';
import { JWT_ALGORITHMS, pemOf, type Config } from '../config.js';
import type { Principal } from './principal.js';
import { principalFromClaims } from './principalFromClaims.js';

/** Leeway for clocks that disagree (exp, nbf), in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface JwtVerifier {
  /** The principal of a valid token, or null for any token that is not (the caller does not learn why). */
  principalOf(token: string): Promise<Principal | null>;
}

/**
 * Verifies JWTs from the identity provider the configuration names, with `jose`: the signature (keys from
 * the JWKS, cached and refetched when a token names a kid the cache does not hold, at most once per
 * cooldown; or the one public key), the issuer, the audience, exp and nbf with 30 s of tolerance, and a
 * subject. Null when JWTs are not configured.
 */
export async function createJwtVerifier(config: Config, log: Logger): Promise<JwtVerifier | null> {
  let key: JWTVerifyGetKey | CryptoKey;
  if (config.CLAIMGRAPH_JWT_JWKS_URL) {
    key = createRemoteJWKSet(new URL(config.CLAIMGRAPH_JWT_JWKS_URL), { cooldownDuration: config.CLAIMGRAPH_JWT_JWKS_COOLDOWN_MS });
  } else if (config.CLAIMGRAPH_JWT_PUBLIC_KEY && config.CLAIMGRAPH_JWT_ALGORITHM) {
    key = await importSPKI(pemOf(config.CLAIMGRAPH_JWT_PUBLIC_KEY), config.CLAIMGRAPH_JWT_ALGORITHM);
  } else {
    return null;
  }
  const options = {
    issuer: config.CLAIMGRAPH_JWT_ISSUER,
    audience: config.CLAIMGRAPH_JWT_AUDIENCE!.split(',').map((a) => a.trim()).filter(Boolean),
    algorithms: config.CLAIMGRAPH_JWT_ALGORITHM ? [config.CLAIMGRAPH_JWT_ALGORITHM] : [...JWT_ALGORITHMS],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    // A token that never expires is not one claimgraph takes.
    requiredClaims: ['sub', 'exp'],
  };
  const claims = { roleClaim: config.CLAIMGRAPH_JWT_ROLE_CLAIM, clearanceClaim: config.CLAIMGRAPH_JWT_CLEARANCE_CLAIM };
  return {
    async principalOf(token) {
      try {
        const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, options);
        return principalFromClaims(payload, claims);
      } catch (error) {
        // The provider's keys could not be fetched: the token may be fine, the operator must know.
        const fetching = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError) || error.constructor === errors.JOSEError;
        if (fetching) {
          log.error({ err: error, jwks: config.CLAIMGRAPH_JWT_JWKS_URL }, 'could not fetch the identity provider’s keys (JWKS); refusing the token');
        } else {
          log.debug({ reason: (error as errors.JOSEError).code }, 'JWT refused');
        }
        return null;
      }
    },
  };
}
