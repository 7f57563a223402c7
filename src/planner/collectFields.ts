import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** What the planner needs from a request besides the selection itself. */
export interface RequestScope {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function included(node: FieldNode | { directives?: FieldNode['directives'] }, scope: RequestScope): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, scope.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, scope.variables);
  return include?.if !== false;
}

function applies(typeCondition: string | undefined, type: GraphQLObjectType, scope: RequestScope): boolean {
  if (!typeCondition || typeCondition === type.name) return true;
  const condition = scope.schema.getType(typeCondition);
  return !!condition && isAbstractType(condition) && scope.schema.isSubType(condition, type);
}

/**
 * The fields selected on an object of `type`, grouped by response key, with fragments expanded and
 * @skip/@include applied (graphql-js's CollectFields, for planning ahead of execution).
 */
export function collectFields(
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  scope: RequestScope,
  out = new Map<string, FieldNode[]>(),
  visited = new Set<string>(),
): Map<string, FieldNode[]> {
  for (const set of selectionSets) {
    for (const selection of set.selections) {
      if (!included(selection, scope)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        out.set(key, [...(out.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value, type, scope))
          collectFields(type, [selection.selectionSet], scope, out, visited);
      } else {
        const name = selection.name.value;
        const fragment = scope.fragments[name];
        if (!fragment || visited.has(name)) continue;
        visited.add(name);
        if (applies(fragment.typeCondition.name.value, type, scope))
          collectFields(type, [fragment.selectionSet], scope, out, visited);
      }
    }
  }
  return out;
}

/** The sub-selections of every node of one response key, merged. */
export function subSelections(nodes: FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}
