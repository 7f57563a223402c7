/**
 * The indexes the change log needs: change ids unique, and a node's history found by an index seek on
 * entityId (its own changes and the relationships from it) or relatedId (relationships to it), in order of
 * record; an import's change sets by the ids they are about. Applied at start with the rest of the schema (src/neo4j/migrations.ts).
 */
export const CHANGELOG_MIGRATIONS: readonly string[] = [
  'CREATE CONSTRAINT change_id_unique IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE',
  'CREATE INDEX change_entity_at IF NOT EXISTS FOR (c:Change) ON (c.entityId, c.at)',
  'CREATE INDEX change_related_at IF NOT EXISTS FOR (c:Change) ON (c.relatedId, c.at)',
  // The sets of a bulk import (changeLog.ts), found by the ids they are about: one token per id.
  "CREATE FULLTEXT INDEX change_set_ids IF NOT EXISTS FOR (s:ChangeSet) ON EACH [s.ids] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
];
