import { inject } from 'vitest';
import { pino } from 'pino';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { Database, databaseSettings } from '../src/neo4j/database.js';
import { migrate } from '../src/neo4j/migrations.js';
import { buildSchema } from '../src/schema.js';
import { graphModelOf } from '../src/model/graphModel.js';
import { loadSample } from '../src/sample/loadSample.js';
import { createApolloServer, startServer, type RunningServer } from '../src/server.js';
import type { Context } from '../src/context.js';
import type { Marking, Principal, Role } from '../src/auth/principal.js';
import { createApiKey } from '../src/auth/apiKeys.js';
import { loadConfig, type Config } from '../src/config.js';

/** The shared test harness: one driver, one schema and one Apollo Server per test file, over the real Neo4j. */
export const silentLog = pino({ level: process.env.TEST_LOG ?? 'silent' });
export const schema = buildSchema();
export const model = graphModelOf(schema);
/** Configuration as a test run sees it (defaults plus the environment). */
export const testConfig = loadConfig({ ...process.env, NODE_ENV: 'test' });

/** Who tests run as unless they say otherwise: an admin who sees everything. */
export const TEST_ADMIN: Principal = { kind: 'key', name: 'key:test-admin', role: 'admin', clearance: 'RED' };

export interface Harness {
  db: Database;
  apollo: ApolloServer<Context>;
  /** Runs an operation through Apollo (executeOperation), as `principal` (default TEST_ADMIN), and returns data and errors. */
  run<T = any>(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<{ data?: T; errors?: readonly GraphQLFormattedError[] }>;
  /** Runs an operation that must succeed and returns its data. */
  data<T = any>(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<T>;
  close(): Promise<void>;
}

/** A driver to the test Neo4j, with the test configuration's database settings and any `overrides`. */
export function connectTestDatabase(overrides: Partial<Config> = {}): Database {
  return Database.connect(inject('neo4j'), databaseSettings({ ...testConfig, ...overrides }));
}

/**
 * Empties the database and loads the Kupyansk sample: every test file starts from the same state. API keys
 * stay: they are credentials, not graph data, and a file's keys must outlive its resets.
 */
export async function resetToSample(db: Database): Promise<void> {
  // In chunks, under a roomy deadline: a file that stopped half-way may have left a large graph behind, and
  // one transaction over it would fail every file after it.
  await db.autoCommit('MATCH (n) WHERE NOT n:ApiKey CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS', {}, { deadline: 600_000 });
  await migrate(db);
  await loadSample(db, model);
}

/**
 * `database` overrides the database settings (deadlines, pool) for files whose queries are about answers on
 * a busy machine, not speed: a walk of every field, say, whose wide Cypher takes Neo4j seconds to plan.
 */
export async function createHarness(options: { reset?: boolean; database?: Partial<Config> } = { reset: true }): Promise<Harness> {
  const db = connectTestDatabase(options.database);
  if (options.reset !== false) await resetToSample(db);
  const apollo = createApolloServer({ db, log: silentLog, config: testConfig, development: false, schema });
  await apollo.start();
  const run = async (query: string, variables?: Record<string, unknown>, principal: Principal = TEST_ADMIN) => {
    // A view per operation, as the server makes one per request.
    const response = await apollo.executeOperation({ query, variables }, { contextValue: { db: db.forRequest(), log: silentLog, config: testConfig, principal } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as { data?: any; errors?: readonly GraphQLFormattedError[] };
  };
  return {
    db,
    apollo,
    run,
    async data(query, variables, principal) {
      const result = await run(query, variables, principal);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data;
    },
    async close() {
      await apollo.stop();
      await db.close();
    },
  };
}

/** Runs `run` and returns its result with the Cypher queries it sent: proves round trips, or none at all. */
export async function countQueries<T>(db: Database, run: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const queries: string[] = [];
  const off = db.onQuery((cypher) => queries.push(cypher));
  try {
    return { result: await run(), queries };
  } finally {
    off();
  }
}

export interface TestKey {
  key: string;
  /** The principal's name, as the change log records it: key:<name>. */
  principal: string;
  /** The Authorization header that presents the key, to spread into a request's headers. */
  headers: { authorization: string };
}

/**
 * A new API key of `role` and `clearance`, made through the keys module as `npm run keys -- create` makes
 * one; its name is unique (keys outlive resets, and names are never reused).
 */
export async function testKey(db: Database, role: Role, clearance: Marking = 'CLEAR', name = `test-${role}-${clearance.toLowerCase()}`): Promise<TestKey> {
  const unique = `${name}-${Math.random().toString(36).slice(2, 10)}`;
  const { key, info } = await createApiKey(db, { name: unique, role, clearance });
  return { key, principal: `key:${info.name}`, headers: { authorization: `Bearer ${key}` } };
}

/** The Authorization header of a new key of `role` and `clearance`. */
export async function authHeader(db: Database, role: Role, clearance: Marking = 'CLEAR'): Promise<{ authorization: string }> {
  return (await testKey(db, role, clearance)).headers;
}

/** Who a test server's requests act as: anonymous (no credential), or a new key of a role and clearance. */
export type TestPrincipal = 'anonymous' | { role: Role; clearance?: Marking };

export interface TestServer extends RunningServer {
  /** Headers that authenticate as the principal the server was started for ({} for anonymous). */
  headers: Record<string, string>;
  /** That principal's name, as the change log records it. */
  principal: string;
}

/**
 * The whole API (Express, /graphql, /health, /import, /export) over the harness's database, on a free port;
 * `as` says who the test's requests act as (send `headers` with them), `config` changes settings.
 */
export async function startTestServer(h: Harness, as: TestPrincipal, config: Partial<Config> = {}): Promise<TestServer> {
  const server = await startServer({ db: h.db, log: silentLog, config: { ...testConfig, ...config }, development: false, schema, host: '127.0.0.1', port: 0 });
  if (as === 'anonymous') return Object.assign(server, { headers: {}, principal: 'anonymous' });
  const key = await testKey(h.db, as.role, as.clearance);
  return Object.assign(server, { headers: key.headers, principal: key.principal });
}
