import { createHash, randomBytes } from 'node:crypto';
import neo4j from 'neo4j-driver';
import type { Logger } from 'pino';
import type { Database } from '../neo4j/database.js';
import { isMarking, isRole, type Marking, type Principal, type Role } from './principal.js';

/**
 * API keys: `cg_` and 43 base64url characters (32 random bytes, 256 bits). Only the key's SHA-256 is
 * stored, in an (:ApiKey) node — a label outside the graph model, so search, traversal, export and import
 * never see it (like the change log's :Change); its constraints (name and hash unique) are in
 * src/neo4j/migrations.ts. A key is looked up on every request (one index seek), so
 * a revocation holds from the next request on, on every server that shares the database.
 */

const PREFIX = 'cg_';
const KEY_BYTES = 32;
/** The shape of a key; anything else is refused without a database lookup. */
export const API_KEY_PATTERN = /^cg_[A-Za-z0-9_-]{43}$/;
/** Names are what the change log records (key:<name>): short, printable, no spaces. */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** lastUsedAt is written at most this often per key, so a busy key does not write on every request. */
export const LAST_USED_INTERVAL_MS = 60_000;

export const newApiKey = () => PREFIX + randomBytes(KEY_BYTES).toString('base64url');
export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
export const isApiKeyShaped = (token: string) => API_KEY_PATTERN.test(token);

export interface ApiKeyInfo {
  name: string;
  role: Role;
  clearance: Marking;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A refusal of the keys CLI (a name taken, a key that does not exist): a message for the user. */
export class ApiKeyError extends Error {
  override name = 'ApiKeyError';
}

const dateOf = (value: unknown): Date | null => (neo4j.isDateTime(value) ? value.toStandardDate() : null);

function infoOf(record: { get(key: string): unknown }): ApiKeyInfo {
  return {
    name: record.get('name') as string,
    role: record.get('role') as Role,
    clearance: record.get('clearance') as Marking,
    createdAt: dateOf(record.get('createdAt'))!,
    lastUsedAt: dateOf(record.get('lastUsedAt')),
    revokedAt: dateOf(record.get('revokedAt')),
  };
}

const INFO = 'k.name AS name, k.role AS role, k.clearance AS clearance, k.createdAt AS createdAt, k.lastUsedAt AS lastUsedAt, k.revokedAt AS revokedAt';

/** Creates a key; the key itself is returned once and never stored. A taken name (even revoked) is refused. */
export async function createApiKey(db: Database, input: { name: string; role: Role; clearance?: Marking }): Promise<{ key: string; info: ApiKeyInfo }> {
  if (!KEY_NAME_PATTERN.test(input.name)) {
    throw new ApiKeyError('a key name is 1 to 64 letters, digits and . _ @ - (starting with a letter or digit)');
  }
  if (!isRole(input.role)) throw new ApiKeyError(`unknown role ${String(input.role)}; use reader, editor or admin`);
  const clearance = input.clearance ?? 'CLEAR';
  if (!isMarking(clearance)) throw new ApiKeyError(`unknown clearance ${String(clearance)}`);
  const key = newApiKey();
  // The name's own uniqueness is the constraint's job; checking first gives the user a plain message.
  const result = await db.writeTransaction(async (tx) => {
    const taken = await tx.run('MATCH (k:ApiKey {name: $name}) RETURN k.revokedAt IS NOT NULL AS revoked', { name: input.name });
    if (taken.records.length) return { taken: taken.records[0].get('revoked') as boolean };
    const created = await tx.run(
      `CREATE (k:ApiKey {name: $name, role: $role, clearance: $clearance, hash: $hash, createdAt: datetime()})
       RETURN ${INFO}`,
      { name: input.name, role: input.role, clearance, hash: hashApiKey(key) },
    );
    return { info: infoOf(created.records[0]) };
  });
  if ('taken' in result) {
    throw new ApiKeyError(`a key named ${input.name} ${result.taken ? 'existed and was revoked; names are not reused, pick another' : 'exists already'}`);
  }
  return { key, info: result.info };
}

/** Every key, oldest first: names, roles, clearances and times — never the key or its hash. */
export async function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  const result = await db.read(`MATCH (k:ApiKey) RETURN ${INFO} ORDER BY k.createdAt, k.name`);
  return result.records.map(infoOf);
}

