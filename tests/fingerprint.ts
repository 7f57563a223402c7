import { createHash } from 'node:crypto';
import type { Database } from '../src/neo4j/database.js';

/**
 * A digest of everything in the database: every node (labels and properties, the change log's included)
 * and every relationship (type, ends, properties). Equal before and after a request proves the request
 * wrote nothing at all — but for an API key's lastUsedAt, the bookkeeping every authenticated request may
 * do (at most once a minute per key), which is left out.
 */
export async function fingerprint(db: Database): Promise<string> {
  const nodes = await db.read(
    `MATCH (n)
     RETURN elementId(n) AS id, labels(n) AS labels,
            CASE WHEN n:ApiKey THEN n {.name, .role, .clearance, .hash, .createdAt, .revokedAt} ELSE properties(n) END AS p`,
  );
  const rels = await db.read('MATCH (a)-[r]->(b) RETURN type(r) AS type, elementId(a) AS a, elementId(b) AS b, properties(r) AS p');
  // Temporal and spatial values print as their Cypher text; property keys in a stable order.
  const text = (p: Record<string, unknown>) =>
    JSON.stringify(Object.fromEntries(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : 1))), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype ? String(v) : v,
    );
  const lines = [
    ...nodes.records.map((r) => `N ${r.get('id')} ${[...(r.get('labels') as string[])].sort().join(':')} ${text(r.get('p'))}`),
    ...rels.records.map((r) => `R ${r.get('type')} ${r.get('a')} ${r.get('b')} ${text(r.get('p'))}`),
  ];
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}
