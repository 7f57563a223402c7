import {
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  isInterfaceType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { LABELS, type Label } from '../ids.js';
import { InvariantError } from '../errors.js';

/**
 * The graph model: which labels, properties and relationships exist, read once from the SDL's types and
 * `@relation` directives. It is the whitelist every Cypher builder draws names from.
 */

export type ScalarKind = 'string' | 'int' | 'float' | 'boolean' | 'id' | 'date' | 'dateTime' | 'latitude' | 'longitude';

export type PropertySpec =
  | { name: string; kind: 'scalar'; scalar: ScalarKind; required: boolean }
  | {
      name: string;
      kind: 'enum';
      values: readonly string[];
      required: boolean;
      /** What a node without the property reads as (`@default`); never stored itself. */
      default?: string;
      /** The values are declared in order (`@ordered`): sorting follows it. */
      ordered?: boolean;
    }
  | { name: string; kind: 'stringList'; required: boolean }
  | { name: string; kind: 'partialDate'; required: boolean }
  | { name: string; kind: 'geoPoint'; required: boolean };

export interface RelationFieldModel {
  field: string;
  relType: string;
  direction: 'OUT' | 'IN';
  /** Edge property that, with the far node's id, identifies one edge. */
  edgeKey?: string;
  cardinality: 'one' | 'connection';
  targetLabels: Label[];
  /** For connections: the GraphQL type of its edges, whose extra fields are relationship properties. */
  edgeTypeName?: string;
}

export interface NodeTypeModel {
  label: Label;
  properties: PropertySpec[];
  relations: Map<string, RelationFieldModel>;
}

export interface EdgeTypeModel {
  type: string;
  endpoints: Array<{ from: Label; to: Label }>;
  properties: PropertySpec[];
  key?: string;
}

export interface GraphModel {
  nodes: Map<Label, NodeTypeModel>;
  edges: Map<string, EdgeTypeModel>;
}

/** Properties kept by claimgraph itself, never written by users. */
export const RECORD_PROPERTIES = ['id', 'createdAt', 'updatedAt'] as const;
const RELATION_TYPE_PATTERN = /^[A-Z][A-Z_]*$/;
const CONNECTION_FIELDS = new Set(['cursor', 'node']);

/** The Neo4j properties that store one model property (partial dates and points are flattened). */
export function storedProperties(spec: PropertySpec): string[] {
  switch (spec.kind) {
    case 'partialDate':
      return PARTIAL_DATE_PARTS.map((part) => spec.name + part);
    case 'geoPoint':
      return [spec.name, `${spec.name}PrecisionM`];
    default:
      return [spec.name];
  }
}
export const PARTIAL_DATE_PARTS = ['Start', 'End', 'Precision', 'Raw', 'RelativeTo'] as const;

function scalarKind(type: GraphQLNamedType): ScalarKind | null {
  switch (type.name) {
    case 'String':
      return 'string';
    case 'Int':
      return 'int';
    case 'Float':
      return 'float';
    case 'Boolean':
      return 'boolean';
    case 'ID':
      return 'id';
    case 'Date':
      return 'date';
    case 'DateTime':
      return 'dateTime';
    case 'Latitude':
      return 'latitude';
    case 'Longitude':
      return 'longitude';
    default:
      return null;
  }
}

/** An enum value name as GraphQL allows it: safe inside a Cypher string literal. */
const ENUM_VALUE_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The value of `@default(value:)` on a field, or undefined. */
function defaultOf(field: GraphQLField<unknown, unknown>): string | undefined {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'default');
  const value = directive?.arguments?.find((a) => a.name.value === 'value')?.value;
  return value && value.kind === 'StringValue' ? value.value : undefined;
}

function propertyOf(field: GraphQLField<unknown, unknown>, owner: string): PropertySpec {
  const fallback = defaultOf(field);
  // A property with a default may be absent from a node or a write: it is required only on the API's side.
  const required = isNonNullType(field.type) && fallback === undefined;
  const inner = getNullableType(field.type);
  const named = getNamedType(field.type);
  if (fallback !== undefined && (isListType(inner) || !isEnumType(named))) throw new InvariantError(`${owner}.${field.name}: @default is for enum properties only`);
  if (isListType(inner)) {
    if (named.name !== 'String') throw new InvariantError(`${owner}.${field.name}: only lists of String are stored`);
    return { name: field.name, kind: 'stringList', required };
  }
  if (named.name === 'PartialDate') return { name: field.name, kind: 'partialDate', required };
  if (named.name === 'GeoPoint') return { name: field.name, kind: 'geoPoint', required };
  if (isEnumType(named)) {
    const values = named.getValues().map((v) => v.name);
    if (fallback !== undefined && !(values.includes(fallback) && ENUM_VALUE_NAME.test(fallback))) {
      throw new InvariantError(`${owner}.${field.name}: @default(value: ${fallback}) is not a value of ${named.name}`);
    }
    const ordered = named.astNode?.directives?.some((d) => d.name.value === 'ordered') ?? false;
    return { name: field.name, kind: 'enum', values, required, ...(fallback !== undefined ? { default: fallback } : {}), ...(ordered ? { ordered } : {}) };
  }
  const scalar = isScalarType(named) ? scalarKind(named) : null;
  if (!scalar) throw new InvariantError(`${owner}.${field.name}: type ${named.name} cannot be stored as a property`);
  return { name: field.name, kind: 'scalar', scalar, required };
}

