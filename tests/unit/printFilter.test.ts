import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import type { Label } from '../../src/ids.js';
import { CypherWriter } from '../../src/planner/printCypher.js';
import { edgePredicate, nodePredicate } from '../../src/planner/printFilter.js';
import { Visibility } from '../../src/auth/visibility.js';

/** `where` inputs as Cypher predicates over a node variable `n`: one small case per operator. */

const model = graphModelOf(buildSchema());
const FIELD = 'Query.test';

function print(where: Record<string, unknown> | null | undefined, labels: Label[] = ['Statement']) {
  const w = new CypherWriter(Visibility.ALL);
  const cypher = nodePredicate(where, 'n', labels, { model, w, field: FIELD });
  return { cypher, params: w.params };
}

function refused(where: Record<string, unknown>, labels: Label[] = ['Statement']): GraphQLError {
  try {
    print(where, labels);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const e = error as GraphQLError;
    expect(e.extensions.code).toBe('BAD_USER_INPUT');
    expect(e.extensions.field).toBe(FIELD);
    return e;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('empty filters match everything', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['{}', {}],
    ['a null operator', { kind: null }],
    ['AND []', { AND: [] }],
  ])('%s', (_name, where) => {
    expect(print(where as never).cypher).toBeNull();
  });
});

describe('IDFilter, StringFilter', () => {
  it('id.eq', () => expect(print({ id: { eq: 'statement:x' } })).toEqual({ cypher: 'n.`id` = $p0', params: { p0: 'statement:x' } }));
  it('id.in', () => expect(print({ id: { in: ['statement:x', 'statement:y'] } })).toEqual({ cypher: 'n.`id` IN $p0', params: { p0: ['statement:x', 'statement:y'] } }));
  it('eq is exact', () => expect(print({ text: { eq: 'Full Control' } })).toEqual({ cypher: 'n.`text` = $p0', params: { p0: 'Full Control' } }));
  it('in is exact', () => expect(print({ note: { in: ['A', 'b'] } })).toEqual({ cypher: 'n.`note` IN $p0', params: { p0: ['A', 'b'] } }));
  it('contains lowercases both sides', () =>
    expect(print({ text: { contains: 'Full CONTROL' } })).toEqual({ cypher: 'toLower(n.`text`) CONTAINS $p0', params: { p0: 'full control' } }));
  it('startsWith lowercases both sides', () =>
    expect(print({ text: { startsWith: 'RUSSIA' } })).toEqual({ cypher: 'toLower(n.`text`) STARTS WITH $p0', params: { p0: 'russia' } }));
  it('two operators on one field are ANDed', () =>
    expect(print({ text: { contains: 'a', startsWith: 'B' } })).toEqual({
      cypher: '(toLower(n.`text`) CONTAINS $p0) AND (toLower(n.`text`) STARTS WITH $p1)',
      params: { p0: 'a', p1: 'b' },
    }));
});

describe('StringListFilter', () => {
  it('includes: some element equals, ignoring case', () =>
    expect(print({ aliases: { includes: 'KUPIANSK' } }, ['Place'])).toEqual({
      cypher: 'any(e IN coalesce(n.`aliases`, []) WHERE toLower(e) = $p0)',
      params: { p0: 'kupiansk' },
    }));
  it('someContains: some element contains, ignoring case', () =>
    expect(print({ aliases: { someContains: 'Kup' } }, ['Place'])).toEqual({
      cypher: 'any(e IN coalesce(n.`aliases`, []) WHERE toLower(e) CONTAINS $p0)',
      params: { p0: 'kup' },
    }));
});

