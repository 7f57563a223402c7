import { describe, expect, it } from 'vitest';
import { getArgumentValues, getNamedType, parse, type FieldNode, type OperationDefinitionNode, type FragmentDefinitionNode, Kind } from 'graphql';
import { buildSchema } from '../../src/schema.js';
import { planConnection, planNode, type PageArgs } from '../../src/planner/plan.js';
import { CypherWriter, printConnectionRows, printNode } from '../../src/planner/printCypher.js';
import type { Label } from '../../src/ids.js';

const schema = buildSchema();

function printList(doc: string, variables: Record<string, unknown> = {}) {
  const document = parse(doc);
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const field = op.selectionSet.selections[0] as FieldNode;
  const queryType = schema.getQueryType()!;
  const fieldDef = queryType.getFields()[field.name.value];
  const args = getArgumentValues(fieldDef, field, variables) as PageArgs;
  const scope = { schema, fragments, variables };
  const label = (getNamedType(fieldDef.type).name.replace(/Connection$/, '')) as Label;
  const plan = planConnection(field.alias?.value ?? field.name.value, null, [label], getNamedType(fieldDef.type), [field], args, scope, `Query.${field.name.value}`);
  const w = new CypherWriter();
  const printed = printConnectionRows(plan, null, w);
  return { cypher: `${printed.subquery}\nRETURN {rows: ${printed.rows}, total: ${printed.total}} AS data`, params: w.params };
}

describe('scratch', () => {
  it('prints', () => {
    const r = printList(`{ statements(first: 2, where: {text: {contains: "x\`}) DETACH DELETE n //"}, about: {some: {role: {eq: OBJECT}, node: {place: {within: {placeId: "place:kupyansk"}}}}}}, orderBy: [{field: STATED_AT, direction: DESC}]) { totalCount edges { cursor node { id text speaker { name } about(first: 3, where: {role: {eq: LOCATION}}) { edges { role node { ... on Place { name distanceKm(fromPlace: "place:kharkiv") } } } } } } } }`);
    console.log(r.cypher);
    console.log(r.params);
  });
});
