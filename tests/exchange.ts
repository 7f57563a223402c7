import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../src/neo4j/database.js';
import type { GraphModel } from '../src/model/graphModel.js';
import { exportText, exportToPath } from '../src/export/exportSubgraph.js';
import { resolveSelection } from '../src/export/streamSubgraph.js';
import type { Selection } from '../src/export/selection.js';
import type { StreamFormat } from '../src/export/exportSubgraph.js';
import type { Principal } from '../src/auth/principal.js';
import { TEST_ADMIN } from './harness.js';

/** Helpers shared by the import/export tests: exports as strings, counts, wiping the database. */

export function tempDir(prefix = 'claimgraph-exchange-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function exportString(db: Database, model: GraphModel, format: StreamFormat, selection: Selection = {}, principal: Principal = TEST_ADMIN): Promise<string> {
  const resolved = await resolveSelection(db, selection, principal);
  let out = '';
  for await (const text of exportText(db, model, resolved, format)) out += text;
  return out;
}

/** A CSV export into a fresh directory; returns the directory and its files' contents by name. */
export async function exportCsv(db: Database, model: GraphModel, selection: Selection = {}, dir = tempDir(), principal: Principal = TEST_ADMIN) {
  await exportToPath(db, model, await resolveSelection(db, selection, principal), 'csv', dir);
  const files = Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
  return { dir, files };
}

/**
 * Nodes and relationships in the database, by label and by type: the "is it unchanged" fingerprint of the
 * graph (API keys, which wipe() keeps, are not part of it).
 */
export async function graphCounts(db: Database): Promise<Record<string, number>> {
  const nodes = await db.read('MATCH (n) WHERE NOT n:ApiKey UNWIND labels(n) AS l RETURN l AS k, count(*) AS c');
  const rels = await db.read('MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS c');
  const out: Record<string, number> = {};
  for (const r of [...nodes.records, ...rels.records]) out[r.get('k')] = Number(r.get('c'));
  return out;
}

/**
 * Empties the database in chunks (a single transaction would need the whole graph in Neo4j's heap), but
 * for API keys: they are credentials, not data, and the test's keys must keep working.
 */
export async function wipe(db: Database): Promise<void> {
  await db.autoCommit('MATCH (n) WHERE NOT n:ApiKey CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS', {}, { deadline: 600_000 });
}
