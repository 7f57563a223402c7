import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { canonical, diffProperties, normalise, propertyNames, stableJson, toStored } from '../../src/changelog/propertyValues.js';
import { newTransactionId } from '../../src/changelog/changeLog.js';
import { MAX_WRITER_LENGTH, writerOf } from '../../src/changelog/writeTransaction.js';
import { ANONYMOUS_READER, localOperator, type Principal } from '../../src/auth/principal.js';
import { applyPatch, fieldEnumName, validateProperties } from '../../src/domain/node/propertyInput.js';

/** The change log's pure parts: value forms, the before/after diff, transaction ids, the writer's name; patches and validation. */

const model = graphModelOf(buildSchema());
const specsOf = (label: 'Actor' | 'Place' | 'Statement' | 'Source') => model.nodes.get(label)!.properties;

describe('diffProperties', () => {
  const actor = specsOf('Actor');

  it('lists every property of a new node as after, in model order, absent ones left out', () => {
    expect(diffProperties(actor, null, { name: 'A', kind: 'PERSON' })).toEqual([
      { property: 'kind', before: null, after: 'PERSON' },
      { property: 'name', before: null, after: 'A' },
    ]);
  });

  it('lists only what changed, with null for a property removed or added', () => {
    const before = { kind: 'PERSON', name: 'A', side: 'UA', description: 'd' };
    expect(diffProperties(actor, before, { kind: 'PERSON', name: 'B', side: 'UA', aliases: ['b'] })).toEqual([
      { property: 'name', before: 'A', after: 'B' },
      { property: 'aliases', before: null, after: ['b'] },
      { property: 'description', before: 'd', after: null },
    ]);
  });

  it('is empty when nothing changed, whatever the key order of nested values', () => {
    const statement = specsOf('Statement');
    const a = { text: 't', kind: 'CONTROL', statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' } };
    const b = { statedAt: { precision: 'DAY', end: '2024-12-16', start: '2024-12-16' }, kind: 'CONTROL', text: 't' };
    expect(diffProperties(statement, a, b)).toEqual([]);
    expect(diffProperties(statement, a, { ...b, statedAt: { ...b.statedAt, raw: 'on Monday' } })).toHaveLength(1);
  });

  it('a deleted node lists every property as before', () => {
    expect(diffProperties(actor, { kind: 'STATE', name: 'Russia' }, null)).toEqual([
      { property: 'kind', before: 'STATE', after: null },
      { property: 'name', before: 'Russia', after: null },
    ]);
  });

  it('finds a change exactly where the values print differently (stableJson), for every pair of kinds of value', () => {
    const values = [null, '', 'a', '1', 0, -0, 1, 1.5, NaN, Infinity, -Infinity, true, false, [], ['a'], ['a', 'b'], { x: 1 }, { x: 1, y: 2 }, { y: 2, x: 1 }];
    for (const before of values) {
      for (const after of values) {
        const changed = diffProperties(actor, { name: before }, { name: after }).length > 0;
        expect(changed, `${String(before)} → ${String(after)}`).toBe(stableJson(before) !== stableJson(after));
      }
    }
  });

  it('ignores what is not a model property (times of record, the id)', () => {
    expect(diffProperties(actor, { name: 'A', updatedAt: 'x', id: 'actor:a' }, { name: 'A', updatedAt: 'y' })).toEqual([]);
  });
});

describe('value forms', () => {
  it('a partial date and a point survive stored form and back (canonical form)', () => {
    const statement = specsOf('Statement');
    const props = { text: 't', kind: 'CONTROL', statedAt: { start: '2024-12-09', end: '2024-12-15', precision: 'WEEK', raw: 'last week', relativeTo: '2024-12-16' } };
    expect(normalise(statement, props)).toEqual(props);
    const place = specsOf('Place');
    const point = { kind: 'CITY', name: 'K', location: { latitude: 49.7, longitude: 37.6 }, locationPrecisionM: 500 };
    expect(normalise(place, point)).toEqual(point);
    expect(canonical(place, toStored(place, point))).toEqual(point);
  });

  it('an empty list reads like no list, so clearing aliases twice is not a change', () => {
    const actor = specsOf('Actor');
    expect(toStored(actor, { name: 'A', aliases: [] }).aliases).toBeNull();
    expect(diffProperties(actor, normalise(actor, { name: 'A', aliases: [] }), { name: 'A' })).toEqual([]);
  });

  it('a point brings its precision into the property names', () => {
    expect(propertyNames(specsOf('Place'))).toEqual(expect.arrayContaining(['location', 'locationPrecisionM']));
  });

  it('stableJson sorts object keys at every depth and prints absent as null', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}');
    expect(stableJson(undefined)).toBe('null');
  });
});

