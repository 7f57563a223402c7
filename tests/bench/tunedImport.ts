/**
 * The floor for bulk import: what a data engineer would write by hand to load a claimgraph NDJSON file as
 * fast as Neo4j allows — `UNWIND … MERGE` in large batches, nothing else (no validation, no change log).
 * It leaves the graph claimgraph's own importer leaves, change log aside: the same nodes, properties and
 * relationships, and each node's times of record (`createdAt`, `updatedAt`: claimgraph shows them, orders
 * and filters by them, and keeps an order index on each), or claimgraph would not answer the same over it.
 * The read benchmark loads its graph with it too. With `timesOfRecord: false` it leaves the times out: the
 * bare floor, which the import benchmark reports as well, so that neither reading of "the same graph" is
 * hidden.
 */
import { createReadStream } from 'node:fs';
import neo4j from 'neo4j-driver';
import { createInterface } from 'node:readline';
import type { Database } from '../../src/neo4j/database.js';
import type { GraphModel } from '../../src/model/graphModel.js';
import { storedValues } from '../../src/bundle/importBundle.js';
import { LABELS, type Label } from '../../src/ids.js';

const BATCH = 10_000;

const labelOfId = (id: string) => LABELS.find((l) => id.startsWith(`${l.toLowerCase()}:`)) as Label;
const q = (name: string) => `\`${name}\``;

export async function tunedImport(db: Database, model: GraphModel, file: string, { timesOfRecord = true } = {}): Promise<void> {
  const upsert = timesOfRecord ? 'ON CREATE SET n.createdAt = $now SET n += row.props, n.updatedAt = $now' : 'SET n += row.props';
  const nodes = new Map<string, Array<{ id: string; props: Record<string, unknown> }>>();
  const edges = new Map<string, Array<{ from: string; to: string; props: Record<string, unknown> }>>();
  const flushNodes = async (label: string) => {
    const rows = nodes.get(label) ?? [];
    nodes.set(label, []);
    if (rows.length) {
      await db.write(
        `UNWIND $rows AS row MERGE (n:${q(label)} {id: row.id}) ${upsert}`,
        timesOfRecord ? { rows, now: neo4j.types.DateTime.fromStandardDate(new Date()) } : { rows },
        { deadline: 'importBatch' },
      );
    }
  };
  const flushEdges = async (key: string) => {
    const rows = edges.get(key) ?? [];
    edges.set(key, []);
    if (!rows.length) return;
    // Every node read so far is written before an edge batch, so its endpoints exist.
    for (const label of nodes.keys()) await flushNodes(label);
    const [type, from, to] = key.split('|');
    const edgeKey = model.edges.get(type)?.key;
    const merge = edgeKey ? `MERGE (a)-[r:${q(type)} {${q(edgeKey)}: row.props.${q(edgeKey)}}]->(b)` : `MERGE (a)-[r:${q(type)}]->(b)`;
    await db.write(
      `UNWIND $rows AS row MATCH (a:${q(from)} {id: row.from}) MATCH (b:${q(to)} {id: row.to}) ${merge} SET r += row.props`,
      { rows },
      { deadline: 'importBatch' },
    );
  };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const r = JSON.parse(line);
    if (r.kind === 'node') {
      const specs = model.nodes.get(r.label)!.properties;
      const props = Object.fromEntries(Object.entries(storedValues(specs, r.properties)).filter(([, v]) => v !== null));
      const list = nodes.get(r.label) ?? [];
      list.push({ id: r.id, props });
      nodes.set(r.label, list);
      if (list.length >= BATCH) await flushNodes(r.label);
    } else if (r.kind === 'edge') {
      const specs = model.edges.get(r.type)!.properties;
      const props = Object.fromEntries(Object.entries(storedValues(specs, r.properties)).filter(([, v]) => v !== null));
      const key = `${r.type}|${labelOfId(r.from)}|${labelOfId(r.to)}`;
      const list = edges.get(key) ?? [];
      list.push({ from: r.from, to: r.to, props });
      edges.set(key, list);
      if (list.length >= BATCH) await flushEdges(key);
    }
  }
  for (const label of nodes.keys()) await flushNodes(label);
  for (const key of edges.keys()) await flushEdges(key);
}

