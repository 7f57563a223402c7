import { describe, expect, it } from 'vitest';
import { getOperationAST, getVariableValues, parse, type GraphQLError } from 'graphql';
import { buildSchema } from '../../src/schema.js';
import { loadConfig } from '../../src/config.js';
import { measureOperation } from '../../src/guards/operationGuard.js';
import { localOperator } from '../../src/auth/principal.js';
import { requestLimitsOf } from '../../src/guards/requestLimits.js';
import { inputShape } from '../../src/guards/inputShape.js';

const schema = buildSchema();
const limits = requestLimitsOf(loadConfig({}));

function measure(query: string, variables: Record<string, unknown> = {}, overrides: Partial<typeof limits> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw coerced.errors[0];
  return measureOperation(schema, document, operation, coerced.coerced, { ...limits, ...overrides }, localOperator('test')).cost;
}

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a refusal');
}

describe('the cost of an operation', () => {
  it('multiplies page sizes along a path: first, defaults of 20, ids', () => {
    expect(measure('{ places(first: 10) { totalCount } }')).toBe(1 + 10 * 1);
    expect(measure('{ places { totalCount } }')).toBe(1 + 20 * 1);
    expect(measure('{ nodes(ids: ["place:a", "place:b", "place:c"]) { id } }')).toBe(1 + 3 * 1);
    expect(measure('{ places(first: 10) { edges { node { statements(first: 5) { totalCount } } } } }')).toBe(1 + 10 * (1 + (1 + (1 + 5))));
  });

  it('reads page sizes from variables', () => {
    expect(measure('query ($n: Int) { places(first: $n) { totalCount } }', { n: 7 })).toBe(8);
  });

  it('does not count what @skip and @include leave out', () => {
    expect(measure('query ($v: Boolean!) { places(first: 10) { totalCount } actors(first: 10) @include(if: $v) { totalCount } }', { v: false })).toBe(11);
    expect(measure('query ($v: Boolean!) { places(first: 10) { totalCount } actors(first: 10) @include(if: $v) { totalCount } }', { v: true })).toBe(22);
  });

  it('costs an item of a union what its most expensive type costs, not the sum', () => {
    const union = '{ search(query: "k", first: 10) { edges { node { ... on Place { id name } ... on Actor { id } ... on Unit { id } } } } }';
    // search: 1 + 10 × (edges: 1 + 1 × (node: 1 + 1 × max(2, 1, 1)))
    expect(measure(union)).toBe(1 + 10 * (1 + (1 + 2)));
  });

  it('measures a fragment bomb of 2^30 expansions in linear time, and refuses it', () => {
    const bomb =
      'query { ...S0 }\n' +
      Array.from({ length: 30 }, (_, i) => `fragment S${i} on Query { ...S${i + 1} ...S${i + 1} places(first: 1) { totalCount } }`).join('\n') +
      '\nfragment S30 on Query { places(first: 1) { totalCount } }';
    const error = refusal(() => measure(bomb));
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    expect(error.extensions.actual as number).toBeGreaterThan(2 ** 30);
  });

  it('refuses filters too deep or too big, naming the argument', () => {
    const deep = { NOT: { NOT: { NOT: { kind: { eq: 'CONTROL' } } } } };
    expect(refusal(() => measure('query ($w: StatementWhere) { statements(where: $w) { totalCount } }', { w: deep }, { maxFilterDepth: 3 })).extensions).toMatchObject({
      limit: 'filterDepth',
      actual: 4,
      argument: 'where',
    });
    const wide = { OR: Array.from({ length: 20 }, () => ({ credibility: { eq: 1 } })) };
    expect(refusal(() => measure('query ($w: StatementWhere) { statements(where: $w) { totalCount } }', { w: wide }, { maxFilterSize: 30 })).extensions).toMatchObject({
      limit: 'filterSize',
      actual: 1 + 20 * 2,
    });
    // A list of values is one condition.
    expect(measure('query ($w: StatementWhere) { statements(where: $w) { totalCount } }', { w: { id: { in: Array.from({ length: 500 }, (_, i) => `statement:s${i}`) } } })).toBe(21);
  });

  it('refuses a page size out of range before anything runs', () => {
    expect(refusal(() => measure('{ places(first: 101) { totalCount } }')).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first', field: 'Query.places' });
  });

  it('refuses a directive whose condition is null', () => {
    expect(refusal(() => measure('query ($v: Boolean = true) { places { totalCount @include(if: $v) } }', { v: null })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: '@include(if)',
    });
  });
});

describe('the shape of an input', () => {
  it('measures depth and values without recursion, even 1,000,000 deep', () => {
    let value: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) value = [value];
    expect(inputShape(value)).toEqual({ depth: 1_000_000, values: 1_000_000 });
    expect(inputShape({ a: [1, 2, { b: 3 }] })).toEqual({ depth: 3, values: 5 });
    expect(inputShape('text')).toEqual({ depth: 0, values: 0 });
  });
});
