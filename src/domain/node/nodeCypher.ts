import type { ManagedTransaction } from 'neo4j-driver';
import { labelOfId, type Label } from '../../ids.js';
import type { Properties } from '../../changelog/propertyValues.js';
import type { Dependent } from './userErrors.js';

/**
 * The Cypher of node writes. Labels come from the five-label whitelist (src/ids.ts), every value is a
 * parameter. A write first takes the node's write lock (the documented `SET n._LOCK_ … REMOVE n._LOCK_`
 * idiom), so what it reads as "before" stays true until it commits and the change log never records a
 * before that another write had already changed.
 */

const q = (name: string) => `\`${name}\``;
const LOCK = (v: string) => `SET ${v}._LOCK_ = true REMOVE ${v}._LOCK_`;

/** Finds or creates (empty) the node and locks it; `isNew` when it was created here. */
export async function mergeAndLock(tx: ManagedTransaction, label: Label, id: string): Promise<{ isNew: boolean; stored: Properties }> {
  const result = await tx.run(
    `MERGE (n:${q(label)} {id: $id})
     WITH n, size(keys(n)) = 1 AS isNew
     ${LOCK('n')}
     RETURN isNew, properties(n) AS stored`,
    { id },
  );
  const record = result.records[0];
  return { isNew: record.get('isNew') as boolean, stored: record.get('stored') as Properties };
}

/** Locks the node and returns its stored properties; null when there is none. */
export async function matchAndLock(tx: ManagedTransaction, label: Label, id: string): Promise<Properties | null> {
  const result = await tx.run(`MATCH (n:${q(label)} {id: $id}) ${LOCK('n')} RETURN properties(n) AS stored`, { id });
  return result.records.length ? (result.records[0].get('stored') as Properties) : null;
}

/** Sets every model property (null removes) and the times of record. */
export async function writeProperties(tx: ManagedTransaction, label: Label, id: string, stored: Properties, now: unknown, isNew: boolean): Promise<void> {
  await tx.run(
    `MATCH (n:${q(label)} {id: $id}) SET n += $props, n.updatedAt = $now${isNew ? ', n.createdAt = $now' : ''}`,
    { id, props: stored, now },
  );
}

/** Which of these ids name an existing node (of the label their prefix names). */
export async function existingIds(tx: ManagedTransaction, ids: readonly string[]): Promise<Set<string>> {
  const byLabel = new Map<Label, string[]>();
  for (const id of new Set(ids)) {
    const label = labelOfId(id);
    if (label) byLabel.set(label, [...(byLabel.get(label) ?? []), id]);
  }
  if (!byLabel.size) return new Set();
  const params: Record<string, unknown> = {};
  const parts = [...byLabel].map(([label, list], i) => {
    params[`ids${i}`] = list;
    return `UNWIND $ids${i} AS id MATCH (n:${q(label)} {id: id}) RETURN n.id AS id`;
  });
  const result = await tx.run(`CALL { ${parts.join(' UNION ALL ')} } RETURN id`, params);
  return new Set(result.records.map((r) => r.get('id') as string));
}

export const MAX_DEPENDENTS = 100;

/**
 * What keeps a node from being deleted: every relationship pointing at it from another node, except a
 * statement's REPORTED_IN when that statement has another source (that edge goes with the source). The
 * statements reporting it are locked first, so none loses its last source to a concurrent unlink.
 */
export async function findDependents(tx: ManagedTransaction, label: Label, id: string): Promise<{ total: number; dependents: Dependent[] }> {
  await tx.run(`MATCH (n:${q(label)} {id: $id})<-[:REPORTED_IN]-(s) ${LOCK('s')}`, { id });
  const result = await tx.run(
    `MATCH (n:${q(label)} {id: $id})<-[r]-(m)
     WHERE m <> n AND NOT (type(r) = 'REPORTED_IN' AND EXISTS { MATCH (m)-[:REPORTED_IN]->(other) WHERE other <> n })
     WITH r, m ORDER BY m.id, type(r)
     WITH collect({relationship: type(r), id: m.id, label: head(labels(m)), name: coalesce(m.name, m.title, m.text)}) AS found
     RETURN size(found) AS total, found[0..${MAX_DEPENDENTS}] AS dependents`,
    { id },
  );
  const record = result.records[0];
  const dependents = (record.get('dependents') as Array<Record<string, unknown>>).map((d) => ({
    relationship: d.relationship as string,
    nodeId: d.id as string,
    label: String(d.label).toUpperCase(),
    name: (d.name as string | null) ?? null,
  }));
  return { total: Number(record.get('total')), dependents };
}

export interface StoredEdge {
  type: string;
  from: string;
  to: string;
  props: Properties;
}

/** Every relationship of the node, either direction, as stored. */
export async function edgesOf(tx: ManagedTransaction, label: Label, id: string): Promise<StoredEdge[]> {
  const result = await tx.run(
    `MATCH (n:${q(label)} {id: $id})-[r]-()
     RETURN type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, properties(r) AS props
     ORDER BY type, from, to`,
    { id },
  );
  return result.records.map((r) => ({
    type: r.get('type') as string,
    from: r.get('from') as string,
    to: r.get('to') as string,
    props: r.get('props') as Properties,
  }));
}

export async function detachDelete(tx: ManagedTransaction, label: Label, id: string): Promise<void> {
  await tx.run(`MATCH (n:${q(label)} {id: $id}) DETACH DELETE n`, { id });
}
