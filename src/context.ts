import type { Logger } from 'pino';
import type { Database } from './neo4j/database.js';
import type { Config } from './config.js';
import type { Principal } from './auth/principal.js';

/** What every resolver gets, built once per request. */
export interface Context {
  db: Database;
  log: Logger;
  config: Config;
  /**
   * Who is asking, authenticated: its role decides what it may do, its clearance what it may see, and its
   * name is what the change log records as who wrote.
   */
  principal: Principal;
  /** The request's id (X-Request-Id), quoted in logs and on internal errors. */
  requestId?: string;
}