describe('IntFilter, FloatFilter, enums', () => {
  it.each([
    ['eq', '='],
    ['gt', '>'],
    ['gte', '>='],
    ['lt', '<'],
    ['lte', '<='],
  ])('credibility.%s', (op, symbol) => {
    expect(print({ credibility: { [op]: 3 } })).toEqual({ cypher: `n.\`credibility\` ${symbol} $p0`, params: { p0: 3 } });
  });
  it('credibility.in', () => expect(print({ credibility: { in: [1, 2] } })).toEqual({ cypher: 'n.`credibility` IN $p0', params: { p0: [1, 2] } }));
  it('a range', () =>
    expect(print({ credibility: { gte: 2, lt: 5 } })).toEqual({ cypher: '(n.`credibility` >= $p0) AND (n.`credibility` < $p1)', params: { p0: 2, p1: 5 } }));
  it('areaKm2 (Float)', () => expect(print({ areaKm2: { gt: 30.5 } }, ['Place'])).toEqual({ cypher: 'n.`areaKm2` > $p0', params: { p0: 30.5 } }));
  it('an enum eq and in', () => {
    expect(print({ kind: { eq: 'CONTROL' } })).toEqual({ cypher: 'n.`kind` = $p0', params: { p0: 'CONTROL' } });
    expect(print({ echelon: { in: ['ARMY', 'CORPS'] } }, ['Unit'])).toEqual({ cypher: 'n.`echelon` IN $p0', params: { p0: ['ARMY', 'CORPS'] } });
  });
});

describe('DateTimeFilter', () => {
  it('a Date (as the scalar parses it) is compared as a datetime', () =>
    expect(print({ createdAt: { gt: new Date('2024-12-16T10:00:00Z') } })).toEqual({
      cypher: 'n.`createdAt` > datetime($p0)',
      params: { p0: '2024-12-16T10:00:00.000Z' },
    }));
  it('gte and lte on updatedAt', () =>
    expect(print({ updatedAt: { gte: new Date('2024-01-01T00:00:00Z'), lte: new Date('2024-12-31T23:59:59Z') } }, ['Source'])).toEqual({
      cypher: '(n.`updatedAt` >= datetime($p0)) AND (n.`updatedAt` <= datetime($p1))',
      params: { p0: '2024-01-01T00:00:00.000Z', p1: '2024-12-31T23:59:59.000Z' },
    }));
});

describe('PartialDateFilter: a span of days', () => {
  const day = (s: string) => new Date(`${s}T00:00:00Z`);

  it('overlaps: starts by the end of the range and ends after its start', () =>
    expect(print({ statedAt: { overlaps: { from: day('2024-11-15'), to: day('2024-11-20') } } })).toEqual({
      cypher: '(n.`statedAtStart` <= date($p0)) AND (n.`statedAtEnd` >= date($p1))',
      params: { p0: '2024-11-20', p1: '2024-11-15' },
    }));
  it('overlaps with only from', () =>
    expect(print({ statedAt: { overlaps: { from: day('2024-11-15') } } })).toEqual({
      cypher: '(n.`statedAtStart` IS NOT NULL) AND (n.`statedAtEnd` >= date($p0))',
      params: { p0: '2024-11-15' },
    }));
  it('overlaps with only to', () =>
    expect(print({ statedAt: { overlaps: { to: day('2024-11-15') } } })).toEqual({ cypher: 'n.`statedAtStart` <= date($p0)', params: { p0: '2024-11-15' } }));
  it('within: starts on or after from and ends on or before to', () =>
    expect(print({ statedAt: { within: { from: day('2024-11-01'), to: day('2024-11-30') } } })).toEqual({
      cypher: '(n.`statedAtStart` >= date($p0)) AND (n.`statedAtEnd` <= date($p1))',
      params: { p0: '2024-11-01', p1: '2024-11-30' },
    }));
  it('onOrBefore reads the end', () =>
    expect(print({ validFrom: { onOrBefore: day('2024-12-15') } })).toEqual({ cypher: 'n.`validFromEnd` <= date($p0)', params: { p0: '2024-12-15' } }));
  it('onOrAfter reads the start', () =>
    expect(print({ publishedAt: { onOrAfter: day('2024-12-09') } }, ['Source'])).toEqual({
      cypher: 'n.`publishedAtStart` >= date($p0)',
      params: { p0: '2024-12-09' },
    }));
  it('precision', () =>
    expect(print({ statedAt: { precision: ['WEEK', 'MONTH'] } })).toEqual({ cypher: 'n.`statedAtPrecision` IN $p0', params: { p0: ['WEEK', 'MONTH'] } }));
  it('from after to is refused', () => {
    refused({ statedAt: { overlaps: { from: day('2024-12-16'), to: day('2024-12-01') } } });
    refused({ statedAt: { within: { from: day('2024-12-16'), to: day('2024-12-15') } } });
  });
  it('from equal to to is one day', () =>
    expect(print({ statedAt: { within: { from: day('2024-12-16'), to: day('2024-12-16') } } }).cypher).toBe(
      '(n.`statedAtStart` >= date($p0)) AND (n.`statedAtEnd` <= date($p1))',
    ));
});

