import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type SelectionSetNode,
} from 'graphql';
import type { Label } from '../ids.js';
import { badUserInput, InvariantError } from '../errors.js';
import { connectionEdgeType, graphModelOf, type PropertySpec, type RelationFieldModel } from '../model/graphModel.js';
import { collectFields, subSelections, type RequestScope } from './collectFields.js';
import { decodeCursor, type CursorKey } from './cursor.js';

/**
 * A small tree of plan nodes built from a resolver's selection set, before any Cypher is written:
 * which properties to project, which relationships to follow, and which page of each to take.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** How a node position is projected: one variant per label that can stand there. */
export interface NodePlan {
  variants: NodeVariant[];
}
export interface NodeVariant {
  label: Label;
  fields: FieldPlan[];
}

export type FieldPlan =
  | { kind: 'value'; key: string; spec: PropertySpec }
  | { kind: 'one'; key: string; relation: RelationFieldModel; target: NodePlan }
  | ConnectionPlan;

export type EdgeFieldPlan =
  | { kind: 'cursor'; key: string }
  | { kind: 'value'; key: string; spec: PropertySpec }
  | { kind: 'node'; key: string; target: NodePlan };

/** A page of a connection: a relationship from a node, or (relation null) every node of one label. */
export interface ConnectionPlan {
  kind: 'connection';
  key: string;
  relation: RelationFieldModel | null;
  targetLabels: Label[];
  first: number;
  after: CursorKey | null;
  /** Sort keys, in order; the far node's id first, then the edge key if the relationship has one. */
  sortKeys: SortKey[];
  edgeFields: EdgeFieldPlan[];
  edgesKeys: string[];
  pageInfoKeys: string[];
  totalCountKeys: string[];
}
export type SortKey = { on: 'node'; property: 'id' } | { on: 'edge'; property: string };

/** Properties every node has, kept by claimgraph itself. */
const RECORD_SPECS: PropertySpec[] = [
  { name: 'id', kind: 'scalar', scalar: 'id', required: true },
  { name: 'createdAt', kind: 'scalar', scalar: 'dateTime', required: false },
  { name: 'updatedAt', kind: 'scalar', scalar: 'dateTime', required: false },
];

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

function concreteTypes(type: GraphQLNamedType, scope: RequestScope): GraphQLObjectType[] {
  if (isAbstractType(type)) return [...scope.schema.getPossibleTypes(type)];
  if (isObjectType(type)) return [type];
  throw new InvariantError(`${type.name} is not an object, interface or union type`);
}

/** Plans the projection of a node position whose GraphQL type is `type`, optionally narrowed to `labels`. */
export function planNode(
  type: GraphQLNamedType,
  selectionSets: readonly SelectionSetNode[],
  scope: RequestScope,
  path: string,
  labels?: readonly Label[],
): NodePlan {
  const model = graphModelOf(scope.schema);
  const variants: NodeVariant[] = [];
  for (const objectType of concreteTypes(type, scope)) {
    const label = objectType.name as Label;
    if (labels && !labels.includes(label)) continue;
    const nodeModel = model.nodes.get(label);
    if (!nodeModel) throw new InvariantError(`${label} is not a node label`);
    const fields: FieldPlan[] = [];
    for (const [key, nodes] of collectFields(objectType, selectionSets, scope)) {
      const name = nodes[0].name.value;
      if (name === '__typename') continue;
      const fieldPath = `${label}.${name}`;
      const relation = nodeModel.relations.get(name);
      if (relation) {
        const fieldDef = objectType.getFields()[name];
        const targetType = getNamedType(fieldDef.type);
        if (relation.cardinality === 'one') {
          const target = planNode(targetType, subSelections(nodes), scope, fieldPath, relation.targetLabels);
          fields.push({ kind: 'one', key, relation, target });
        } else {
          const args = getArgumentValues(fieldDef, nodes[0], scope.variables) as PageArgs;
          fields.push(planConnection(key, relation, relation.targetLabels, targetType, nodes, args, scope, fieldPath));
        }
        continue;
      }
      const spec = nodeModel.properties.find((p) => p.name === name) ?? RECORD_SPECS.find((p) => p.name === name);
      if (!spec) throw new InvariantError(`${fieldPath} is neither a property nor a relation`);
      fields.push({ kind: 'value', key, spec });
    }
    variants.push({ label, fields });
  }
  return { variants };
}

/** Checks `first` and `after` and turns them into a page: BAD_USER_INPUT names the argument and field. */
export function pageOf(args: PageArgs, arity: number, field: string): { first: number; after: CursorKey | null } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}; got ${first}.`, 'first', field);
  }
  const after = args.after == null ? null : decodeCursor(args.after, arity, 'after', field);
  return { first, after };
}

/** Plans a connection field (or a root list when `relation` is null) from its field nodes. */
export function planConnection(
  key: string,
  relation: RelationFieldModel | null,
  targetLabels: Label[],
  connectionType: GraphQLNamedType,
  nodes: FieldNode[],
  args: PageArgs,
  scope: RequestScope,
  path: string,
): ConnectionPlan {
  if (!isObjectType(connectionType)) throw new InvariantError(`${connectionType.name} is not a connection`);
  const edgeType = connectionEdgeType(connectionType);
  if (!edgeType) throw new InvariantError(`${connectionType.name} has no edges`);
  const sortKeys: SortKey[] = [{ on: 'node', property: 'id' }];
  if (relation?.edgeKey) sortKeys.push({ on: 'edge', property: relation.edgeKey });
  const plan: ConnectionPlan = {
    kind: 'connection',
    key,
    relation,
    targetLabels,
    ...pageOf(args, sortKeys.length, path),
    sortKeys,
    edgeFields: [],
    edgesKeys: [],
    pageInfoKeys: [],
    totalCountKeys: [],
  };

  const edgeSelections: SelectionSetNode[] = [];
  for (const [connKey, connNodes] of collectFields(connectionType, subSelections(nodes), scope)) {
    const name = connNodes[0].name.value;
    if (name === 'edges') {
      plan.edgesKeys.push(connKey);
      edgeSelections.push(...subSelections(connNodes));
    } else if (name === 'pageInfo') plan.pageInfoKeys.push(connKey);
    else if (name === 'totalCount') plan.totalCountKeys.push(connKey);
  }

  const model = graphModelOf(scope.schema);
  const edgeProps = relation ? (model.edges.get(relation.relType)?.properties ?? []) : [];
  const nodeType = getNamedType(edgeType.getFields().node.type);
  for (const [edgeKey, edgeNodes] of collectFields(edgeType, edgeSelections, scope)) {
    const name = edgeNodes[0].name.value;
    if (name === '__typename') continue;
    if (name === 'cursor') plan.edgeFields.push({ kind: 'cursor', key: edgeKey });
    else if (name === 'node') {
      const target = planNode(nodeType, subSelections(edgeNodes), scope, path, targetLabels);
      plan.edgeFields.push({ kind: 'node', key: edgeKey, target });
    } else {
      const spec = edgeProps.find((p) => p.name === name);
      if (!spec) throw new InvariantError(`${edgeType.name}.${name} is not a property of ${relation?.relType}`);
      plan.edgeFields.push({ kind: 'value', key: edgeKey, spec });
    }
  }
  return plan;
}
