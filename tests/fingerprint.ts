import { createHash } from 'node:crypto';
import neo4j from 'neo4j-driver';
import type { Database } from '../src/neo4j/database.js';

/**
 * "Is the database exactly as it was?": every node (its labels and properties, change-log entries
 * included, as they are :Change and :ChangeSet nodes) and every relationship (type, ends, properties), in a canonical
 * text, sorted. `fingerprint` hashes it; `snapshot` gives the lines, to show what differs when two do.
 * It reads the whole graph: for test databases, not for the large generated ones.
 */

/** A stored value as text that tells types apart (an Integer 1 from a Float 1.0, a date from a string). */
function canonicalValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (neo4j.isInt(value)) return `int:${value.toString()}`;
  if (typeof value === 'number') return `float:${Object.is(value, -0) ? '-0' : String(value)}`;
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  if (neo4j.isPoint(value as object)) return `point:${String(value)}`;
  if (
    neo4j.isDate(value as object) ||
    neo4j.isDateTime(value as object) ||
    neo4j.isLocalDateTime(value as object) ||
    neo4j.isLocalTime(value as object) ||
    neo4j.isTime(value as object) ||
    neo4j.isDuration(value as object)
  ) {
    return `${(value as object).constructor.name}:${String(value)}`;
  }
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalValue(object[k])}`)
    .join(',')}}`;
}

/** Every node and relationship as one line of canonical text each, sorted. */
export async function snapshot(db: Database): Promise<string[]> {
  const nodes = await db.read(
    `MATCH (n) RETURN labels(n) AS labels,
            CASE WHEN n:ApiKey THEN n {.name, .role, .clearance, .hash, .createdAt, .revokedAt} ELSE properties(n) END AS props`,
  );
  const rels = await db.read(
    `MATCH (a)-[r]->(b)
     RETURN type(r) AS type, coalesce(a.id, elementId(a)) AS from, coalesce(b.id, elementId(b)) AS to, properties(r) AS props`,
  );
  const lines = [
    ...nodes.records.map((r) => `node ${[...(r.get('labels') as string[])].sort().join(':')} ${canonicalValue(r.get('props'))}`),
    ...rels.records.map((r) => `rel ${r.get('type')} ${r.get('from')} -> ${r.get('to')} ${canonicalValue(r.get('props'))}`),
  ];
  return lines.sort();
}

/** A hash of the snapshot: equal exactly when nothing was written, changed or logged. */
export async function fingerprint(db: Database): Promise<string> {
  const hash = createHash('sha256');
  for (const line of await snapshot(db)) hash.update(line).update('\n');
  return hash.digest('hex');
}
