import { describe, expect, it } from 'vitest';
import { getArgumentValues, getNamedType, GraphQLError, Kind, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { buildSchema } from '../../src/schema.js';
import { planConnection, type PageArgs } from '../../src/planner/plan.js';
import { CypherWriter, printConnectionRows } from '../../src/planner/printCypher.js';
import { encodeCursor } from '../../src/planner/cursor.js';
import { Visibility } from '../../src/auth/visibility.js';
import type { Label } from '../../src/ids.js';

/**
 * The Cypher of a one-field order: no coalesce in the sort, IS NOT NULL on every index key, a list keyset
 * after a cursor, the missing values as a later segment; and cursors that name no segment of the order are
 * BAD_USER_INPUT naming `after`, decided while printing, before any query.
 */
const schema = buildSchema();

function print(document: string, variables: Record<string, unknown> = {}) {
  const doc = parse(document);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const field = operation.selectionSet.selections[0] as FieldNode;
  const fieldDef = schema.getQueryType()!.getFields()[field.name.value];
  const connectionType = getNamedType(fieldDef.type);
  const label = connectionType.name.replace(/Connection$/, '') as Label;
  const args = getArgumentValues(fieldDef, field, variables) as PageArgs;
  const plan = planConnection(field.name.value, null, [label], connectionType, [field], args, { schema, fragments: {}, variables }, `Query.${field.name.value}`);
  const w = new CypherWriter(Visibility.ALL);
  return printConnectionRows(plan, null, w).subquery;
}

const list = (field: string, direction: string, after?: string) =>
  print(`query ($after: String) { statements(first: 5, after: $after, orderBy: [{field: ${field}, direction: ${direction}}]) { edges { cursor node { id } } } }`, after ? { after } : {});

function badAfter(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    expect((error as GraphQLError).extensions.argument).toBe('after');
    return;
  }
  throw new Error('the cursor was accepted');
}

describe('one-field orders read an index in order', () => {
  it('statedAt DESC: IS NOT NULL on every key, all keys and the id descending, no coalesce', () => {
    const cypher = list('STATED_AT', 'DESC');
    expect(cypher).toContain('t0.`statedAtStart` IS NOT NULL');
    expect(cypher).toContain('ORDER BY t0.`statedAtStart` DESC, t0.`statedAtEnd` DESC, t0.id DESC');
    expect(cypher).not.toContain('coalesce');
    // statedAt is required: no segment of missing values.
    expect(cypher).not.toContain('IS NULL OR');
  });

  it('after a cursor: a range on the first key and a list comparison', () => {
    const cypher = list('STATED_AT', 'ASC', encodeCursor(['2024-01-02', '2024-01-03', 'statement:x'], 'statedAtStart.ASC,statedAtEnd.ASC'));
    expect(cypher).toMatch(/t0\.`statedAtStart` >= date\(\$p\d+\)/);
    expect(cypher).toMatch(/\[t0\.`statedAtStart`, t0\.`statedAtEnd`, t0\.id\] > \[date\(\$p\d+\), date\(\$p\d+\), \$p\d+\]/);
  });

  it('credibility (optional): the present values, then the missing ones by id, read only while the page is not full', () => {
    const cypher = list('CREDIBILITY', 'ASC');
    expect(cypher).toContain('t0.`credibility` IS NOT NULL');
    expect(cypher).toMatch(/WHERE \(t0\.`credibility` IS NULL\) AND \(t0\.id IS NOT NULL\)\n/);
    expect(cypher).toMatch(/WHERE size\(g\d+\) < \$p\d+/);
  });

  it('a cursor among the missing values reads only the missing segment, after its id', () => {
    const cypher = list('CREDIBILITY', 'DESC', encodeCursor([null, 'statement:x'], 'credibility.DESC'));
    expect(cypher).not.toContain('IS NOT NULL AND');
    expect(cypher).not.toContain('`credibility` IS NOT NULL');
    expect(cypher).toMatch(/t0\.id < \$p\d+/);
  });

  it('marking (an enum whose absence reads as CLEAR): one segment per value, in order', () => {
    const cypher = list('MARKING', 'ASC');
    const order = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'].map((m) => cypher.indexOf(`= '${m}'`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(cypher).toContain("(t0.`marking` = 'CLEAR' OR t0.`marking` IS NULL)");
  });

  it('orders over two fields stay one sorted segment, a missing value last in DESC too', () => {
    const cypher = print(`{ statements(orderBy: [{field: KIND}, {field: CREDIBILITY, direction: DESC}]) { edges { node { id } } } }`);
    expect(cypher).toMatch(/ORDER BY t0\.`kind` ASC, t0\.`credibility` IS NULL, t0\.`credibility` DESC, t0\.id DESC/);
  });
});

describe('cursors that name no segment are BAD_USER_INPUT', () => {
  it('a marking position that is no marking', () => {
    badAfter(() => list('MARKING', 'ASC', encodeCursor([99, 'statement:x'], 'marking.ASC')));
  });
  it('a partial date with one part missing and the other not', () => {
    badAfter(() => list('VALID_FROM', 'ASC', encodeCursor([null, '2024-01-01', 'statement:x'], 'validFromStart.ASC,validFromEnd.ASC')));
  });
  it('a missing value for a required field', () => {
    badAfter(() => list('STATED_AT', 'ASC', encodeCursor([null, null, 'statement:x'], 'statedAtStart.ASC,statedAtEnd.ASC')));
  });
  it('a missing id', () => {
    badAfter(() => list('CREDIBILITY', 'ASC', encodeCursor([null, null], 'credibility.ASC')));
  });
});
