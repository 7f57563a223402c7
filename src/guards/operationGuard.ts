import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isInputObjectType,
  isListType,
  isNonNullType,
  isAbstractType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLDirective,
  type OperationDefinitionNode,
  type ConstDirectiveNode,
  type SelectionNode,
  type SelectionSetNode,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
} from 'graphql';
import { badUserInput } from '../errors.js';
import { forbidden, unauthenticated } from '../auth/accessErrors.js';
import { ROLES, roleAtLeast, type Principal, type Role } from '../auth/principal.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../planner/plan.js';
import { inputShape } from './inputShape.js';
import { tooComplex, type RequestLimits } from './requestLimits.js';

/**
 * The operation, measured once its variables are known and before any resolver runs: what it may cost,
 * whether its arguments are within bounds, and whether its @skip/@include can be decided. One walk over
 * the selection: a fragment is measured once however often it is spread, so the time is linear in the
 * document even when spreads would expand exponentially.
 *
 * Cost is the worst-case number of items: a field costs 1 plus its page size times what it contains, where
 * the page size is `first`, `limit`, the number of `ids`, 20 for a connection without `first`, else 1. So
 * `places(first: 100) { statements(first: 100) { … } }` costs about 10,000. Under an interface or union an
 * item is of one type, so it costs what its most expensive type's selections cost.
 *
 * The same walk checks roles: a field marked `@requires(role: …)`, or any field of a type so marked, that
 * needs more than the principal's role refuses the whole operation before anything runs (403 FORBIDDEN
 * naming the field; 401 UNAUTHENTICATED for an anonymous caller, who may yet authenticate).
 */

export interface OperationMeasure {
  cost: number;
}

interface Walk {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  limits: RequestLimits;
  fragments: Map<string, FragmentDefinitionNode>;
  /** What each selection set costs for each concrete type it was measured for. */
  costs: Map<SelectionSetNode, Map<string, number>>;
  principal: Principal;
}

/** The role a @requires directive among `nodes` asks for, or null. */
function requiredRoleIn(directive: GraphQLDirective, nodes: ReadonlyArray<{ readonly directives?: ReadonlyArray<ConstDirectiveNode> } | null | undefined>): Role | null {
  let required: Role | null = null;
  for (const node of nodes) {
    if (!node?.directives?.length) continue;
    const values = getDirectiveValues(directive, node);
    const role = typeof values?.role === 'string' ? (values.role.toLowerCase() as Role) : null;
    if (role && ROLES.includes(role) && (!required || ROLES.indexOf(role) > ROLES.indexOf(required))) required = role;
  }
  return required;
}

/** The schema's @requires, read once per type and field (the SDL does not change while a schema lives). */
const requirements = new WeakMap<object, Role | null>();

function requiredRole(schema: GraphQLSchema, parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): Role | null {
  const directive = schema.getDirective('requires');
  if (!directive) return null;
  const of = (key: object, nodes: () => ReadonlyArray<{ readonly directives?: ReadonlyArray<ConstDirectiveNode> } | null | undefined>) => {
    if (!requirements.has(key)) requirements.set(key, requiredRoleIn(directive, nodes()));
    return requirements.get(key)!;
  };
  const onType = of(parent, () => [parent.astNode, ...parent.extensionASTNodes]);
  const onField = of(field, () => [field.astNode]);
  if (!onType) return onField;
  if (!onField) return onType;
  return ROLES.indexOf(onField) > ROLES.indexOf(onType) ? onField : onType;
}

function checkRole(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, walk: Walk) {
  const role = requiredRole(walk.schema, parent, field);
  if (!role || roleAtLeast(walk.principal, role)) return;
  const where = `${parent.name}.${field.name}`;
  if (walk.principal.kind === 'anonymous') {
    throw unauthenticated(`${where} needs the ${role} role: authenticate with an API key or token (Authorization: Bearer …).`, { field: where, requiredRole: role });
  }
  throw forbidden(`${where} needs the ${role} role; ${walk.principal.name} is ${walk.principal.role === 'admin' ? 'an' : 'a'} ${walk.principal.role}.`, { field: where, requiredRole: role });
}

