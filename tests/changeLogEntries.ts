import type { Database } from '../src/neo4j/database.js';
import { CHANGES_OF, READ_CHANGES } from '../src/changelog/history.js';

/**
 * The change log as tests read it behind the API's back: every entry in either stored form (a write's
 * :Change nodes, an import's :ChangeSet entries), as maps of a Change node's properties, oldest first.
 */
export type StoredChange = { id: string; who: string; via: string; op: string; entityId: string; changes: string } & Record<string, unknown>;

export async function allChanges(db: Database): Promise<StoredChange[]> {
  const result = await db.read(
    `CALL {
       MATCH (n:Change) RETURN {change: n, set: null, i: null} AS c
       UNION ALL
       MATCH (s:ChangeSet) UNWIND range(0, size(s.ops) - 1) AS i RETURN {change: null, set: s, i: i} AS c
     }
     ${READ_CHANGES}
     RETURN change ORDER BY change.at, change.id`,
  );
  return result.records.map((r) => r.get('change') as StoredChange);
}

/** How many entries the log holds. */
export const countChanges = async (db: Database) => (await allChanges(db)).length;

/** The entries about one node (its own and its relationships'), oldest first, as history reads them. */
export async function changesAbout(db: Database, id: string): Promise<StoredChange[]> {
  const result = await db.read(`${CHANGES_OF} ${READ_CHANGES} RETURN change ORDER BY change.at, change.id`, { id });
  return result.records.map((r) => r.get('change') as StoredChange);
}
