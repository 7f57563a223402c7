import neo4j, { type Driver, Neo4jError, type QueryResult, type RecordShape } from 'neo4j-driver';
import { databaseUnavailable } from '../errors.js';

/** Where claimgraph's data lives: a driver and the database name to use on it. */
export interface Neo4jTarget {
  uri: string;
  user: string;
  password: string;
  database: string;
}

export type QueryListener = (cypher: string, params: Record<string, unknown>) => void;

/**
 * The one way claimgraph talks to Neo4j: managed transactions through `executeQuery`, reads routed to
 * readers (cluster-ready), every query counted for whoever listens (tests count round trips).
 */
export class Database {
  private listeners = new Set<QueryListener>();
  constructor(
    readonly driver: Driver,
    readonly name: string,
  ) {}

  static connect(target: Neo4jTarget): Database {
    const driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password), {
      // Fail fast when Neo4j is down: a request gets DATABASE_UNAVAILABLE in seconds, not half a minute.
      maxTransactionRetryTime: 5_000,
      connectionAcquisitionTimeout: 5_000,
      connectionTimeout: 3_000,
      disableLosslessIntegers: false,
    });
    return new Database(driver, target.database);
  }

  onQuery(listener: QueryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async read<T extends RecordShape = RecordShape>(cypher: string, params: Record<string, unknown> = {}): Promise<QueryResult<T>> {
    return this.run<T>(cypher, params, neo4j.routing.READ);
  }

  async write<T extends RecordShape = RecordShape>(cypher: string, params: Record<string, unknown> = {}): Promise<QueryResult<T>> {
    return this.run<T>(cypher, params, neo4j.routing.WRITE);
  }

  private async run<T extends RecordShape>(cypher: string, params: Record<string, unknown>, routing: 'READ' | 'WRITE') {
    for (const listener of this.listeners) listener(cypher, params);
    try {
      return await this.driver.executeQuery<QueryResult<T>>(cypher, params, { database: this.name, routing });
    } catch (error) {
      throw isUnavailable(error) ? databaseUnavailable() : error;
    }
  }

  /** True when Neo4j answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.driver.executeQuery('RETURN 1', {}, { database: this.name });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof Neo4jError &&
    (error.code === 'ServiceUnavailable' || error.code === 'SessionExpired' || error.retriable === true)
  );
}
