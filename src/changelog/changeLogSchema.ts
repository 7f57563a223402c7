import type { Database } from '../neo4j/database.js';

/**
 * The indexes the change log needs: change ids unique, and a node's history found by an index seek on
 * entityId (its own changes and the relationships from it) or relatedId (relationships to it), in order of
 * record. Idempotent, like src/neo4j/migrations.ts, which should apply them at start.
 */
export const CHANGELOG_MIGRATIONS: readonly string[] = [
  'CREATE CONSTRAINT change_id_unique IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE',
  'CREATE INDEX change_entity_at IF NOT EXISTS FOR (c:Change) ON (c.entityId, c.at)',
  'CREATE INDEX change_related_at IF NOT EXISTS FOR (c:Change) ON (c.relatedId, c.at)',
];

export async function migrateChangeLog(db: Database): Promise<void> {
  for (const statement of CHANGELOG_MIGRATIONS) await db.write(statement);
}