/** Every argument and directive error is the caller's: 400 BAD_USER_INPUT naming what was wrong. */
function asBadInput(error: unknown, argument: string, field: string): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  const e = badUserInput(message, argument, field);
  (e.extensions as Record<string, unknown>).http = { status: 400 };
  return e;
}

function included(node: SelectionNode, walk: Walk): boolean {
  if (!node.directives?.length) return true;
  for (const directive of [GraphQLSkipDirective, GraphQLIncludeDirective]) {
    let values;
    try {
      values = getDirectiveValues(directive, node, walk.variables);
    } catch (error) {
      throw asBadInput(error, `@${directive.name}(if)`, node.kind === Kind.FIELD ? node.name.value : '(fragment)');
    }
    if (values && values.if === (directive === GraphQLSkipDirective)) return false;
  }
  return true;
}

function fieldDefinition(parent: GraphQLNamedType, name: string, schema: GraphQLSchema): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function pageSize(args: Record<string, unknown>, type: GraphQLNamedType): number {
  if (typeof args.first === 'number') return args.first;
  if (typeof args.limit === 'number') return args.limit;
  if (Array.isArray(args.ids)) return args.ids.length;
  return type.name.endsWith('Connection') ? DEFAULT_PAGE_SIZE : 1;
}

const isFilterType = (name: string) => name.endsWith('Where') || name.endsWith('Match');

/**
 * The size and nesting of a filter: every filter object (…Where, …Match) and every condition in it count
 * toward its size; filter objects nested in filter objects (AND, OR, NOT, relationship filters) toward its
 * depth. A list of scalars (`in: […]`) is one condition.
 */
function filterShape(value: unknown, type: GraphQLInputType): { depth: number; size: number } {
  const named = getNamedType(type);
  if (value === null || value === undefined) return { depth: 0, size: 0 };
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (!isInputObjectType(named)) return { depth: 0, size: 1 };
    let depth = 0;
    let size = 0;
    for (const item of value as unknown[]) {
      const shape = filterShape(item, inner.ofType);
      depth = Math.max(depth, shape.depth);
      size += shape.size;
    }
    return { depth, size };
  }
  if (!isInputObjectType(named)) return { depth: 0, size: 1 };
  const own = isFilterType(named.name) ? 1 : 0;
  let depth = 0;
  let size = own;
  const fields = named.getFields();
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const field = fields[key];
    if (!field || child === null || child === undefined) continue;
    const shape = filterShape(child, field.type);
    depth = Math.max(depth, shape.depth);
    size += Math.max(shape.size, 1);
  }
  return { depth: depth + own, size };
}

function checkArguments(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, where: string, walk: Walk) {
  const { limits } = walk;
  for (const definition of field.args) {
    const value = args[definition.name];
    // Page sizes are checked here, before anything runs, as well as where the page is planned.
    if (definition.name === 'first' && typeof value === 'number' && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw asBadInput(`first must be between 0 and ${MAX_PAGE_SIZE}; got ${value}.`, 'first', where);
    }
    if (value === null || value === undefined || typeof value !== 'object') continue;
    const shape = inputShape(value, limits.maxInputValues);
    if (shape.depth > limits.maxInputDepth) {
      throw tooComplex('maxInputDepth', shape.depth, limits.maxInputDepth, `${where}(${definition.name}:) nests ${shape.depth} levels deep`, { argument: definition.name, field: where });
    }
    if (shape.values > limits.maxInputValues) {
      throw tooComplex('maxInputValues', shape.values, limits.maxInputValues, `${where}(${definition.name}:) holds more than ${limits.maxInputValues} values`, { argument: definition.name, field: where });
    }
    if (isFilterType(getNamedType(definition.type).name)) {
      const filter = filterShape(value, definition.type);
      if (filter.depth > limits.maxFilterDepth) {
        throw tooComplex('maxFilterDepth', filter.depth, limits.maxFilterDepth, `${where}(${definition.name}:) nests filters ${filter.depth} deep`, { argument: definition.name, field: where });
      }
      if (filter.size > limits.maxFilterSize) {
        throw tooComplex('maxFilterSize', filter.size, limits.maxFilterSize, `${where}(${definition.name}:) has ${filter.size} filters and conditions`, { argument: definition.name, field: where });
      }
    }
  }
}

