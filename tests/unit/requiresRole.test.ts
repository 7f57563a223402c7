import { describe, expect, it } from 'vitest';
import { getOperationAST, getVariableValues, parse, type GraphQLError } from 'graphql';
import { buildSchema } from '../../src/schema.js';
import { loadConfig } from '../../src/config.js';
import { measureOperation } from '../../src/guards/operationGuard.js';
import { requestLimitsOf } from '../../src/guards/requestLimits.js';
import { ANONYMOUS_READER, type Principal, type Role } from '../../src/auth/principal.js';

/** Roles in the guard walk: decided from the SDL's @requires before anything runs. */
const schema = buildSchema();
const limits = requestLimitsOf(loadConfig({}));
const key = (role: Role): Principal => ({ kind: 'key', name: `key:${role}`, role, clearance: 'RED' });

function check(query: string, principal: Principal, variables: Record<string, unknown> = {}): GraphQLError | null {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw coerced.errors[0];
  try {
    measureOperation(schema, document, operation, coerced.coerced, limits, principal);
    return null;
  } catch (error) {
    return error as GraphQLError;
  }
}

const UPSERT = 'mutation { upsertPlace(input: {id: "place:x", kind: CITY, name: "X"}) { place { id } } }';
const CYPHER = '{ cypher(query: "MATCH (n) RETURN count(n)") { rows } }';

describe('@requires in the schema', () => {
  it('is declared on Mutation (editor) and Query.cypher (admin), and nowhere it would hide a read', () => {
    const requires = schema.getDirective('requires');
    expect(requires?.args.map((a) => a.name)).toEqual(['role']);
    expect(schema.getMutationType()!.astNode!.directives!.map((d) => d.name.value)).toContain('requires');
    expect(schema.getQueryType()!.getFields().cypher.astNode!.directives!.map((d) => d.name.value)).toEqual(['requires']);
    const marked = Object.values(schema.getQueryType()!.getFields()).filter((f) => f.astNode?.directives?.some((d) => d.name.value === 'requires'));
    expect(marked.map((f) => f.name)).toEqual(['cypher']);
  });
});

describe('roles in the guard walk', () => {
  it('a reader may query but not write: 403 FORBIDDEN naming the first field, HTTP 403', () => {
    expect(check('{ places(first: 1) { totalCount } }', key('reader'))).toBeNull();
    const error = check(UPSERT, key('reader'))!;
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Mutation.upsertPlace', requiredRole: 'editor', http: { status: 403 } });
    expect(error.message).toBe('Mutation.upsertPlace needs the editor role; key:reader is a reader.');
  });

  it('an anonymous caller is asked to authenticate: 401 UNAUTHENTICATED with a challenge', () => {
    const error = check(UPSERT, ANONYMOUS_READER)!;
    expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', field: 'Mutation.upsertPlace', http: { status: 401 } });
    expect((error.extensions.http as { headers: Map<string, string> }).headers.get('www-authenticate')).toBe('Bearer realm="claimgraph"');
  });

  it('an editor may write but not run Cypher; an admin may do both', () => {
    expect(check(UPSERT, key('editor'))).toBeNull();
    expect(check(CYPHER, key('editor'))!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.cypher', requiredRole: 'admin' });
    expect(check(CYPHER, key('reader'))!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.cypher' });
    expect(check(UPSERT, key('admin'))).toBeNull();
    expect(check(CYPHER, key('admin'))).toBeNull();
  });

  it('every field of Mutation needs the editor role, __typename included', () => {
    expect(check('mutation { __typename }', key('reader'))!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Mutation.__typename' });
    for (const name of Object.keys(schema.getMutationType()!.getFields())) {
      const field = schema.getMutationType()!.getFields()[name];
      const args = field.args.length ? `(${field.args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
      const defs = field.args.length ? `(${field.args.map((a) => `$${a.name}: ${a.type}`).join(', ')})` : '';
      const document = parse(`mutation ${defs} { ${name}${args} { __typename } }`);
      const operation = getOperationAST(document)!;
      // Variables are not coerced here: the role is decided before arguments are looked at.
      let error: GraphQLError | null = null;
      try {
        measureOperation(schema, document, operation, {}, limits, key('reader'));
      } catch (e) {
        error = e as GraphQLError;
      }
      expect(error?.extensions, name).toMatchObject({ code: 'FORBIDDEN', field: `Mutation.${name}` });
    }
  });

  it('is not escaped by fragments, aliases or a second field', () => {
    expect(check('mutation { ...W } fragment W on Mutation { x: upsertPlace(input: {id: "place:x", kind: CITY, name: "X"}) { place { id } } }', key('reader'))!.extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'Mutation.upsertPlace',
    });
    expect(check('{ places(first: 1) { totalCount } ... on Query { c: cypher(query: "RETURN 1") { rows } } }', key('editor'))!.extensions).toMatchObject({ field: 'Query.cypher' });
    expect(check('query { ...C } fragment C on Query { cypher(query: "RETURN 1") { rows } }', key('reader'))!.extensions).toMatchObject({ field: 'Query.cypher' });
  });

  it('a field @skip leaves out does not run, so it asks for no role', () => {
    expect(check('query ($on: Boolean!) { places(first: 1) { totalCount } cypher(query: "RETURN 1") @include(if: $on) { rows } }', key('reader'), { on: false })).toBeNull();
    expect(check('query ($on: Boolean!) { places(first: 1) { totalCount } cypher(query: "RETURN 1") @include(if: $on) { rows } }', key('reader'), { on: true })).not.toBeNull();
  });

  it('is decided before the arguments and the cost are: a reader learns nothing about its input', () => {
    const error = check(`mutation { ${Array.from({ length: 5 }, (_, i) => `m${i}: link(input: {type: "PART_OF", from: "place:a", to: "place:b"}) { edge { type } }`).join(' ')} }`, key('reader'))!;
    expect(error.extensions.code).toBe('FORBIDDEN');
  });
});
