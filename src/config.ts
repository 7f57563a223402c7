import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** Signature algorithms a JWT may use: asymmetric only (a shared secret would have to live in the environment). */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The key types (and for ES*, curves) each algorithm takes: a mismatch is caught at start, not at the first token. */
const KEY_TYPES: Record<JwtAlgorithm, { types: string[]; curve?: string }> = {
  RS256: { types: ['rsa'] },
  RS384: { types: ['rsa'] },
  RS512: { types: ['rsa'] },
  PS256: { types: ['rsa', 'rsa-pss'] },
  PS384: { types: ['rsa', 'rsa-pss'] },
  PS512: { types: ['rsa', 'rsa-pss'] },
  ES256: { types: ['ec'], curve: 'prime256v1' },
  ES384: { types: ['ec'], curve: 'secp384r1' },
  ES512: { types: ['ec'], curve: 'secp521r1' },
  EdDSA: { types: ['ed25519', 'ed448'] },
  Ed25519: { types: ['ed25519'] },
};

/** A PEM given in one environment line may write its line breaks as \\n. */
export const pemOf = (value: string) => value.replace(/\\n/g, '\n').trim();

function publicKeyOf(pem: string): KeyObject | null {
  try {
    const key = createPublicKey({ key: pemOf(pem), format: 'pem' });
    return key.type === 'public' ? key : null;
  } catch {
    return null;
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Configuration from the environment, checked once at start; a bad value stops start-up with a clear message. */
const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    NEO4J_URI: z
      .string()
      .regex(/^(neo4j|neo4j\+s|neo4j\+ssc|bolt|bolt\+s|bolt\+ssc):\/\/.+/, 'must be a bolt:// or neo4j:// URI')
      .optional(),
    // NEO4J_USERNAME is what Aura's credential files and Neo4j's own tools use; either name works (see below).
    NEO4J_USER: z.string().min(1).optional(),
    NEO4J_USERNAME: z.string().min(1).optional(),
    NEO4J_PASSWORD: z.string().optional(),
    NEO4J_DATABASE: z.string().min(1).default('neo4j'),
    CLAIMGRAPH_DATA_DIR: z.string().min(1).default('neo4j/data'),
    CLAIMGRAPH_NEO4J_PORT: z.coerce.number().int().min(0).max(65535).default(7697),
    CLAIMGRAPH_NEO4J_HEAP: z.string().regex(/^\d+[mg]$/, 'must look like 512m or 2g').default('1g'),
    CLAIMGRAPH_SEED: z.enum(['auto', 'never']).default('auto'),
    // Request guards (src/guards/): every refusal is 400 QUERY_TOO_COMPLEX naming the limit.
    CLAIMGRAPH_MAX_COST: z.coerce.number().int().min(1).default(50_000),
    CLAIMGRAPH_MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(16),
    CLAIMGRAPH_MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(2_000),
    CLAIMGRAPH_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
    CLAIMGRAPH_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
    CLAIMGRAPH_MAX_INPUT_DEPTH: z.coerce.number().int().min(2).max(500).default(32),
    CLAIMGRAPH_MAX_INPUT_VALUES: z.coerce.number().int().min(10).default(10_000),
    CLAIMGRAPH_MAX_FILTER_DEPTH: z.coerce.number().int().min(1).max(100).default(8),
    CLAIMGRAPH_MAX_FILTER_SIZE: z.coerce.number().int().min(1).default(100),
    // Largest JSON body of a GraphQL request or an export selection, in bytes.
    CLAIMGRAPH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
    // Largest body of POST /import (bigger bundles go through the CLI), in bytes.
    CLAIMGRAPH_MAX_IMPORT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024 * 1024),
    // The read-only Cypher endpoint for researchers (Query.cypher): off unless asked for.
    CLAIMGRAPH_CYPHER_ENDPOINT: z.enum(['off', 'on']).default('off'),
    CLAIMGRAPH_CYPHER_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    CLAIMGRAPH_CYPHER_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(1_000),
    // Apollo Sandbox at GET /graphql loads from a CDN: only when asked for (the bundled GraphiQL is at /graphiql).
    CLAIMGRAPH_SANDBOX: z.enum(['off', 'on']).default('off'),
    // Neo4j transaction deadlines (Neo4j stops the transaction; the client gets 503 QUERY_TIMEOUT).
    // The typed API, search, traversal and research fields: a page of an answer, never minutes.
    CLAIMGRAPH_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    // One export is one read transaction for the whole stream, so it gets a long deadline.
    CLAIMGRAPH_EXPORT_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(900_000),
    // Each import batch (default 5,000 records) is one write transaction.
    CLAIMGRAPH_IMPORT_BATCH_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
    // Transactions one GraphQL request may have open at once; the rest of its queries wait their turn.
    CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST: z.coerce.number().int().min(1).max(64).default(4),
    // Driver: connections to Neo4j, how long to wait for one, how long to establish one.
    CLAIMGRAPH_NEO4J_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
    CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
    CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
    // How often readiness is checked in the background (/health/ready answers from the last check).
    CLAIMGRAPH_HEALTH_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
    // Access control. Requests without a credential act as an anonymous reader (CLEAR), or are refused
    // (none); the default is reader in development and test, none when NODE_ENV=production.
    CLAIMGRAPH_ANONYMOUS: z.enum(['none', 'reader']).optional(),
    // JWTs from an identity provider: keys from a JWKS URL (cached, refetched for an unknown kid) or one
    // PEM public key with its algorithm; issuer and audience are required with either.
    CLAIMGRAPH_JWT_JWKS_URL: z
      .string()
      .url()
      .refine((u) => {
        const url = URL.canParse(u) ? new URL(u) : null;
        return !!url && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)));
      }, 'must be an https:// URL (http:// only on localhost)')
      .optional(),
    CLAIMGRAPH_JWT_PUBLIC_KEY: z.string().refine((pem) => publicKeyOf(pem) !== null, 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)').optional(),
    CLAIMGRAPH_JWT_ALGORITHM: z.enum(JWT_ALGORITHMS).optional(),
    CLAIMGRAPH_JWT_ISSUER: z.string().min(1).optional(),
    // One audience, or several separated by commas (a token must name one of them).
    CLAIMGRAPH_JWT_AUDIENCE: z.string().min(1).optional(),
    // Claims carrying the role and the clearance: a claim name, or a dotted path into nested claims.
    CLAIMGRAPH_JWT_ROLE_CLAIM: z.string().min(1).default('claimgraph_role'),
    CLAIMGRAPH_JWT_CLEARANCE_CLAIM: z.string().min(1).default('claimgraph_clearance'),
    // How long after fetching the JWKS a token with an unknown kid may make the server fetch it again.
    CLAIMGRAPH_JWT_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    // Requests per minute per principal (anonymous callers: per IP address) on /graphql, /export and
    // /import; 0 turns the limit off.
    CLAIMGRAPH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(0),
    // How long a server trusts an API key it has checked before it checks it in Neo4j again: a revoked key
    // is refused within this many seconds on every server; 0 checks every request (one more round trip).
    CLAIMGRAPH_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  })
  .superRefine((env, ctx) => {
    if (env.NEO4J_URI && !env.NEO4J_PASSWORD) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['NEO4J_PASSWORD'], message: 'is required when NEO4J_URI is set' });
    }
    if (env.CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS < env.CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS) {
      // A new connection is made while one is acquired: a shorter acquisition timeout would cut it short.
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS'],
        message: 'must be at least CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS',
      });
    }
    if (env.NEO4J_USER !== undefined && env.NEO4J_USERNAME !== undefined && env.NEO4J_USER !== env.NEO4J_USERNAME) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['NEO4J_USERNAME'],
        message: `differs from NEO4J_USER (${JSON.stringify(env.NEO4J_USERNAME)} and ${JSON.stringify(env.NEO4J_USER)}): set one of them, or both to the same user`,
      });
    }
    checkJwtSettings(env, ctx);
  })
  // One name for the rest of the code: NEO4J_USER, from either variable.
  .transform((env) => ({
    ...env,
    NEO4J_USER: env.NEO4J_USER ?? env.NEO4J_USERNAME ?? 'neo4j',
    CLAIMGRAPH_ANONYMOUS: env.CLAIMGRAPH_ANONYMOUS ?? (env.NODE_ENV === 'production' ? ('none' as const) : ('reader' as const)),
  }));

