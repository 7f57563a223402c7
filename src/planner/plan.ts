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
  /** `parts`: for a partial date, the parts selected (only those are read). */
  | { kind: 'value'; key: string; spec: PropertySpec; parts?: string[] }
  | { kind: 'computed'; key: string; name: string; args: Record<string, unknown> }
  | { kind: 'one'; key: string; relation: RelationFieldModel; target: NodePlan }
  | ConnectionPlan;

export type EdgeFieldPlan =
  | { kind: 'cursor'; key: string }
  | { kind: 'value'; key: string; spec: PropertySpec }
  /**
   * On a connection read by far node: the keys of every edge between the parent and the far node, in the
   * key's declared order (`roles`), or the first of them (`all` false: the deprecated singular `role`).
   */
  | { kind: 'keys'; key: string; spec: PropertySpec; all: boolean }
  | { kind: 'node'; key: string; target: NodePlan };

/** A page of a connection: a relationship from a node, or (relation null) every node of one label. */
export interface ConnectionPlan {
  kind: 'connection';
  key: string;
  relation: RelationFieldModel | null;
  /**
   * One row per far node, not per edge (see byFarNode): the page, its cursors and its total count distinct
   * far nodes, and an edge lists every key it is reached by.
   */
  byFarNode: boolean;
  targetLabels: Label[];
  first: number;
  after: CursorKey | null;
  /** Filter on the far node (root lists) or on the edge and its far node (nested connections). */
  where: Record<string, unknown> | null;
  /** Sort keys in order: those asked for, then the far node's id, then the edge key of a per-edge keyed list. */
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
  /** Whether pageInfo's startCursor or endCursor is asked for: rows carry their sort keys only then (or for edge cursors). */
  pageCursors: boolean;
  /** Whether pageInfo's hasNextPage is asked for: only then is one row more than the page read, to tell. */
  nextPage: boolean;
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
  /** The model property (orderBy field) the key comes from: a partial date gives two keys of one field. */
  field: string;
  /** Every node has a value (no segment of missing values to page through). */
  required: boolean;
  /** An enum's values, so an enum with a default can be paged value by value. */
  values?: readonly string[];
  /** The id key was asked for explicitly (`{field: ID}`), so its direction is part of the order's name. */
  asked?: boolean;
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
  // Ties are broken by id in the direction of the last key asked for, so that a single-field order is one
  // direction throughout and Neo4j can read its (field, id) index in order.
  let idDirection: 'ASC' | 'DESC' = 'ASC';
  let idAsked = false;
  for (const order of args.orderBy ?? []) {
    const direction: 'ASC' | 'DESC' = order.direction === 'DESC' ? 'DESC' : 'ASC';
    idDirection = direction;
    const property = propertyOfOrderField(order.field);
    if (property === 'distance') {
      const near = (args.where?.near ?? (args.where?.node as Record<string, unknown> | undefined)?.near) as GeoCentre | undefined;
      if (!near) throw badUserInput('orderBy DISTANCE needs a where.near filter to measure from.', 'orderBy', field);
      checkCentre(near, { point: 'where.near.point', placeId: 'where.near.placeId' }, field);
      keys.push({ on: 'node', property: 'distance', field: 'distance', required: true, type: 'number', direction, from: near });
      continue;
    }
    if (property === 'id') {
      idAsked = true;
      break;
    }
    const spec = [...(schemaModel.nodes.get(labels[0])?.properties ?? []), ...RECORD_SPECS].find((p) => p.name === property);
    if (!spec) throw new InvariantError(`cannot sort ${labels[0]} by ${order.field}`);
    const base = { on: 'node' as const, field: property, required: spec.required, direction };
    if (spec.kind === 'partialDate') {
      keys.push({ ...base, property: `${property}Start`, type: 'date' }, { ...base, property: `${property}End`, type: 'date' });
    } else if (spec.kind === 'scalar' && (spec.scalar === 'int' || spec.scalar === 'float')) {
      keys.push({ ...base, property, type: 'number' });
    } else if (spec.kind === 'enum') {
      keys.push({
        ...base,
        property,
        type: spec.ordered ? 'number' : 'string',
        values: spec.values,
        ...(spec.default !== undefined ? { absentAs: spec.default, required: true } : {}),
        ...(spec.ordered ? { ordinal: spec.values } : {}),
      });
    } else if (spec.kind === 'scalar' && spec.scalar === 'dateTime') {
      keys.push({ ...base, property, type: 'dateTime' });
    } else {
      keys.push({ ...base, property, type: 'string' });
    }
  }
  keys.push({ on: 'node', property: 'id', field: 'id', required: true, type: 'string', direction: idDirection, ...(idAsked ? { asked: true } : {}) });
  if (edgeKey) keys.push({ on: 'edge', property: edgeKey, field: edgeKey, required: true, type: 'string', direction: idDirection });
  return keys;
}