describe('AND, OR, NOT', () => {
  it('fields side by side are ANDed', () =>
    expect(print({ kind: { eq: 'CONTROL' }, credibility: { lt: 3 } }).cypher).toBe('(n.`kind` = $p0) AND (n.`credibility` < $p1)'));
  it('AND', () => expect(print({ AND: [{ kind: { eq: 'CONTROL' } }, { note: { eq: 'x' } }] }).cypher).toBe('(n.`kind` = $p0) AND (n.`note` = $p1)'));
  it('OR', () => expect(print({ OR: [{ kind: { eq: 'CONTROL' } }, { note: { eq: 'x' } }] }).cypher).toBe('(n.`kind` = $p0) OR (n.`note` = $p1)'));
  it('OR with an empty branch is true', () => expect(print({ OR: [{ kind: { eq: 'CONTROL' } }, {}] }).cypher).toBe('(n.`kind` = $p0) OR (true)'));
  it('an empty OR is false', () => expect(print({ OR: [] }).cypher).toBe('false'));
  it('NOT', () => expect(print({ NOT: { kind: { eq: 'CONTROL' } } }).cypher).toBe('NOT coalesce(n.`kind` = $p0, false)'));
  it('NOT of an empty filter is false', () => expect(print({ NOT: {} }).cypher).toBe('false'));
  it('nested', () =>
    expect(print({ OR: [{ AND: [{ kind: { eq: 'A' } }, { note: { eq: 'b' } }] }, { NOT: { credibility: { gt: 1 } } }] }).cypher).toBe(
      '((n.`kind` = $p0) AND (n.`note` = $p1)) OR (NOT coalesce(n.`credibility` > $p2, false))',
    ));
});

