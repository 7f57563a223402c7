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
import { connectionEdgeType, graphModelOf, type GraphModel, type PropertySpec, type RelationFieldModel } from '../model/graphModel.js';
import { collectFields, subSelections, type RequestScope } from './collectFields.js';
import { decodeCursor, type CursorKey, type CursorValueType } from './cursor.js';
import { checkCentre, checkComputedArgs, type GeoCentre } from './computedFields.js';

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
  | { kind: 'computed'; key: string; name: string; args: Record<string, unknown> }
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
  /** Filter on the far node (root lists) or on the edge and its far node (nested connections). */
  where: Record<string, unknown> | null;
  /** Sort keys in order: those asked for, then the far node's id, then the edge key if there is one. */
  sortKeys: SortKey[];
  /** Names the sort order inside cursors. */
  ordering: string;
  /** The field, for error messages: Query.places, Place.statements… */
  field: string;
  /** The graph model the filter's names are looked up in. */
  model: GraphModel;
  edgeFields: EdgeFieldPlan[];
  edgesKeys: string[];
  pageInfoKeys: string[];
  totalCountKeys: string[];
}
export interface SortKey {
  on: 'node' | 'edge';
  /** For DISTANCE: the centre distances are measured from (a near filter's). */
  from?: GeoCentre;
  /** The stored property (partial dates sort by their Start, then End properties). */
  property: string;
  type: 'string' | 'number' | 'date' | 'dateTime';
  direction: 'ASC' | 'DESC';
  /** An enum's default: what a node without the property sorts as. */
  absentAs?: string;
  /** An ordered enum's values, in order: the key is the value's position. */
  ordinal?: readonly string[];
}

/** Properties every node has, kept by claimgraph itself. */
const RECORD_SPECS: PropertySpec[] = [
  { name: 'id', kind: 'scalar', scalar: 'id', required: true },
  { name: 'createdAt', kind: 'scalar', scalar: 'dateTime', required: false },
  { name: 'updatedAt', kind: 'scalar', scalar: 'dateTime', required: false },
];

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  where?: Record<string, unknown> | null;
  orderBy?: ReadonlyArray<{ field: string; direction?: string | null }> | null;
}

/** STATED_AT → statedAt */
const propertyOfOrderField = (field: string) =>
  field.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The sort keys an orderBy asks for on nodes of `labels`, then id, then the edge key. */
export function sortKeysOf(
  args: PageArgs,
  labels: readonly Label[],
  schemaModel: ReturnType<typeof graphModelOf>,
  field: string,
  edgeKey?: string,
): SortKey[] {
  const keys: SortKey[] = [];
  let idDirection: 'ASC' | 'DESC' = 'ASC';
  for (const order of args.orderBy ?? []) {
    const direction = order.direction === 'DESC' ? 'DESC' : 'ASC';
    const property = propertyOfOrderField(order.field);
    if (property === 'distance') {
      const near = (args.where?.near ?? (args.where?.node as Record<string, unknown> | undefined)?.near) as GeoCentre | undefined;
      if (!near) throw badUserInput('orderBy DISTANCE needs a where.near filter to measure from.', 'orderBy', field);
      checkCentre(near, { point: 'where.near.point', placeId: 'where.near.placeId' }, field);
      keys.push({ on: 'node', property: 'distance', type: 'number', direction, from: near });
      continue;
    }
    if (property === 'id') {
      idDirection = direction;
      break;
    }
    const spec = [...(schemaModel.nodes.get(labels[0])?.properties ?? []), ...RECORD_SPECS].find((p) => p.name === property);
    if (!spec) throw new InvariantError(`cannot sort ${labels[0]} by ${order.field}`);
    if (spec.kind === 'partialDate') {
      keys.push({ on: 'node', property: `${property}Start`, type: 'date', direction }, { on: 'node', property: `${property}End`, type: 'date', direction });
    } else if (spec.kind === 'scalar' && (spec.scalar === 'int' || spec.scalar === 'float')) {
      keys.push({ on: 'node', property, type: 'number', direction });
    } else if (spec.kind === 'enum' && (spec.ordered || spec.default !== undefined)) {
      keys.push({
        on: 'node',
        property,
        type: spec.ordered ? 'number' : 'string',
        direction,
        ...(spec.default !== undefined ? { absentAs: spec.default } : {}),
        ...(spec.ordered ? { ordinal: spec.values } : {}),
      });
    } else if (spec.kind === 'scalar' && spec.scalar === 'dateTime') {
      keys.push({ on: 'node', property, type: 'dateTime', direction });
    } else {
      keys.push({ on: 'node', property, type: 'string', direction });
    }
  }
  keys.push({ on: 'node', property: 'id', type: 'string', direction: idDirection });
  if (edgeKey) keys.push({ on: 'edge', property: edgeKey, type: 'string', direction: 'ASC' });
  return keys;
}

/** Names an order inside cursors; the default order (id ascending, then any edge key) has the empty name. */
const orderingOf = (keys: SortKey[]) =>
  keys
    .filter((k) => k.on === 'node' && !(k.property === 'id' && k.direction === 'ASC'))
    // A distance key means nothing without its centre: a cursor from one centre must not page another.
    .map((k) => `${k.property}.${k.direction}${k.from ? `@${JSON.stringify([k.from.point ?? null, k.from.placeId ?? null])}` : ''}`)
    .join(',');

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
      const fieldDef = objectType.getFields()[name];
      if (fieldDef.astNode?.directives?.some((d) => d.name.value === 'computed')) {
        const args = getArgumentValues(fieldDef, nodes[0], scope.variables);
        checkComputedArgs(fieldPath, args);
        fields.push({ kind: 'computed', key, name: fieldPath, args });
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
export function pageOf(args: PageArgs, keys: number | readonly CursorValueType[], field: string, ordering = ''): { first: number; after: CursorKey | null } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}; got ${first}.`, 'first', field);
  }
  const after = args.after == null ? null : decodeCursor(args.after, keys, 'after', field, ordering);
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
  const model = graphModelOf(scope.schema);
  const sortKeys = sortKeysOf(args, targetLabels, model, path, relation?.edgeKey);
  const ordering = orderingOf(sortKeys);
  const plan: ConnectionPlan = {
    kind: 'connection',
    key,
    relation,
    targetLabels,
    ...pageOf(args, sortKeys.map((k) => k.type), path, ordering),
    where: args.where ?? null,
    sortKeys,
    ordering,
    field: path,
    model,
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
