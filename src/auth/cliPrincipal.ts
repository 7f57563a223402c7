import os from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../neo4j/database.js';
import { createAuthenticator } from './authenticator.js';
import { localOperator, type Principal } from './principal.js';

/** A key the CLI was given that does not authenticate (the message does not say why, as over HTTP). */
export class CliKeyError extends Error {
  override name = 'CliKeyError';
}

/** The operating-system user running the CLI, as the change log names the local operator. */
export function osUserName(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/**
 * Who a CLI acts as: the principal of `key` (from --key or CLAIMGRAPH_KEY), checked against the database
 * as a request's would be; without a key, the local operator — whoever can run the CLI against the
 * database already holds its password.
 */
export async function cliPrincipal(db: Database, config: Config, log: Logger, key: string | undefined): Promise<Principal> {
  if (key === undefined || key === '') return localOperator(osUserName());
  const authenticator = await createAuthenticator({ db, config, log });
  const result = await authenticator.authenticate(`Bearer ${key.trim()}`);
  if ('principal' in result) return result.principal;
  throw new CliKeyError('the key is not valid: it is malformed, unknown, revoked or expired');
}
