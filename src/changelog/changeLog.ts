import { randomBytes } from 'node:crypto';
import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import { labelOfId, type Label } from '../ids.js';
import type { PropertyChange } from './propertyValues.js';
import { joinedParams } from '../neo4j/joinedStrings.js';

/**
 * The change log. Every write records, in its own transaction, one `:Change` node per node or relationship
 * it changed:
 *
 *   (:Change {id, at, who, op, via, transactionId, entityId, entityLabel,
 *             relatedId?, edgeType?, edgeFrom?, edgeTo?, edgeKey?, marking?, changes})
 *
 * `changes` is a JSON string of [{property, before, after}] in canonical bundle form (see propertyValues.ts).
 * A relationship's change is filed under its `from` node (entityId) and its `to` node (relatedId), so it is
 * in the history of both. Change nodes carry no relationships and none of the five domain labels: they
 * outlive what they describe (a deleted node's history stays) and never show up in traversals or exports.
 * `at` is a time of record, read from Neo4j's clock (timeOfRecord) rather than the writing process's, so
 * the servers of a fleet agree on it; the order of the log is (at, id), and ids sort in the order they
 * were made within a process (within one millisecond, writes by different servers sort by chance).
 * `marking`, on a change to a statement or source marked above CLEAR, is its marking after the change (for
 * a DELETE, before): who may see the history of a node that no longer exists (changeVisibility.ts).
 *
 * A bulk import logs the same entries in a compact form: one `:ChangeSet` node per CHANGE_SET_SIZE entries
 * of a batch, the entries' fields as parallel lists ('' for none), and the ids they are about as one
 * whitespace-separated string in a full-text index (change_set_ids), which finds the sets about a node.
 * A node and three index entries per record cost an import more than writing the records themselves; a set
 * costs one node and one index document. history.ts reads both forms as one log (same ids, same order).
 *
 *   (:ChangeSet {transactionId, at, who, via, first, ids, ops, entityIds, relatedIds, edgeTypes, edgeKeys,
 *                markings, changes})
 *
 * `first` is the sequence number of the set's first entry in its transaction: entry i's id is
 * `${transactionId}-${first + i, six digits}`, as a Change node's would be.
 */

export type ChangeOp = 'CREATE' | 'UPDATE' | 'RETRACT' | 'DELETE' | 'LINK' | 'UPDATE_LINK' | 'UNLINK';
export const NODE_OPS: readonly ChangeOp[] = ['CREATE', 'UPDATE', 'RETRACT', 'DELETE'];

export interface ChangedEdge {
  type: string;
  from: string;
  to: string;
  /** The edge key's value (ABOUT's and MEMBER_OF's role); null for types without a key. */
  key: string | null;
}

/** One change to record. For relationships, entityId/entityLabel are the `from` node's. */
export interface ChangeEntry {
  op: ChangeOp;
  entityId: string;
  entityLabel: Label;
  edge?: ChangedEdge;
  changes: PropertyChange[];
  /** For a change to a statement or source: its marking after the change (before, for a DELETE); absent is CLEAR. */
  marking?: string | null;
}

export interface ChangeMeta {
  /** Who wrote it (a user name, or the importer's caller). */
  who: string;
  /** The time of record; pass the same instant the write uses for updatedAt. */
  at: Date;
  /** What wrote it: a mutation's name, or 'import'. */
  via: string;
  /** Defaults to a new transaction id. */
  transactionId?: string;
}

/** A recorded change, shaped as the GraphQL Change type. */
export type RecordedChange = {
  id: string;
  at: string;
  who: string;
  op: ChangeOp;
  entityId: string;
  entityLabel: string;
  edge: ChangedEdge | null;
  changes: PropertyChange[];
  via: string;
  transactionId: string;
};

let lastMs = 0;
let counter = 0;
/**
 * A new transaction id: time-ordered (milliseconds, then a per-process counter), then random, so ids made
 * one after the other in this process sort in that order.
 */
