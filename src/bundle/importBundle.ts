import neo4j from 'neo4j-driver';
import type { ManagedTransaction } from 'neo4j-driver';
import { labelOfId, type Label } from '../ids.js';
import { storedProperties, type GraphModel, type PropertySpec } from '../model/graphModel.js';
import type { Database } from '../neo4j/database.js';
import { BundleValidationError, validateBundle, type PartialDateInput } from './bundleSchema.js';

export interface ImportSummary {
  nodesCreated: number;
  nodesUpdated: number;
  edgesCreated: number;
  edgesUpdated: number;
}

const q = (name: string) => `\`${name}\``;

function toDate(iso: string | undefined) {
  if (!iso) return null;
  const [y, m, d] = iso.split('-').map(Number);
  return new neo4j.types.Date(y, m, d);
}

/**
 * A bundle's properties as Neo4j stores them: partial dates flattened into five properties, points as
 * WGS-84 points, integers as Neo4j integers. Every model property is present (null when absent), so an
 * upsert also removes what the bundle no longer says.
 */
export function storedValues(specs: PropertySpec[], props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = props[spec.name];
    if (spec.kind === 'partialDate') {
      const d = value as PartialDateInput | undefined;
      const [start, end, precision, raw, relativeTo] = storedProperties(spec);
      out[start] = toDate(d?.start);
      out[end] = toDate(d?.end);
      out[precision] = d?.precision ?? null;
      out[raw] = d?.raw ?? null;
      out[relativeTo] = toDate(d?.relativeTo);
    } else if (spec.kind === 'geoPoint') {
      const p = value as { latitude: number; longitude: number } | undefined;
      const precision = props[`${spec.name}PrecisionM`];
      out[spec.name] = p ? new neo4j.types.Point(4326, p.longitude, p.latitude) : null;
      out[`${spec.name}PrecisionM`] = typeof precision === 'number' ? neo4j.int(precision) : null;
    } else if (spec.kind === 'scalar' && spec.scalar === 'int') {
      out[spec.name] = typeof value === 'number' ? neo4j.int(value) : null;
    } else if (spec.kind === 'scalar' && spec.scalar === 'date') {
      out[spec.name] = toDate(value as string | undefined);
    } else {
      out[spec.name] = value ?? null;
    }
  }
  return out;
}

/** True in Cypher when `row.props` differs from what `x` stores (nulls compare equal to absent). */
const CHANGED = (x: string) =>
  `any(k IN keys(row.props) WHERE NOT coalesce(${x}[k] = row.props[k], ${x}[k] IS NULL AND row.props[k] IS NULL))`;

async function upsertNodes(tx: ManagedTransaction, label: Label, rows: unknown[], now: unknown) {
  const result = await tx.run(
    `UNWIND $rows AS row
     OPTIONAL MATCH (existing:${q(label)} {id: row.id})
     WITH row, existing IS NULL AS isNew, existing IS NOT NULL AND ${CHANGED('existing')} AS isChanged
     MERGE (n:${q(label)} {id: row.id})
     ON CREATE SET n.createdAt = $now
     FOREACH (_ IN CASE WHEN isNew OR isChanged THEN [1] ELSE [] END | SET n += row.props, n.updatedAt = $now)
     RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created, sum(CASE WHEN isChanged THEN 1 ELSE 0 END) AS updated`,
    { rows, now },
  );
  const record = result.records[0];
  return { created: Number(record.get('created')), updated: Number(record.get('updated')) };
}

async function upsertEdges(tx: ManagedTransaction, type: string, from: Label, to: Label, key: string | undefined, rows: unknown[]) {
  const keyMatch = key ? ` {${q(key)}: row.key}` : '';
  const result = await tx.run(
    `UNWIND $rows AS row
     MATCH (a:${q(from)} {id: row.from})
     MATCH (b:${q(to)} {id: row.to})
     OPTIONAL MATCH (a)-[existing:${q(type)}${keyMatch}]->(b)
     WITH row, a, b, existing IS NULL AS isNew, existing IS NOT NULL AND ${CHANGED('existing')} AS isChanged
     MERGE (a)-[r:${q(type)}${keyMatch}]->(b)
     FOREACH (_ IN CASE WHEN isNew OR isChanged THEN [1] ELSE [] END | SET r += row.props)
     RETURN count(*) AS matched, sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created, sum(CASE WHEN isChanged THEN 1 ELSE 0 END) AS updated`,
    { rows },
  );
  const record = result.records[0];
  return { matched: Number(record.get('matched')), created: Number(record.get('created')), updated: Number(record.get('updated')) };
}

/**
 * Validates a bundle, then upserts it in one write transaction: all of it lands or none of it does, and
 * importing the same bundle again changes nothing (no property and no updatedAt moves).
 */
export async function importBundle(db: Database, model: GraphModel, input: unknown): Promise<ImportSummary> {
  const { bundle, externalIds } = validateBundle(input, model);
  const summary: ImportSummary = { nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 };
  const session = db.driver.session({ database: db.name, defaultAccessMode: neo4j.session.WRITE });
  try {
    await session.executeWrite(async (tx) => {
      if (externalIds.length) {
        const found = await tx.run('MATCH (n) WHERE n.id IN $ids RETURN collect(n.id) AS ids', { ids: externalIds });
        const present = new Set(found.records[0].get('ids') as string[]);
        const missing = externalIds.filter((id) => !present.has(id));
        if (missing.length) {
          throw new BundleValidationError(missing.map((id) => ({ path: 'edges', message: `endpoint ${id} is neither in the bundle nor in the database` })));
        }
      }
      const now = neo4j.types.DateTime.fromStandardDate(new Date());
      for (const [label, nodeModel] of model.nodes) {
        const rows = bundle.nodes
          .filter((n) => n.label === label)
          .map((n) => ({ id: n.id, props: storedValues(nodeModel.properties, n.properties) }));
        if (!rows.length) continue;
        const counts = await upsertNodes(tx, label, rows, now);
        summary.nodesCreated += counts.created;
        summary.nodesUpdated += counts.updated;
      }
      const groups = new Map<string, { type: string; from: Label; to: Label; rows: unknown[] }>();
      for (const edge of bundle.edges) {
        const edgeModel = model.edges.get(edge.type)!;
        const from = labelOfId(edge.from)!;
        const to = labelOfId(edge.to)!;
        const groupKey = `${edge.type}|${from}|${to}`;
        const group = groups.get(groupKey) ?? { type: edge.type, from, to, rows: [] };
        const props = storedValues(edgeModel.properties, edge.properties);
        group.rows.push({ from: edge.from, to: edge.to, key: edgeModel.key ? props[edgeModel.key] : null, props });
        groups.set(groupKey, group);
      }
      for (const group of groups.values()) {
        const counts = await upsertEdges(tx, group.type, group.from, group.to, model.edges.get(group.type)!.key, group.rows);
        if (counts.matched !== group.rows.length) throw new Error(`${group.type}: some endpoints vanished during the import`);
        summary.edgesCreated += counts.created;
        summary.edgesUpdated += counts.updated;
      }
    });
  } finally {
    await session.close();
  }
  return summary;
}