/** Revokes a key by name (it keeps its node, so the name stays taken and `keys list` shows when). */
export async function revokeApiKey(db: Database, name: string): Promise<{ info: ApiKeyInfo; already: boolean }> {
  const result = await db.write(
    `MATCH (k:ApiKey {name: $name})
     WITH k, k.revokedAt IS NOT NULL AS already
     SET k.revokedAt = coalesce(k.revokedAt, datetime())
     RETURN ${INFO}, already`,
    { name },
  );
  if (!result.records.length) throw new ApiKeyError(`no key is named ${name}`);
  return { info: infoOf(result.records[0]), already: result.records[0].get('already') as boolean };
}

/** Most keys a server remembers as checked; the oldest is forgotten first. */
const MAX_CACHED_KEYS = 10_000;

/**
 * The principal of a key, or null when the key is malformed, unknown or revoked (the caller does not learn
 * which). Records its use (lastUsedAt) in the background, at most once a minute per key.
 *
 * A valid key is remembered for `cacheMs` after it was checked in Neo4j, so a client's requests do not each
 * pay a second round trip for it; a revoked key is therefore refused within `cacheMs` (the CLI revokes from
 * another process, so there is nothing to tell). Unknown and revoked keys are never remembered: guessing
 * keys gains nothing from the cache, and costs a lookup each (the rate limit is for that).
 */
export class ApiKeyAuthenticator {
  /** Keys whose lastUsedAt this process wrote (or is writing) recently: hash → when. */
  private readonly touched = new Map<string, number>();
  /** Keys checked valid recently: hash → the principal, its stored lastUsedAt and when the check expires. */
  private readonly checked = new Map<string, { principal: Principal; lastUsedAt: Date | null; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly log?: Logger,
    private readonly cacheMs = 0,
  ) {}

  async principalOf(key: string): Promise<Principal | null> {
    if (!isApiKeyShaped(key)) return null;
    const hash = hashApiKey(key);
    const remembered = this.checked.get(hash);
    if (remembered && remembered.until > Date.now()) {
      this.touch(hash, remembered.lastUsedAt);
      return remembered.principal;
    }
    if (remembered) this.checked.delete(hash);
    const result = await this.db.read(
      'MATCH (k:ApiKey {hash: $hash}) RETURN k.name AS name, k.role AS role, k.clearance AS clearance, k.revokedAt IS NOT NULL AS revoked, k.lastUsedAt AS lastUsedAt',
      { hash },
    );
    const record = result.records[0];
    if (!record || record.get('revoked')) return null;
    const role = record.get('role');
    const clearance = record.get('clearance');
    if (!isRole(role) || !isMarking(clearance)) {
      this.log?.error({ key: record.get('name') }, 'an API key node has an unknown role or clearance; refusing it');
      return null;
    }
    const lastUsedAt = dateOf(record.get('lastUsedAt'));
    const principal: Principal = { kind: 'key', name: `key:${record.get('name') as string}`, role, clearance };
    if (this.cacheMs > 0) {
      if (this.checked.size >= MAX_CACHED_KEYS) this.checked.delete(this.checked.keys().next().value as string);
      this.checked.set(hash, { principal, lastUsedAt, until: Date.now() + this.cacheMs });
    }
    this.touch(hash, lastUsedAt);
    return principal;
  }

  /** Writes lastUsedAt when it is a minute old (as stored, so a fleet of servers writes it about once a minute too). */
  private touch(hash: string, lastUsedAt: Date | null) {
    const now = Date.now();
    if (lastUsedAt && now - lastUsedAt.getTime() < LAST_USED_INTERVAL_MS) return;
    const mine = this.touched.get(hash);
    if (mine !== undefined && now - mine < LAST_USED_INTERVAL_MS) return;
    this.touched.set(hash, now);
    if (this.touched.size > 10_000) {
      for (const [h, at] of this.touched) if (now - at >= LAST_USED_INTERVAL_MS) this.touched.delete(h);
    }
    // Never awaited: the request does not wait for its bookkeeping, and a failure costs only a timestamp.
    this.db
      .write(
        `MATCH (k:ApiKey {hash: $hash})
         WHERE k.lastUsedAt IS NULL OR k.lastUsedAt < $before
         SET k.lastUsedAt = $now`,
        { hash, before: neo4j.types.DateTime.fromStandardDate(new Date(now - LAST_USED_INTERVAL_MS)), now: neo4j.types.DateTime.fromStandardDate(new Date(now)) },
      )
      .catch((error: unknown) => {
        this.touched.delete(hash);
        this.log?.warn({ err: error }, 'could not record an API key’s last use');
      });
  }
}