/**
 * JWT settings make sense together or not at all: one key source, with issuer and audience (a token from
 * the same provider for another application must not be accepted); an algorithm that fits the key.
 */
function checkJwtSettings(
  env: { [K in 'CLAIMGRAPH_JWT_JWKS_URL' | 'CLAIMGRAPH_JWT_PUBLIC_KEY' | 'CLAIMGRAPH_JWT_ALGORITHM' | 'CLAIMGRAPH_JWT_ISSUER' | 'CLAIMGRAPH_JWT_AUDIENCE']?: string },
  ctx: z.RefinementCtx,
) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  const jwks = env.CLAIMGRAPH_JWT_JWKS_URL;
  const pem = env.CLAIMGRAPH_JWT_PUBLIC_KEY;
  if (jwks && pem) issue('CLAIMGRAPH_JWT_PUBLIC_KEY', 'give CLAIMGRAPH_JWT_JWKS_URL or CLAIMGRAPH_JWT_PUBLIC_KEY, not both');
  if (!jwks && !pem) {
    for (const name of ['CLAIMGRAPH_JWT_ISSUER', 'CLAIMGRAPH_JWT_AUDIENCE', 'CLAIMGRAPH_JWT_ALGORITHM'] as const) {
      if (env[name] !== undefined) issue(name, 'is set, but no key source is: set CLAIMGRAPH_JWT_JWKS_URL or CLAIMGRAPH_JWT_PUBLIC_KEY as well');
    }
    return;
  }
  if (!env.CLAIMGRAPH_JWT_ISSUER) issue('CLAIMGRAPH_JWT_ISSUER', 'is required when JWTs are accepted (CLAIMGRAPH_JWT_JWKS_URL or CLAIMGRAPH_JWT_PUBLIC_KEY is set)');
  if (!env.CLAIMGRAPH_JWT_AUDIENCE?.split(',').some((a) => a.trim())) {
    issue('CLAIMGRAPH_JWT_AUDIENCE', 'is required when JWTs are accepted (CLAIMGRAPH_JWT_JWKS_URL or CLAIMGRAPH_JWT_PUBLIC_KEY is set)');
  }
  if (pem) {
    const algorithm = env.CLAIMGRAPH_JWT_ALGORITHM as JwtAlgorithm | undefined;
    if (!algorithm) {
      issue('CLAIMGRAPH_JWT_ALGORITHM', `is required with CLAIMGRAPH_JWT_PUBLIC_KEY (one of ${JWT_ALGORITHMS.join(', ')})`);
      return;
    }
    const key = publicKeyOf(pem);
    if (!key) return; // reported by the field's own check
    const fits = KEY_TYPES[algorithm];
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (!fits.types.includes(key.asymmetricKeyType ?? '') || (fits.curve && curve !== fits.curve)) {
      issue('CLAIMGRAPH_JWT_ALGORITHM', `${algorithm} does not fit the public key (a${curve ? ` ${curve}` : 'n'} ${key.asymmetricKeyType} key)`);
    }
  }
}

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