/** Names an order inside cursors; the default order (id ascending, then any edge key) has the empty name. */
const orderingOf = (keys: SortKey[]) =>
  keys
    // The id key follows the last key's direction unless asked for; asked for, it is named unless it is ASC
    // (the default order, id ascending, has the empty name).
    .filter((k) => k.on === 'node' && !(k.property === 'id' && (k.asked ? k.direction === 'ASC' : true)))
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
      if (spec.kind === 'partialDate') {
        const partsType = getNamedType(objectType.getFields()[name].type);
        if (!isObjectType(partsType)) throw new InvariantError(`${fieldPath} is not an object`);
        const parts = [...collectFields(partsType, subSelections(nodes), scope).values()].map((n) => n[0].name.value);
        fields.push({ kind: 'value', key, spec, parts: [...new Set(parts)].filter((p) => p !== '__typename') });
      } else fields.push({ kind: 'value', key, spec });
    }
    variants.push({ label, fields });
  }
  return { variants };
}

/** Checks `first` and `after` and turns them into a page: BAD_USER_INPUT names the argument and field. */
export function pageOf(
  args: PageArgs,
  keys: number | readonly CursorValueType[],
  field: string,
  ordering = '',
  nullable?: readonly boolean[],
): { first: number; after: CursorKey | null } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}; got ${first}.`, 'first', field);
  }
  const after = args.after == null ? null : decodeCursor(args.after, keys, 'after', field, ordering, nullable);
  return { first, after };
}

/**
 * Whether a connection over `relation` lists far nodes rather than edges: a keyed relationship whose edges
 * carry nothing but their key (ABOUT: {role}). One statement about a place as both OBJECT and LOCATION is one
 * statement, reached by two edges; it is counted and paged once, and its edge lists both roles. A keyed
 * relationship with more on its edges (MEMBER_OF: a role and its own period) stays one row per edge: each
 * membership is a fact of its own.
 */
export function byFarNode(relation: RelationFieldModel | null, model: GraphModel): boolean {
  if (!relation?.edgeKey) return false;
  const props = model.edges.get(relation.relType)?.properties ?? [];
  return props.every((p) => p.name === relation.edgeKey);
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
  const farNodes = byFarNode(relation, model);
  // Read by far node, ties are broken by the far node's id alone: there is one row per far node.
  const sortKeys = sortKeysOf(args, targetLabels, model, path, farNodes ? undefined : relation?.edgeKey);
  const ordering = orderingOf(sortKeys);
  const plan: ConnectionPlan = {
    kind: 'connection',
    key,
    relation,
    byFarNode: farNodes,
    targetLabels,
    ...pageOf(args, sortKeys.map((k) => k.type), path, ordering, sortKeys.map((k) => !k.required)),
    where: args.where ?? null,
    sortKeys,
    ordering,
    field: path,
    model,
    edgeFields: [],
    edgesKeys: [],
    pageInfoKeys: [],
    pageCursors: false,
    nextPage: false,
    totalCountKeys: [],
  };

  const edgeSelections: SelectionSetNode[] = [];
  for (const [connKey, connNodes] of collectFields(connectionType, subSelections(nodes), scope)) {
    const name = connNodes[0].name.value;
    if (name === 'edges') {
      plan.edgesKeys.push(connKey);
      edgeSelections.push(...subSelections(connNodes));
    } else if (name === 'pageInfo') {
      plan.pageInfoKeys.push(connKey);
      const pageInfoType = getNamedType(connectionType.getFields().pageInfo.type);
      if (isObjectType(pageInfoType)) {
        for (const [, infoNodes] of collectFields(pageInfoType, subSelections(connNodes), scope)) {
          if (infoNodes[0].name.value === 'startCursor' || infoNodes[0].name.value === 'endCursor') plan.pageCursors = true;
          if (infoNodes[0].name.value === 'hasNextPage') plan.nextPage = true;
        }
      }
    }
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
    } else if (farNodes && relation?.edgeKey) {
      // Read by far node, the key is every edge's (`roles`), or the first of them (the singular `role`).
      const spec = edgeProps.find((p) => p.name === relation.edgeKey);
      const all = name !== relation.edgeKey;
      const computed = edgeType.getFields()[name]?.astNode?.directives?.some((d) => d.name.value === 'computed');
      if (!spec || (all && !computed)) throw new InvariantError(`${edgeType.name}.${name} is neither the key of ${relation.relType} nor its list`);
      plan.edgeFields.push({ kind: 'keys', key: edgeKey, spec, all });
    } else {
      const spec = edgeProps.find((p) => p.name === name);
      if (!spec) throw new InvariantError(`${edgeType.name}.${name} is not a property of ${relation?.relType}`);
      plan.edgeFields.push({ kind: 'value', key: edgeKey, spec });
    }
  }
  return plan;
}
