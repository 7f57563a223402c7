import type { ManagedTransaction } from 'neo4j-driver';
import { joinedParams } from '../neo4j/joinedStrings.js';
import { labelOfId, type Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import type { BundleEdge, BundleNode } from '../bundle/bundleSchema.js';
import { recordChangeSet, type ChangeEntry, type ChangeMeta } from './changeLog.js';
import { canonical, diffProperties, normalise, type Properties } from './propertyValues.js';

/**
 * A query sent ahead of being awaited: when the transaction fails, the ones not awaited yet fail too, and
 * must not count as unhandled meanwhile (that would end the process). Whoever awaits it gets its failure.
 */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** What a batch's records do to the stored graph: each record that changes it, new or updated. */
export interface BundleChanges {
  nodes: Map<BundleNode, 'new' | 'updated'>;
  edges: Map<BundleEdge, 'new' | 'updated'>;
  /** Sends the batch's change set: await it with the upserts (a failure fails the transaction). */
  log(meta: ChangeMeta): Promise<void>;
}

/**
 * The change log of a bulk import. Call it inside the import's write transaction, BEFORE the batch's
 * upserts, with the batch's (validated) records: it reads what the records will overwrite, compares it
 * with what they say, and records a CREATE or UPDATE per node and a LINK or UPDATE_LINK per edge that the
 * upserts will change (the importer never removes anything, so no DELETE or UNLINK). Records that change
 * nothing are not logged, so importing the same input twice logs it once. One read per label and per
 * relationship type and endpoint labels, and one write (a change set: changeLog.ts, sent by `log`),
 * whatever the batch's size. It returns the records that change something, so the upserts write those and
 * nothing else: what is written and what is logged are decided by one comparison.
 *
 *   const changes = await recordBundleChanges(tx, model, { nodes: batch.nodes, edges: batch.edges });
 *   // … then, in the same transaction, changes.log({ who, at, via: 'import' }) (it locks nothing, so it may go
 *   // first) and the upserts of changes.nodes and changes.edges with updatedAt = now, all awaited together
 */
export async function recordBundleChanges(
  tx: ManagedTransaction,
  model: GraphModel,
  batch: { nodes: readonly BundleNode[]; edges: readonly BundleEdge[] },
): Promise<BundleChanges> {
  const entries: ChangeEntry[] = [];
  const changedNodes = new Map<BundleNode, 'new' | 'updated'>();
  const changedEdges = new Map<BundleEdge, 'new' | 'updated'>();

  const byLabel = new Map<Label, BundleNode[]>();
  for (const node of batch.nodes) {
    const nodes = byLabel.get(node.label);
    if (nodes) nodes.push(node);
    else byLabel.set(node.label, [node]);
  }
  // The reads of a batch are sent together (Bolt pipelines them in one transaction), then read in turn:
  // one round trip, not one per label.
  const nodeReads = [...byLabel].map(([label, nodes]) =>
    settled(
      tx.run(
        `UNWIND split($ids, $separator) AS id MATCH (n:\`${label}\` {id: id}) RETURN n.id AS id, properties(n) AS p`,
        joinedParams({ ids: nodes.map((n) => n.id) }),
      ),
    ),
  );
  for (const [index, [label, nodes]] of [...byLabel].entries()) {
    const specs = model.nodes.get(label)!.properties;
    const result = await nodeReads[index];
    const stored = new Map(result.records.map((r) => [r.get('id') as string, r.get('p') as Properties]));
    for (const node of nodes) {
      const before = stored.has(node.id) ? canonical(specs, stored.get(node.id)!) : null;
      const changes = diffProperties(specs, before, normalise(specs, node.properties));
      if (before && !changes.length) continue;
      changedNodes.set(node, before ? 'updated' : 'new');
      const marking = node.properties.marking;
      entries.push({ op: before ? 'UPDATE' : 'CREATE', entityId: node.id, entityLabel: label, changes, marking: typeof marking === 'string' ? marking : null });
    }
  }

  const groups = new Map<string, { type: string; from: Label; to: Label; edges: BundleEdge[] }>();
  for (const edge of batch.edges) {
    const from = labelOfId(edge.from)!;
    const to = labelOfId(edge.to)!;
    const group = groups.get(`${edge.type}|${from}|${to}`) ?? { type: edge.type, from, to, edges: [] };
    group.edges.push(edge);
    groups.set(`${edge.type}|${from}|${to}`, group);
  }
  // An edge with an end this batch creates cannot be stored yet (that node was not, when it was read, and
  // the input names each edge once): only the others are looked up.
  const created = new Set<string>();
  for (const [node, change] of changedNodes) if (change === 'new') created.add(node.id);
  const edgeReads = [...groups.values()].map((group) => {
    // Type, labels and key name come from the model (validated records), as in the importer's own Cypher.
    const edgeModel = model.edges.get(group.type)!;
    const specs = edgeModel.properties;
    const rows = group.edges.map((edge, i) => {
      const after = normalise(specs, edge.properties);
      const key = edgeModel.key && after[edgeModel.key] != null ? String(after[edgeModel.key]) : null;
      return { i, edge, from: edge.from, to: edge.to, key, after };
    });
    const lookUp = rows.filter((row) => !created.has(row.from) && !created.has(row.to));
    // A seek of the `from` node's id, then out along its relationships of the type; the far end is told by
    // its id alone (an id names its label). Left to itself, with statistics of a smaller graph, the planner
    // scanned a label's whole id index per row: 10 million db hits a batch at 10,000 statements.
    // Ends go as one string each (joinedStrings.ts); a row is told by its place in the lists.
    const read = !lookUp.length ? Promise.resolve({ records: [] }) : settled(tx.run(
      `WITH split($froms, $separator) AS froms, split($tos, $separator) AS tos
       UNWIND range(0, size(froms) - 1) AS i
       MATCH (a:\`${group.from}\` {id: froms[i]})-[r:\`${group.type}\`]->(b)
       USING INDEX SEEK a:\`${group.from}\`(id)
       WHERE b.id = tos[i]${edgeModel.key ? ` AND r.\`${edgeModel.key}\` = $keys[i]` : ''}
       RETURN i, properties(r) AS p`,
      {
        ...joinedParams({ froms: lookUp.map((row) => row.from), tos: lookUp.map((row) => row.to) }),
        ...(edgeModel.key ? { keys: lookUp.map((row) => row.key) } : {}),
      },
    ));
    return { group, specs, rows, lookUp, read };
  });
  for (const { group, specs, rows, lookUp, read } of edgeReads) {
    const result = await read;
    // `i` is a row's place in lookUp
    const stored = new Map(result.records.map((r) => [lookUp[Number(r.get('i'))].i, r.get('p') as Properties]));
    for (const row of rows) {
      const before = stored.has(row.i) ? canonical(specs, stored.get(row.i)!) : null;
      const changes = diffProperties(specs, before, row.after);
      if (before && !changes.length) continue;
      changedEdges.set(row.edge, before ? 'updated' : 'new');
      entries.push({
        op: before ? 'UPDATE_LINK' : 'LINK',
        entityId: row.from,
        entityLabel: group.from,
        edge: { type: group.type, from: row.from, to: row.to, key: row.key },
        changes,
      });
    }
  }
  // Sent by the caller with the upserts: the log and the writes go in one round trip.
  const log = (meta: ChangeMeta) => settled(entries.length ? recordChangeSet(tx, entries, meta) : Promise.resolve());
  return { nodes: changedNodes, edges: changedEdges, log };
}
