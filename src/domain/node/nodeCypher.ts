import type { ManagedTransaction } from 'neo4j-driver';
import { labelOfId, type Label } from '../../ids.js';
import type { Properties } from '../../changelog/propertyValues.js';
import type { Dependent } from './userErrors.js';
import type { Visibility } from '../../auth/visibility.js';

/**
 * The Cypher of node writes. Labels come from the five-label whitelist (src/ids.ts), every value is a
 * parameter. A write first takes the node's write lock (the documented `SET n._LOCK_ … REMOVE n._LOCK_`
 * idiom), so what it reads as "before" stays true until it commits and the change log never records a
 * before that another write had already changed.
 */

const q = (name: string) => `\`${name}\``;
const LOCK = (v: string) => `SET ${v}._LOCK_ = true REMOVE ${v}._LOCK_`;

/**
 * Finds or creates (empty) the node and locks it; `isNew` when it was created here, `visible` when the
 * writer may see it (judged under the lock, so it stays true until the write commits or rolls back).
 */
export async function mergeAndLock(
  tx: ManagedTransaction,
  label: Label,
  id: string,
  visibility: Visibility,
): Promise<{ isNew: boolean; stored: Properties; visible: boolean }> {
  const result = await tx.run(
    `MERGE (n:${q(label)} {id: $id})
     WITH n, size(keys(n)) = 1 AS isNew
     ${LOCK('n')}
     RETURN isNew, properties(n) AS stored, ${visibility.require('n', [label])} AS visible`,
    { id, ...visibility.params() },
  );
  const record = result.records[0];
  return { isNew: record.get('isNew') as boolean, stored: record.get('stored') as Properties, visible: record.get('visible') === true };
}

/** Locks the node and returns its stored properties; null when there is none, or none the writer may see. */
export async function matchAndLock(tx: ManagedTransaction, label: Label, id: string, visibility: Visibility): Promise<Properties | null> {
  const visible = visibility.predicate('n', [label]);
  const result = await tx.run(`MATCH (n:${q(label)} {id: $id})${visible ? ` WHERE ${visible}` : ''} ${LOCK('n')} RETURN properties(n) AS stored`, {
    id,
    ...visibility.params(),
  });
  return result.records.length ? (result.records[0].get('stored') as Properties) : null;
}

/** Sets every model property (null removes) and the times of record. */
export async function writeProperties(tx: ManagedTransaction, label: Label, id: string, stored: Properties, now: unknown, isNew: boolean): Promise<void> {
  await tx.run(
    `MATCH (n:${q(label)} {id: $id}) SET n += $props, n.updatedAt = $now${isNew ? ', n.createdAt = $now' : ''}`,
    { id, props: stored, now },
  );
}

/** Which of these ids name an existing node (of the label their prefix names) that the writer may see. */
export async function existingIds(tx: ManagedTransaction, ids: readonly string[], visibility: Visibility): Promise<Set<string>> {
  const byLabel = new Map<Label, string[]>();
  for (const id of new Set(ids)) {
    const label = labelOfId(id);
    if (label) byLabel.set(label, [...(byLabel.get(label) ?? []), id]);
  }
  if (!byLabel.size) return new Set();
  const params: Record<string, unknown> = { ...visibility.params() };
  const parts = [...byLabel].map(([label, list], i) => {
    params[`ids${i}`] = list;
    const visible = visibility.predicate('n', [label]);
    return `UNWIND $ids${i} AS id MATCH (n:${q(label)} {id: id})${visible ? ` WHERE ${visible}` : ''} RETURN n.id AS id`;
  });
  const result = await tx.run(`CALL { ${parts.join(' UNION ALL ')} } RETURN id`, params);
  return new Set(result.records.map((r) => r.get('id') as string));
}

export const MAX_DEPENDENTS = 100;

/**
 * What keeps a node from being deleted: every relationship pointing at it from another node, except a
 * statement's REPORTED_IN when that statement has another source (that edge goes with the source). The
 * statements reporting it are locked first, so none loses its last source to a concurrent unlink.
 *
 * For a writer who may not see everything: `total` and `dependents` are what it may see (a statement it
 * sees keeps a source only if it sees one); `hidden` counts the dependents it may not see, which refuse the
 * delete all the same but are never named.
 */
export async function findDependents(
  tx: ManagedTransaction,
  label: Label,
  id: string,
  visibility: Visibility,
): Promise<{ total: number; dependents: Dependent[]; hidden: number }> {
  await tx.run(`MATCH (n:${q(label)} {id: $id})<-[:REPORTED_IN]-(s) ${LOCK('s')}`, { id });
  const seen = visibility.require('m', null);
  const otherSeen = visibility.predicate('other', ['Source']);
  const result = await tx.run(
    `MATCH (n:${q(label)} {id: $id})<-[r]-(m)
     WHERE m <> n AND NOT (type(r) = 'REPORTED_IN' AND EXISTS {
       MATCH (m)-[:REPORTED_IN]->(other) WHERE other <> n${otherSeen ? ` AND (NOT (${seen}) OR ${otherSeen})` : ''}
     })
     WITH r, m, ${seen} AS seen ORDER BY m.id, type(r)
     WITH collect(CASE WHEN seen THEN {relationship: type(r), id: m.id, label: head(labels(m)), name: coalesce(m.name, m.title, m.text)} END) AS found,
          sum(CASE WHEN seen THEN 0 ELSE 1 END) AS hidden
     RETURN size(found) AS total, found[0..${MAX_DEPENDENTS}] AS dependents, hidden`,
    { id, ...visibility.params() },
  );
  const record = result.records[0];
  const dependents = (record.get('dependents') as Array<Record<string, unknown>>).map((d) => ({
    relationship: d.relationship as string,
    nodeId: d.id as string,
    label: String(d.label).toUpperCase(),
    name: (d.name as string | null) ?? null,
  }));
  return { total: Number(record.get('total')), dependents, hidden: Number(record.get('hidden')) };
}

export interface StoredEdge {
  type: string;
  from: string;
  to: string;
  props: Properties;
  /** Whether the writer may see the node at the other end. */
  visible: boolean;
}

/** Every relationship of the node, either direction, as stored. */
export async function edgesOf(tx: ManagedTransaction, label: Label, id: string, visibility: Visibility): Promise<StoredEdge[]> {
  const result = await tx.run(
    `MATCH (n:${q(label)} {id: $id})-[r]-(o)
     RETURN type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, properties(r) AS props, ${visibility.require('o', null)} AS visible
     ORDER BY type, from, to`,
    { id, ...visibility.params() },
  );
  return result.records.map((r) => ({
    type: r.get('type') as string,
    from: r.get('from') as string,
    to: r.get('to') as string,
    props: r.get('props') as Properties,
    visible: r.get('visible') === true,
  }));
}

export async function detachDelete(tx: ManagedTransaction, label: Label, id: string): Promise<void> {
  await tx.run(`MATCH (n:${q(label)} {id: $id}) DETACH DELETE n`, { id });
}
