import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { databaseSettings, DEFAULT_DATABASE_SETTINGS } from '../../src/neo4j/database.js';

describe('Neo4j deadlines and limits in the configuration', () => {
  it('default to what a Database made without a configuration uses', () => {
    expect(databaseSettings(loadConfig({}))).toEqual(DEFAULT_DATABASE_SETTINGS);
    expect(DEFAULT_DATABASE_SETTINGS).toEqual({
      queryTimeoutMs: 15_000,
      exportTimeoutMs: 900_000,
      importBatchTimeoutMs: 120_000,
      maxConcurrentQueriesPerRequest: 4,
      maxPoolSize: 100,
      acquisitionTimeoutMs: 5_000,
      connectTimeoutMs: 2_000,
      healthIntervalMs: 1_000,
    });
  });

  it('are read from the environment', () => {
    const settings = databaseSettings(
      loadConfig({
        CLAIMGRAPH_QUERY_TIMEOUT_MS: '2500',
        CLAIMGRAPH_EXPORT_TIMEOUT_MS: '60000',
        CLAIMGRAPH_IMPORT_BATCH_TIMEOUT_MS: '30000',
        CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST: '2',
        CLAIMGRAPH_NEO4J_MAX_POOL_SIZE: '20',
        CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS: '3000',
        CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS: '1000',
        CLAIMGRAPH_HEALTH_INTERVAL_MS: '500',
      }),
    );
    expect(settings).toEqual({
      queryTimeoutMs: 2_500,
      exportTimeoutMs: 60_000,
      importBatchTimeoutMs: 30_000,
      maxConcurrentQueriesPerRequest: 2,
      maxPoolSize: 20,
      acquisitionTimeoutMs: 3_000,
      connectTimeoutMs: 1_000,
      healthIntervalMs: 500,
    });
  });

  it.each([
    ['CLAIMGRAPH_QUERY_TIMEOUT_MS', '0'],
    ['CLAIMGRAPH_QUERY_TIMEOUT_MS', '15s'],
    ['CLAIMGRAPH_QUERY_TIMEOUT_MS', '-1'],
    ['CLAIMGRAPH_EXPORT_TIMEOUT_MS', '10'],
    ['CLAIMGRAPH_IMPORT_BATCH_TIMEOUT_MS', '1.5'],
    ['CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST', '0'],
    ['CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST', '1000'],
    ['CLAIMGRAPH_NEO4J_MAX_POOL_SIZE', '0'],
    ['CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS', '10'],
    ['CLAIMGRAPH_HEALTH_INTERVAL_MS', 'often'],
  ])('refuse %s=%s at start, naming the setting', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(key));
  });

  it('refuse an acquisition timeout shorter than the connect timeout (it would cut new connections short)', () => {
    expect(() => loadConfig({ CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS: '1000', CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS: '2000' })).toThrow(
      /CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS: must be at least CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS/,
    );
    expect(loadConfig({ CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS: '2000', CLAIMGRAPH_NEO4J_CONNECT_TIMEOUT_MS: '2000' }).CLAIMGRAPH_NEO4J_ACQUISITION_TIMEOUT_MS).toBe(2_000);
  });
});