function relationDirective(field: GraphQLField<unknown, unknown>) {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'relation');
  if (!directive) return null;
  const arg = (name: string) => {
    const node = directive.arguments?.find((a) => a.name.value === name)?.value;
    return node && (node.kind === 'StringValue' || node.kind === 'EnumValue') ? node.value : undefined;
  };
  const relType = arg('type');
  const direction = arg('direction');
  if (!relType || !RELATION_TYPE_PATTERN.test(relType) || (direction !== 'OUT' && direction !== 'IN')) {
    throw new InvariantError(`@relation on ${field.name} needs an UPPER_SNAKE type and a direction`);
  }
  return { relType, direction: direction as 'OUT' | 'IN', edgeKey: arg('edgeKey') };
}

function labelsOf(type: GraphQLNamedType, schema: GraphQLSchema): Label[] {
  const names =
    isUnionType(type) || isInterfaceType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name];
  return names.map((n) => {
    if (!(LABELS as readonly string[]).includes(n)) throw new InvariantError(`${n} is not a node label`);
    return n as Label;
  });
}

/** Reads the graph model from the schema's types and directives. */
export function buildGraphModel(schema: GraphQLSchema): GraphModel {
  const nodes = new Map<Label, NodeTypeModel>();
  const edges = new Map<string, EdgeTypeModel>();

  const addEdge = (relType: string, from: Label[], to: Label[], properties: PropertySpec[], key?: string) => {
    const edge = edges.get(relType) ?? { type: relType, endpoints: [], properties: [], key };
    for (const f of from)
      for (const t of to)
        if (!edge.endpoints.some((e) => e.from === f && e.to === t)) edge.endpoints.push({ from: f, to: t });
    for (const p of properties) if (!edge.properties.some((q) => q.name === p.name)) edge.properties.push(p);
    edge.key ??= key;
    edges.set(relType, edge);
  };

  for (const label of LABELS) {
    const type = schema.getType(label);
    if (!type || !isObjectType(type)) throw new InvariantError(`schema has no object type ${label}`);
    const model: NodeTypeModel = { label, properties: [], relations: new Map() };
    for (const field of Object.values(type.getFields())) {
      if (field.astNode?.directives?.some((d) => d.name.value === 'computed')) continue;
      const rel = relationDirective(field);
      if (!rel) {
        if (!(RECORD_PROPERTIES as readonly string[]).includes(field.name)) model.properties.push(propertyOf(field, label));
        continue;
      }
      const named = getNamedType(field.type);
      const edgeType = isObjectType(named) ? connectionEdgeType(named) : null;
      const targetType = edgeType ? getNamedType(edgeType.getFields().node.type) : named;
      const relation: RelationFieldModel = {
        field: field.name,
        ...rel,
        cardinality: edgeType ? 'connection' : 'one',
        targetLabels: labelsOf(targetType, schema),
        edgeTypeName: edgeType?.name,
      };
      model.relations.set(field.name, relation);
      const edgeProps = edgeType
        ? Object.values(edgeType.getFields())
            // A computed edge field (an edge's `roles`) is read by the planner, never stored.
            .filter((f) => !CONNECTION_FIELDS.has(f.name) && !f.astNode?.directives?.some((d) => d.name.value === 'computed'))
            .map((f) => propertyOf(f, edgeType.name))
        : [];
      const [from, to] = rel.direction === 'OUT' ? [[label], relation.targetLabels] : [relation.targetLabels, [label]];
      addEdge(rel.relType, from, to, edgeProps, rel.edgeKey);
    }
    nodes.set(label, model);
  }
  return { nodes, edges };
}

/** The edge type of a Relay connection type, or null when the type is not a connection. */
export function connectionEdgeType(type: GraphQLObjectType): GraphQLObjectType | null {
  const edgesField = type.getFields().edges;
  if (!edgesField || !type.name.endsWith('Connection')) return null;
  const edge = getNamedType(edgesField.type);
  return isObjectType(edge) ? edge : null;
}

const cache = new WeakMap<GraphQLSchema, GraphModel>();
/** The model of a schema, built once per schema object. */
export function graphModelOf(schema: GraphQLSchema): GraphModel {
  let model = cache.get(schema);
  if (!model) {
    model = buildGraphModel(schema);
    cache.set(schema, model);
  }
  return model;
}