describe('relationships', () => {
  it("a 'one' relation: EXISTS with the target's predicate", () =>
    expect(print({ speaker: { side: { eq: 'UA' } } })).toEqual({
      cypher: 'EXISTS { MATCH (n)-[fr0:`MADE_BY`]->(ft1:`Actor`|`Unit`) WHERE ((ft1:`Actor`) AND (ft1.`side` = $p2)) OR ((ft1:`Unit`) AND (ft1.`side` = $p3)) }',
      params: { p2: 'UA', p3: 'UA' },
    }));
  it("an interface's filter: a member's branch narrows to that member, the shared fields apply to it too", () =>
    expect(print({ speaker: { side: { eq: 'UA' }, unit: { name: { eq: 'X' } } } })).toEqual({
      cypher: 'EXISTS { MATCH (n)-[fr0:`MADE_BY`]->(ft1:`Actor`|`Unit`) WHERE ((ft1:`Unit`) AND (ft1.`name` = $p2) AND (ft1.`side` = $p3)) }',
      params: { p2: 'X', p3: 'UA' },
    }));
  it("a 'one' relation with an empty filter: it exists", () =>
    expect(print({ speaker: {} }).cypher).toBe('EXISTS { MATCH (n)-[fr0:`MADE_BY`]->(ft1:`Actor`|`Unit`) }'));
  it('some', () =>
    expect(print({ contradicts: { some: { node: { kind: { eq: 'CONTROL' } } } } }).cypher).toBe(
      'EXISTS { MATCH (n)-[fr0:`CONTRADICTS`]->(ft1:`Statement`) WHERE ft1.`kind` = $p2 }',
    ));
  it('none, inbound', () =>
    expect(print({ contradictedBy: { none: {} } }).cypher).toBe('NOT EXISTS { MATCH (n)<-[fr0:`CONTRADICTS`]-(ft1:`Statement`) }'));
  it('every: no edge fails the predicate (edge property)', () =>
    expect(print({ sources: { every: { quote: { contains: 'X' } } } })).toEqual({
      cypher: 'NOT EXISTS { MATCH (n)-[fr0:`REPORTED_IN`]->(ft1:`Source`) WHERE NOT coalesce(toLower(fr0.`quote`) CONTAINS $p2, false) }',
      params: { p2: 'x' },
    }));
  it('every with an empty match holds always', () => expect(print({ sources: { every: {} } }).cypher).toBeNull());
  it('some and none together', () =>
    expect(print({ statements: { some: { node: { kind: { eq: 'CONTROL' } } }, none: { node: { kind: { eq: 'ATTACK' } } } } }, ['Source']).cypher).toBe(
      '(EXISTS { MATCH (n)<-[fr0:`REPORTED_IN`]-(ft1:`Statement`) WHERE ft1.`kind` = $p2 }) AND (NOT EXISTS { MATCH (n)<-[fr0:`REPORTED_IN`]-(ft1:`Statement`) WHERE ft1.`kind` = $p3 })',
    ));
  it('union branches: each applies to its label', () =>
    expect(print({ about: { some: { node: { place: { kind: { eq: 'CITY' } }, unit: {} } } } }).cypher).toBe(
      'EXISTS { MATCH (n)-[fr0:`ABOUT`]->(ft1:`Actor`|`Unit`|`Place`) WHERE (ft1:`Unit`) OR ((ft1:`Place`) AND (ft1.`kind` = $p2)) }',
    ));
  it('an edge property and the far node, on one edge', () =>
    expect(print({ about: { some: { role: { eq: 'OBJECT' }, node: { actor: { side: { eq: 'RU' } } } } } })).toEqual({
      cypher: 'EXISTS { MATCH (n)-[fr0:`ABOUT`]->(ft1:`Actor`|`Unit`|`Place`) WHERE (fr0.`role` = $p2) AND (((ft1:`Actor`) AND (ft1.`side` = $p3))) }',
      params: { p2: 'OBJECT', p3: 'RU' },
    }));
  it('two hops', () =>
    expect(print({ parent: { parent: { kind: { eq: 'PROVINCE' } } } }, ['Place']).cypher).toBe(
      'EXISTS { MATCH (n)-[fr0:`PART_OF`]->(ft1:`Place`) WHERE EXISTS { MATCH (ft1)-[fr2:`PART_OF`]->(ft3:`Place`) WHERE ft3.`kind` = $p4 } }',
    ));
  it('edgePredicate on a nested connection: edge property and far node', () => {
    const w = new CypherWriter(Visibility.ALL);
    const relation = model.nodes.get('Place')!.relations.get('statements')!;
    const cypher = edgePredicate({ role: { in: ['LOCATION'] }, node: { kind: { eq: 'CONTROL' } } }, relation, 'r', 't', { model, w, field: FIELD });
    expect(cypher).toBe('(r.`role` IN $p0) AND (t.`kind` = $p1)');
    expect(w.params).toEqual({ p0: ['LOCATION'], p1: 'CONTROL' });
  });
});