export function newTransactionId(now = Date.now()): string {
  if (now <= lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  const ms = Math.max(now, lastMs);
  return `${ms.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBytes(4).toString('hex')}`;
}

/**
 * The time of record of a write transaction: Neo4j's clock when the transaction began (one clock for the
 * whole fleet, the writer's: a server whose clock is behind cannot file a later change before an earlier
 * one, which would make history and asRecorded undo changes in the wrong order). Millisecond precision, as
 * the log keeps it.
 */
export async function timeOfRecord(tx: ManagedTransaction): Promise<Date> {
  const result = await tx.run('RETURN datetime.transaction().epochMillis AS ms');
  return new Date(Number(result.records[0].get('ms')));
}

/** Labels as the NodeLabel enum spells them. */
export const nodeLabelEnum = (label: string) => label.toUpperCase();

/**
 * Records changes inside the caller's write transaction, so they commit or roll back with the write.
 * Call it with what the write changed (nothing to record: no call needed); it returns the entries as the
 * GraphQL Change type shows them.
 */
export async function recordChanges(tx: ManagedTransaction, entries: readonly ChangeEntry[], meta: ChangeMeta): Promise<RecordedChange[]> {
  if (!entries.length) return [];
  const transactionId = meta.transactionId ?? newTransactionId(meta.at.getTime());
  const at = meta.at.toISOString();
  const recorded: RecordedChange[] = entries.map((entry, seq) => ({
    id: `${transactionId}-${String(seq).padStart(6, '0')}`,
    at,
    who: meta.who,
    op: entry.op,
    entityId: entry.entityId,
    entityLabel: nodeLabelEnum(entry.entityLabel),
    edge: entry.edge ?? null,
    changes: entry.changes,
    via: meta.via,
    transactionId,
  }));
  // What every entry of the write shares travels once, as parameters; each row is a short list.
  const rows = recorded.map((c, i) => [
    c.id,
    c.op,
    c.entityId,
    entries[i].entityLabel,
    JSON.stringify(c.changes),
    c.edge?.type ?? null,
    c.edge?.to ?? null,
    c.edge?.key ?? null,
    storedMarking(entries[i]),
  ]);
  // A null stores no property: relatedId, edgeType, edgeFrom, edgeTo and edgeKey are there only on a
  // relationship's change, marking only above CLEAR.
  await tx.run(
    `UNWIND $rows AS row
     CREATE (c:Change {id: row[0], at: $at, who: $who, op: row[1], via: $via, transactionId: $transactionId,
                       entityId: row[2], entityLabel: row[3], changes: row[4], edgeType: row[5],
                       edgeFrom: CASE WHEN row[5] IS NULL THEN null ELSE row[2] END, edgeTo: row[6],
                       relatedId: row[6], edgeKey: row[7], marking: row[8]})`,
    { rows, at: neo4j.types.DateTime.fromStandardDate(meta.at), who: meta.who, via: meta.via, transactionId },
  );
  return recorded;
}

/** The marking a log entry keeps: a node's, above CLEAR (relationships' entries keep none). */
function storedMarking(entry: ChangeEntry): string | null {
  return entry.edge || !entry.marking || entry.marking === 'CLEAR' ? null : entry.marking;
}

/**
 * Entries per :ChangeSet node. Reading an entry reads its set's lists whole, so a history page costs up to
 * its size times this (a set is read once for all of the page's entries in it); a batch of 5,000 records is
 * five sets.
 */
export const CHANGE_SET_SIZE = 1000;

/**
 * Records a bulk write's changes in the compact form (see the top of this file), inside the caller's write
 * transaction: one CREATE per CHANGE_SET_SIZE entries, sent together.
 */
export async function recordChangeSet(tx: ManagedTransaction, entries: readonly ChangeEntry[], meta: ChangeMeta): Promise<void> {
  const transactionId = meta.transactionId ?? newTransactionId(meta.at.getTime());
  const at = neo4j.types.DateTime.fromStandardDate(meta.at);
  const writes = [];
  for (let first = 0; first < entries.length; first += CHANGE_SET_SIZE) {
    const chunk = entries.slice(first, first + CHANGE_SET_SIZE);
    const ids = new Set<string>();
    for (const e of chunk) {
      ids.add(e.entityId);
      if (e.edge) ids.add(e.edge.to);
    }
    // Seven lists of a thousand strings each would be packed value by value: each goes as one string.
    const lists = joinedParams({
      ops: chunk.map((e) => e.op),
      entityIds: chunk.map((e) => e.entityId),
      relatedIds: chunk.map((e) => e.edge?.to ?? ''),
      edgeTypes: chunk.map((e) => e.edge?.type ?? ''),
      edgeKeys: chunk.map((e) => e.edge?.key ?? ''),
      markings: chunk.map((e) => storedMarking(e) ?? ''),
      changes: chunk.map((e) => JSON.stringify(e.changes)),
    });
    writes.push(tx.run(
      `CREATE (:ChangeSet {transactionId: $transactionId, at: $at, who: $who, via: $via, first: $first, ids: $ids,
                           ops: split($ops, $separator), entityIds: split($entityIds, $separator),
                           relatedIds: split($relatedIds, $separator), edgeTypes: split($edgeTypes, $separator),
                           edgeKeys: split($edgeKeys, $separator), markings: split($markings, $separator),
                           changes: split($changes, $separator)})`,
      {
        transactionId,
        at,
        who: meta.who,
        via: meta.via,
        first: neo4j.int(first),
        ids: [...ids].join(' '),
        ...lists,
      },
    ));
  }
  await Promise.all(writes);
}

/** A stored change's properties (a Change node's, or a ChangeSet entry as history.ts's READ_CHANGES shapes it), back in the shape recordChanges returned. */
export function changeFromStored(p: Record<string, unknown>): RecordedChange {
  return {
    id: p.id as string,
    at: new Date(String(p.at)).toISOString(),
    who: p.who as string,
    op: p.op as ChangeOp,
    entityId: p.entityId as string,
    entityLabel: nodeLabelEnum((p.entityLabel as string | undefined) ?? labelOfId(p.entityId as string) ?? ''),
    edge: p.edgeType
      ? { type: p.edgeType as string, from: p.edgeFrom as string, to: p.edgeTo as string, key: (p.edgeKey as string | undefined) ?? null }
      : null,
    changes: JSON.parse(p.changes as string) as PropertyChange[],
    via: p.via as string,
    transactionId: p.transactionId as string,
  };
}
