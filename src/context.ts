import type { Logger } from 'pino';
import type { Database } from './neo4j/database.js';
import type { Config } from './config.js';

/** What every resolver gets, built once per request. */
export interface Context {
  db: Database;
  log: Logger;
  config: Config;
  /** Who is writing: recorded in the change log of every write; 'anonymous' when not given. */
  user?: string;
  /** The request's id (X-Request-Id), quoted in logs and on internal errors. */
  requestId?: string;
}