describe('spatial and hierarchy operators', () => {
  it('near a point: distance in metres', () =>
    expect(print({ near: { point: { latitude: 49.7, longitude: 37.6 }, radiusKm: 2.5 } }, ['Place'])).toEqual({
      cypher: 'point.distance(n.location, point({latitude: $p0, longitude: $p1})) <= $p2',
      params: { p0: 49.7, p1: 37.6, p2: 2500 },
    }));
  it("near a place: its location, looked up in the query", () =>
    expect(print({ near: { placeId: 'place:kupyansk', radiusKm: 10 } }, ['Place'])).toEqual({
      cypher: 'point.distance(n.location, head(COLLECT { MATCH (centre:Place {id: $p0}) RETURN centre.location })) <= $p1',
      params: { p0: 'place:kupyansk', p1: 10000 },
    }));
  it('inBox: south-west and north-east corners', () =>
    expect(print({ inBox: { south: 49, west: 37, north: 50, east: 38 } }, ['Place'])).toEqual({
      cypher: 'point.withinBBox(n.location, point({latitude: $p0, longitude: $p1}), point({latitude: $p2, longitude: $p3}))',
      params: { p0: 49, p1: 37, p2: 50, p3: 38 },
    }));
  it('within, including the place itself (the default)', () =>
    expect(print({ within: { placeId: 'place:kharkiv-province' } }, ['Place'])).toEqual({
      cypher: '(n.id = $p0 OR EXISTS { MATCH (n)-[:PART_OF*1..]->(:`Place` {id: $p0}) })',
      params: { p0: 'place:kharkiv-province' },
    }));
  it('within, without the place itself', () =>
    expect(print({ within: { placeId: 'place:kharkiv-province', includeSelf: false } }, ['Place']).cypher).toBe(
      'EXISTS { MATCH (n)-[:PART_OF*1..]->(:`Place` {id: $p0}) }',
    ));
  it('within a formation', () =>
    expect(print({ within: { unitId: 'unit:western-group-of-forces', includeSelf: false } }, ['Unit']).cypher).toBe(
      'EXISTS { MATCH (n)-[:PART_OF*1..]->(:`Unit` {id: $p0}) }',
    ));

  it.each([
    ['radius 0', { near: { point: { latitude: 0, longitude: 0 }, radiusKm: 0 } }, 'where.near.radiusKm'],
    ['radius over 20000', { near: { point: { latitude: 0, longitude: 0 }, radiusKm: 20000.5 } }, 'where.near.radiusKm'],
    ['radius NaN', { near: { point: { latitude: 0, longitude: 0 }, radiusKm: Number.NaN } }, 'where.near.radiusKm'],
    ['latitude 91', { near: { point: { latitude: 91, longitude: 0 }, radiusKm: 1 } }, 'where.near.point'],
    ['longitude -181', { near: { point: { latitude: 0, longitude: -181 }, radiusKm: 1 } }, 'where.near.point'],
    ['a unit id as centre', { near: { placeId: 'unit:x', radiusKm: 1 } }, 'where.near.placeId'],
    ['no centre', { near: { radiusKm: 1 } }, 'where.near.point'],
    ['box south > north', { inBox: { south: 50, west: 37, north: 49, east: 38 } }, 'where.inBox'],
    ['box west > east', { inBox: { south: 49, west: 38, north: 50, east: 37 } }, 'where.inBox'],
    ['box longitude 200', { inBox: { south: 49, west: 37, north: 50, east: 200 } }, 'where.inBox'],
    ['within a unit id', { within: { placeId: 'unit:x' } }, 'where.within.placeId'],
  ])('%s is refused', (_name, where, argument) => {
    expect(refused(where, ['Place']).extensions.argument).toBe(argument);
  });

  it('within a place id, for a unit, is refused', () => {
    expect(refused({ within: { unitId: 'place:kupyansk' } }, ['Unit']).extensions.argument).toBe('where.within.unitId');
  });
});

describe('names not in the model are internal errors, not Cypher', () => {
  it('an unknown field', () => expect(() => print({ 'x`) DELETE n': { eq: 1 } })).toThrow(/not in the model/));
  it('an unknown edge property', () => expect(() => print({ sources: { some: { nope: { eq: 1 } } } })).toThrow(/no property/));
});
