import { z } from 'zod';

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
  })
  // One name for the rest of the code: NEO4J_USER, from either variable.
  .transform((env) => ({ ...env, NEO4J_USER: env.NEO4J_USER ?? env.NEO4J_USERNAME ?? 'neo4j' }));

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