function fieldCost(node: FieldNode, parent: GraphQLObjectType, walk: Walk): number {
  const field = fieldDefinition(parent, node.name.value, walk.schema);
  if (!field) return 1; // validation has already refused unknown fields; nothing to measure
  checkRole(parent, field, walk);
  const where = `${parent.name}.${field.name}`;
  let args: Record<string, unknown>;
  try {
    args = field.args.length ? getArgumentValues(field, node, walk.variables) : {};
  } catch (error) {
    const argument = /Argument "(\w+)"/.exec(error instanceof Error ? error.message : '')?.[1] ?? '(arguments)';
    throw asBadInput(error, argument, where);
  }
  checkArguments(field, args, where, walk);
  const type = getNamedType(field.type);
  const inner = node.selectionSet ? selectionCost(node.selectionSet, type, walk) : 0;
  return 1 + Math.max(pageSize(args, type), 1) * inner;
}

/** Whether a fragment with this type condition applies to objects of a concrete type. */
function applies(condition: string | undefined, type: GraphQLObjectType, schema: GraphQLSchema): boolean {
  if (!condition || condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return !!conditionType && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

/**
 * What a selection set costs for one object. Under an interface or union, an object is of one concrete
 * type, so the set costs the most any of its possible types would. Each (selection set, concrete type)
 * is measured once, fragments included, so the walk stays linear in the document times the few types a
 * union has.
 */
function selectionCost(set: SelectionSetNode, parent: GraphQLNamedType, walk: Walk): number {
  if (isAbstractType(parent)) {
    return Math.max(0, ...walk.schema.getPossibleTypes(parent).map((type) => selectionCost(set, type, walk)));
  }
  if (!isObjectType(parent)) return 0;
  let byType = walk.costs.get(set);
  if (!byType) walk.costs.set(set, (byType = new Map()));
  const known = byType.get(parent.name);
  if (known !== undefined) return known;
  let total = 0;
  for (const selection of set.selections) {
    if (!included(selection, walk)) continue;
    if (selection.kind === Kind.FIELD) total += fieldCost(selection, parent, walk);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value, parent, walk.schema)) total += selectionCost(selection.selectionSet, parent, walk);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment && applies(fragment.typeCondition.name.value, parent, walk.schema)) total += selectionCost(fragment.selectionSet, parent, walk);
    }
  }
  byType.set(parent.name, total);
  return total;
}

/**
 * Measures an operation whose variables were coerced, as `principal` asks it; throws QUERY_TOO_COMPLEX or
 * BAD_USER_INPUT (HTTP 400), FORBIDDEN (403) or UNAUTHENTICATED (401).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: RequestLimits,
  principal: Principal,
): OperationMeasure {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return { cost: 0 };
  const walk: Walk = { schema, variables, limits, fragments, costs: new Map(), principal };
  const cost = selectionCost(operation.selectionSet, root, walk);
  if (cost > limits.maxCost) {
    throw tooComplex(
      'maxCost',
      cost,
      limits.maxCost,
      `The query may return up to ${Number.isFinite(cost) ? Math.round(cost) : 'an unbounded number of'} items; at most ${limits.maxCost} are allowed. Ask for smaller pages (first) or fewer levels`,
    );
  }
  return { cost };
}