describe('newTransactionId', () => {
  it('ids made one after the other sort in that order, within and across milliseconds', () => {
    const ids = [newTransactionId(1_000), newTransactionId(1_000), newTransactionId(1_000), newTransactionId(1_001), newTransactionId(5_000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a clock that steps back does not break the order', () => {
    const a = newTransactionId(9_000_000);
    const b = newTransactionId(8_000_000);
    expect(b > a).toBe(true);
  });
});

describe('writerOf: the principal\'s name, as the change log records it', () => {
  const jwt = (sub: string): Principal => ({ kind: 'jwt', name: `jwt:${sub}`, role: 'editor', clearance: 'CLEAR' });
  it.each([
    [ANONYMOUS_READER, 'anonymous'],
    [localOperator('alice'), 'local:alice'],
    [{ kind: 'key', name: 'key:data-team', role: 'editor', clearance: 'GREEN' } as Principal, 'key:data-team'],
    [jwt('  bob\n'), 'jwt:  bob'],
    [jwt('ev\u0000e'), 'jwt:eve'],
  ])('%j → %j', (principal, who) => {
    expect(writerOf({ principal })).toBe(who);
  });

  it('cuts a very long name', () => {
    expect(writerOf({ principal: jwt('x'.repeat(1000)) })).toHaveLength(MAX_WRITER_LENGTH);
  });

  it('a principal without a name is a broken invariant, never an anonymous write', () => {
    expect(() => writerOf({ principal: { kind: 'key', name: ' \n', role: 'editor', clearance: 'CLEAR' } })).toThrow(/without a name/);
  });
});

describe('applyPatch', () => {
  const place = model.nodes.get('Place')!.properties;
  const current = { kind: 'CITY', name: 'K', location: { latitude: 1, longitude: 2 }, locationPrecisionM: 10, areaKm2: 3 };

  it('sets what is given, keeps the rest, clears what is unset (a point with its precision)', () => {
    const { props, errors } = applyPatch(place, current, { name: 'L' }, ['LOCATION'], ['input']);
    expect(errors).toEqual([]);
    expect(props).toEqual({ kind: 'CITY', name: 'L', areaKm2: 3 });
  });

  it('a new point replaces the old precision too', () => {
    const { props } = applyPatch(place, current, { location: { latitude: 5, longitude: 6 } }, [], ['input']);
    expect(props).toMatchObject({ location: { latitude: 5, longitude: 6 } });
    expect(props.locationPrecisionM).toBeUndefined();
  });

  it('refuses clearing a required property, and setting and unsetting the same one', () => {
    expect(applyPatch(place, current, { name: null }, [], ['input']).errors).toMatchObject([{ field: ['input', 'set', 'name'], code: 'REQUIRED' }]);
    expect(applyPatch(place, current, { areaKm2: 4 }, ['AREA_KM2'], ['input']).errors).toMatchObject([{ field: ['input', 'unset', '0'] }]);
  });

  it('names fields as the <Type>Field enums do', () => {
    expect(fieldEnumName('areaKm2')).toBe('AREA_KM2');
    expect(fieldEnumName('publishedAt')).toBe('PUBLISHED_AT');
  });
});

describe('validateProperties', () => {
  it('reports a bad URL once, and only http(s) URLs pass', () => {
    const source = specsOf('Source');
    const at = (url: string) => validateProperties(source, { kind: 'ARTICLE', title: 'T', url }, ['input']).map((e) => e.field.join('.'));
    expect(at('not a url')).toEqual(['input.url']);
    expect(at('javascript:alert(1)')).toEqual(['input.url']);
    expect(at('ftp://example.org/x')).toEqual(['input.url']);
    expect(at('https://example.org/x')).toEqual([]);
  });

  it('a quote and its offsets must agree; validTo must not end before validFrom starts', () => {
    const reported = model.edges.get('REPORTED_IN')!.properties;
    expect(validateProperties(reported, { quote: 'abc', charStart: 1, charEnd: 4 }, ['q'])).toEqual([]);
    expect(validateProperties(reported, { quote: 'abc', charStart: 1, charEnd: 3 }, ['q']).map((e) => e.field.join('.'))).toEqual(['q.charEnd']);
    expect(validateProperties(reported, { charStart: 1 }, ['q'])).toMatchObject([{ field: ['q', 'charEnd'], code: 'REQUIRED' }]);
    const statement = specsOf('Statement');
    const day = (d: string) => ({ start: d, end: d, precision: 'DAY' });
    const base = { text: 't', kind: 'CONTROL', statedAt: day('2024-12-16') };
    expect(validateProperties(statement, { ...base, validFrom: day('2024-12-10'), validTo: day('2024-12-09') }, ['input']).map((e) => e.field.join('.'))).toEqual(['input.validTo']);
    expect(validateProperties(statement, { ...base, validFrom: day('2024-12-10'), validTo: day('2024-12-10') }, ['input'])).toEqual([]);
  });
});
