import type { ManagedTransaction } from 'neo4j-driver';
import type { Label } from '../../ids.js';
import type { Properties } from '../../changelog/propertyValues.js';
import type { Visibility } from '../../auth/visibility.js';

/**
 * The Cypher of relationship writes. Relationship types, labels and the key property come from the graph
 * model (read from the SDL), never from a request; every value is a parameter. A keyed type (ABOUT and
 * MEMBER_OF by role) may join the same two nodes more than once, one edge per key.
 */

const q = (name: string) => `\`${name}\``;
const keyMatch = (key: string | undefined) => (key ? ` WHERE r.${q(key)} = $key` : '');

export interface EdgeRef {
  type: string;
  from: string;
  fromLabel: Label;
  to: string;
  toLabel: Label;
  /** The key property's name, for keyed types. */
  keyName?: string;
  /** The key's value (stored form). */
  key?: unknown;
}

/**
 * The node's outgoing relationships of one type: the far end's id, the stored properties, and whether the
 * writer may see the far end.
 */
export async function edgesFrom(
  tx: ManagedTransaction,
  type: string,
  fromLabel: Label,
  from: string,
  visibility: Visibility,
): Promise<Array<{ to: string; props: Properties; visible: boolean }>> {
  const result = await tx.run(
    `MATCH (a:${q(fromLabel)} {id: $from})-[r:${q(type)}]->(b)
     RETURN b.id AS to, properties(r) AS props, ${visibility.require('b', null)} AS visible ORDER BY to`,
    { from, ...visibility.params() },
  );
  return result.records.map((r) => ({ to: r.get('to') as string, props: r.get('props') as Properties, visible: r.get('visible') === true }));
}

/** Creates the relationship; false when an endpoint is missing. */
export async function createEdge(tx: ManagedTransaction, ref: EdgeRef, props: Properties): Promise<boolean> {
  const result = await tx.run(
    `MATCH (a:${q(ref.fromLabel)} {id: $from})
     MATCH (b:${q(ref.toLabel)} {id: $to})
     CREATE (a)-[r:${q(ref.type)}]->(b) SET r = $props
     RETURN count(r) AS n`,
    { from: ref.from, to: ref.to, props },
  );
  return Number(result.records[0].get('n')) === 1;
}

/** Replaces the properties of the relationship (null removes). */
export async function setEdgeProperties(tx: ManagedTransaction, ref: EdgeRef, props: Properties): Promise<void> {
  await tx.run(
    `MATCH (a:${q(ref.fromLabel)} {id: $from})-[r:${q(ref.type)}]->(b:${q(ref.toLabel)} {id: $to})${keyMatch(ref.keyName)}
     SET r += $props`,
    { from: ref.from, to: ref.to, key: ref.key ?? null, props },
  );
}

export async function deleteEdge(tx: ManagedTransaction, ref: EdgeRef): Promise<void> {
  await tx.run(
    `MATCH (a:${q(ref.fromLabel)} {id: $from})-[r:${q(ref.type)}]->(b:${q(ref.toLabel)} {id: $to})${keyMatch(ref.keyName)}
     DELETE r`,
    { from: ref.from, to: ref.to, key: ref.key ?? null },
  );
}
