import { getNamedType, isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { InvariantError } from '../../errors.js';
import type { Label } from '../../ids.js';
import { collectFields, subSelections, type RequestScope } from '../../planner/collectFields.js';
import { planNode, type NodePlan } from '../../planner/plan.js';
import { PLANNED } from '../../planner/shapeResult.js';
import type { Row } from '../../planner/row.js';

/**
 * Helpers for root fields whose result wraps nodes in a type of its own (a Subgraph, a search connection):
 * the wrapper's fields are found by response key, and every position holding nodes is planned with the
 * query planner, so clients select node fields (and nested relations) as anywhere else.
 */

export function scopeOf(info: GraphQLResolveInfo): RequestScope {
  return { schema: info.schema, fragments: info.fragments, variables: info.variableValues };
}

export function rootSelections(info: GraphQLResolveInfo): SelectionSetNode[] {
  return info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

export function objectType(info: GraphQLResolveInfo, name: string): GraphQLObjectType {
  const type = info.schema.getType(name);
  if (!type || !isObjectType(type)) throw new InvariantError(`schema has no object type ${name}`);
  return type;
}

/** The response keys of `type`'s fields in these selections, grouped by field name. */
export function keysByField(type: GraphQLObjectType, selections: readonly SelectionSetNode[], scope: RequestScope): Map<string, Array<{ key: string; nodes: FieldNode[] }>> {
  const out = new Map<string, Array<{ key: string; nodes: FieldNode[] }>>();
  for (const [key, nodes] of collectFields(type, selections, scope)) {
    const name = nodes[0].name.value;
    out.set(name, [...(out.get(name) ?? []), { key, nodes }]);
  }
  return out;
}

export interface KeyedNodePlan {
  key: string;
  plan: NodePlan;
}

/** Plans each response key of a node-valued field (such as `nodes` or `node`) of `type`. */
export function planNodeKeys(
  type: GraphQLObjectType,
  field: string,
  entries: ReadonlyArray<{ key: string; nodes: FieldNode[] }>,
  scope: RequestScope,
  labels?: readonly Label[],
): KeyedNodePlan[] {
  const nodeType = getNamedType(type.getFields()[field].type);
  return entries.map(({ key, nodes }) => ({
    key,
    plan: planNode(nodeType, subSelections(nodes), scope, `${type.name}.${field}`, labels),
  }));
}

/** Marks a row as shaped by response key, as the planner's own rows are. */
export function plannedRow(row: Row): Row {
  Object.defineProperty(row, PLANNED, { value: true, enumerable: false });
  return row;
}
