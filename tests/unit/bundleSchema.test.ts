import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema.js';
import { buildGraphModel } from '../../src/model/graphModel.js';
import { BundleValidationError, validateBundle } from '../../src/bundle/bundleSchema.js';
import { MAX_STRING_LENGTH } from '../../src/validation/textRules.js';
import { readSampleBundle } from '../../src/sample/loadSample.js';

/** validateBundle: the gate every import passes; each rejection names where the problem is. */

const model = buildGraphModel(buildSchema());

/** A small valid bundle: a claim about a place, its speaker and the source it was reported in. */
function fixture() {
  return {
    format: 'claimgraph-bundle',
    version: 1,
    nodes: [
      {
        label: 'Statement',
        id: 'statement:s1',
        properties: { text: 'X holds Y.', kind: 'CONTROL', statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' } },
      },
      { label: 'Actor', id: 'actor:a1', properties: { kind: 'PERSON', name: 'A One', aliases: [] } },
      {
        label: 'Place',
        id: 'place:p1',
        properties: { kind: 'CITY', name: 'Pee One', aliases: ['P1'], location: { latitude: 49.7, longitude: 37.6 }, locationPrecisionM: 500 },
      },
      { label: 'Source', id: 'source:r1', properties: { kind: 'ARTICLE', title: 'Report one' } },
    ],
    edges: [
      { type: 'MADE_BY', from: 'statement:s1', to: 'actor:a1', properties: {} },
      { type: 'ABOUT', from: 'statement:s1', to: 'place:p1', properties: { role: 'LOCATION' } },
      { type: 'REPORTED_IN', from: 'statement:s1', to: 'source:r1', properties: { quote: 'holds', charStart: 2, charEnd: 7 } },
    ],
  } as any;
}

/** Validation must fail with an issue at `path` (and only at paths the test expects). */
function expectIssue(bundle: unknown, path: string, message?: RegExp) {
  let caught: unknown;
  try {
    validateBundle(bundle, model);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'the bundle was accepted').toBeInstanceOf(BundleValidationError);
  const issues = (caught as BundleValidationError).issues;
  expect(issues.map((i) => i.path)).toContain(path);
  if (message) expect(issues.find((i) => i.path === path)!.message).toMatch(message);
  return issues;
}

describe('validateBundle accepts', () => {
  it('the fixture', () => {
    const { bundle, externalIds } = validateBundle(fixture(), model);
    expect(bundle.nodes.map((n) => n.id)).toEqual(['statement:s1', 'actor:a1', 'place:p1', 'source:r1']);
    expect(bundle.edges).toHaveLength(3);
    expect(externalIds).toEqual([]);
  });

  it('the sample bundle, whole', () => {
    const raw = readSampleBundle() as { nodes: unknown[]; edges: unknown[] };
    const { bundle, externalIds } = validateBundle(raw, model);
    expect(bundle.nodes).toHaveLength(raw.nodes.length);
    expect(bundle.edges).toHaveLength(raw.edges.length);
    expect(externalIds).toEqual([]);
  });

  it('a string of exactly the maximum length', () => {
    const b = fixture();
    b.nodes[1].properties.description = 'x'.repeat(MAX_STRING_LENGTH);
    expect(() => validateBundle(b, model)).not.toThrow();
  });

  it('a duplicate node with the same properties, once', () => {
    const b = fixture();
    b.nodes.push(structuredClone(b.nodes[1]));
    expect(validateBundle(b, model).bundle.nodes.filter((n) => n.id === 'actor:a1')).toHaveLength(1);
  });

  it('an edge to a node outside the bundle, reported as external', () => {
    const b = fixture();
    b.edges.push({ type: 'ABOUT', from: 'statement:s1', to: 'place:kupyansk', properties: { role: 'OBJECT' } });
    expect(validateBundle(b, model).externalIds).toEqual(['place:kupyansk']);
  });
});

describe('validateBundle rejects', () => {
  it('a wrong format', () => {
    const b = fixture();
    b.format = 'graphml';
    expectIssue(b, 'format');
  });

  it('a wrong version', () => {
    const b = fixture();
    b.version = 2;
    expectIssue(b, 'version');
  });

  it('something that is not a bundle at all', () => {
    expect(() => validateBundle(null, model)).toThrow(BundleValidationError);
    expect(() => validateBundle([], model)).toThrow(BundleValidationError);
  });

  it('an impossible date (2024-02-30)', () => {
    const b = fixture();
    b.nodes[0].properties.statedAt = { start: '2024-02-30', end: '2024-03-01', precision: 'DAY' };
    expectIssue(b, 'nodes[0].properties.statedAt.start', /calendar date/);
  });

  it('a date that is not YYYY-MM-DD', () => {
    const b = fixture();
    b.nodes[0].properties.statedAt.end = '16/12/2024';
    expectIssue(b, 'nodes[0].properties.statedAt.end');
  });

  it('start after end', () => {
    const b = fixture();
    b.nodes[0].properties.statedAt = { start: '2024-12-16', end: '2024-12-09', precision: 'WEEK' };
    expectIssue(b, 'nodes[0].properties.statedAt.end', /after end/);
  });

  it('latitude 91', () => {
    const b = fixture();
    b.nodes[2].properties.location.latitude = 91;
    expectIssue(b, 'nodes[2].properties.location.latitude');
  });

  it('longitude -181', () => {
    const b = fixture();
    b.nodes[2].properties.location.longitude = -181;
    expectIssue(b, 'nodes[2].properties.location.longitude');
  });

  it('an unknown enum value', () => {
    const b = fixture();
    b.nodes[0].properties.kind = 'BATTLE';
    expectIssue(b, 'nodes[0].properties.kind');
  });

  it('an unknown property', () => {
    const b = fixture();
    b.nodes[1].properties.colour = 'red';
    const issues = expectIssue(b, 'nodes[1].properties');
    expect(issues.find((i) => i.path === 'nodes[1].properties')!.message).toContain('colour');
  });

  it('a missing required property', () => {
    const b = fixture();
    delete b.nodes[3].properties.title;
    expectIssue(b, 'nodes[3].properties.title');
  });

  it('an id whose prefix does not match the label', () => {
    const b = fixture();
    b.nodes[1].label = 'Unit';
    b.nodes[1].properties = { name: 'U', aliases: [], echelon: 'ARMY' };
    expectIssue(b, 'nodes[1].id');
  });

  it('a malformed id', () => {
    const b = fixture();
    b.nodes[1].id = 'actor:A One';
    expectIssue(b, 'nodes[1].id');
  });

  it('an unknown edge type', () => {
    const b = fixture();
    b.edges[0].type = 'LIKES';
    expectIssue(b, 'edges[0].type', /unknown edge type/);
  });

  it('an edge between the wrong labels (MADE_BY from a Place)', () => {
    const b = fixture();
    b.edges[0].from = 'place:p1';
    expectIssue(b, 'edges[0].from', /MADE_BY starts at a Statement, not a Place/);
  });

  it(`a string of ${MAX_STRING_LENGTH + 1} characters`, () => {
    const b = fixture();
    b.nodes[1].properties.description = 'x'.repeat(MAX_STRING_LENGTH + 1);
    expectIssue(b, 'nodes[1].properties.description');
  });

  it('a duplicate id with different properties', () => {
    const b = fixture();
    b.nodes.push({ ...structuredClone(b.nodes[1]), properties: { kind: 'PERSON', name: 'Someone else', aliases: [] } });
    expectIssue(b, 'nodes[4].id', /duplicate id actor:a1/);
  });

  it('a duplicate edge with different properties', () => {
    const b = fixture();
    b.edges.push({ type: 'REPORTED_IN', from: 'statement:s1', to: 'source:r1', properties: { quote: 'X holds' } });
    expectIssue(b, 'edges[3]', /duplicate REPORTED_IN edge/);
  });

  it('(control) the same edge pair with a different edge key is two edges, not a duplicate', () => {
    const b = fixture();
    b.edges.push({ type: 'ABOUT', from: 'statement:s1', to: 'place:p1', properties: { role: 'SUBJECT' } });
    expect(validateBundle(b, model).bundle.edges).toHaveLength(4);
  });

  it('a missing edge key (ABOUT without role)', () => {
    const b = fixture();
    b.edges[1].properties = {};
    expectIssue(b, 'edges[1].properties.role');
  });

  it('an unknown edge property', () => {
    const b = fixture();
    b.edges[0].properties = { weight: 3 };
    expectIssue(b, 'edges[0].properties');
  });

  it('reports every problem, not just the first', () => {
    const b = fixture();
    b.nodes[2].properties.location.latitude = 91;
    b.edges[0].type = 'LIKES';
    const issues = expectIssue(b, 'nodes[2].properties.location.latitude');
    expect(issues.map((i) => i.path)).toContain('edges[0].type');
  });
});

describe('validateBundle: what the bundle alone decides of the rules spanning records', () => {
  const place = (id: string) => ({ label: 'Place', id, properties: { kind: 'CITY', name: id.slice(6), aliases: [] } });
  const partOf = (from: string, to: string) => ({ type: 'PART_OF', from, to, properties: {} });

  it('a PART_OF loop given whole: refused at the edge that closes it, naming the loop', () => {
    const b = fixture();
    b.nodes.push(place('place:a'), place('place:b'), place('place:c'));
    b.edges.push(partOf('place:a', 'place:b'), partOf('place:b', 'place:c'), partOf('place:c', 'place:a'));
    const issues = expectIssue(b, 'edges[5].to', /place:a is already part of place:c: PART_OF would loop \(place:c → place:a → place:b → place:c\)/);
    expect(issues).toHaveLength(1);
  });

  it('a unit loop too', () => {
    const b = fixture();
    b.nodes.push({ label: 'Unit', id: 'unit:x', properties: { name: 'X', aliases: [], echelon: 'ARMY' } }, { label: 'Unit', id: 'unit:y', properties: { name: 'Y', aliases: [], echelon: 'CORPS' } });
    b.edges.push(partOf('unit:y', 'unit:x'), partOf('unit:x', 'unit:y'));
    expectIssue(b, 'edges[4].to', /PART_OF would loop/);
  });

  it('a self-loop, of PART_OF or any other type', () => {
    const b = fixture();
    b.edges.push(partOf('place:p1', 'place:p1'), { type: 'CITES', from: 'source:r1', to: 'source:r1', properties: {} });
    expectIssue(b, 'edges[3].to', /linked to itself/);
    expectIssue(b, 'edges[4].to', /linked to itself/);
  });

  it('a second parent, a second speaker: refused at the second', () => {
    const b = fixture();
    b.nodes.push(place('place:a'), place('place:b'));
    b.nodes.push({ label: 'Actor', id: 'actor:a2', properties: { kind: 'PERSON', name: 'A Two', aliases: [] } });
    b.edges.push(partOf('place:p1', 'place:a'), partOf('place:p1', 'place:b'), { type: 'MADE_BY', from: 'statement:s1', to: 'actor:a2', properties: {} });
    expectIssue(b, 'edges[4].to', /place:p1 already has its parent \(PART_OF place:a\) in this input/);
    expectIssue(b, 'edges[5].to', /statement:s1 already has its speaker \(MADE_BY actor:a1\) in this input/);
  });

  it('(control) a chain and a tree are accepted, and the same edge twice is one edge', () => {
    const b = fixture();
    b.nodes.push(place('place:a'), place('place:b'), place('place:c'));
    b.edges.push(partOf('place:a', 'place:b'), partOf('place:c', 'place:b'), partOf('place:b', 'place:p1'), partOf('place:a', 'place:b'));
    expect(validateBundle(b, model).bundle.edges).toHaveLength(6);
  });
});

describe('validateBundle: keys refused by name', () => {
  it('__proto__ in a record, in its properties, inside a partial date (as JSON.parse keeps it)', () => {
    const b = fixture();
    b.nodes[1] = JSON.parse('{"label":"Actor","id":"actor:a1","properties":{"kind":"PERSON","name":"A One","aliases":[],"__proto__":{"side":"UA"}}}');
    b.nodes[3] = JSON.parse('{"label":"Source","id":"source:r1","__proto__":{},"properties":{"kind":"ARTICLE","title":"Report one"}}');
    b.nodes[0].properties.statedAt = JSON.parse('{"start":"2024-12-16","end":"2024-12-16","precision":"DAY","constructor":"x"}');
    b.edges[1] = JSON.parse('{"type":"ABOUT","from":"statement:s1","to":"place:p1","properties":{"role":"LOCATION","prototype":1}}');
    expectIssue(b, 'nodes[1].properties.__proto__', /"__proto__" is not allowed/);
    expectIssue(b, 'nodes[3].__proto__', /"__proto__" is not allowed/);
    expectIssue(b, 'nodes[0].properties.statedAt.constructor', /"constructor" is not allowed/);
    expectIssue(b, 'edges[1].properties.prototype', /"prototype" is not allowed/);
  });
});

describe('validateBundle: the rules mutations follow', () => {
  it('validTo before validFrom, a membership ending before it starts, quote offsets, a non-http URL', () => {
    const b = fixture();
    const day = (d: string) => ({ start: d, end: d, precision: 'DAY' });
    Object.assign(b.nodes[0].properties, { validFrom: day('2024-12-10'), validTo: day('2024-12-01') });
    b.nodes[3].properties.url = 'javascript:alert(1)';
    b.nodes.push({ label: 'Actor', id: 'actor:org', properties: { kind: 'ORGANISATION', name: 'Org', aliases: [] } });
    b.edges.push({ type: 'MEMBER_OF', from: 'actor:a1', to: 'actor:org', properties: { role: 'press officer', from: day('2024-06-01'), to: day('2024-01-01') } });
    b.edges[2].properties = { quote: 'holds', charStart: 2, charEnd: 9 };
    expectIssue(b, 'nodes[0].properties.validTo', /must not end before validFrom starts/);
    expectIssue(b, 'nodes[3].properties.url', /http or https/);
    expectIssue(b, 'edges[3].properties.to', /must not end before from starts/);
    expectIssue(b, 'edges[2].properties.charEnd', /quote's length/);
  });

  it('control characters, lone surrogates and invisible names', () => {
    const b = fixture();
    b.nodes[1].properties.name = '\u200b';
    b.nodes[1].properties.aliases = ['\ufeff'];
    b.nodes[0].properties.statedAt.raw = 'esc\u001b';
    b.nodes[3].properties.description = 'x\ud800';
    b.edges[2].properties.quote = 'hol\u0000';
    expectIssue(b, 'nodes[1].properties.name', /blank/);
    expectIssue(b, 'nodes[1].properties.aliases[0]', /blank/);
    expectIssue(b, 'nodes[0].properties.statedAt.raw', /control character/);
    expectIssue(b, 'nodes[3].properties.description', /lone surrogate/);
    expectIssue(b, 'edges[2].properties.quote', /control character/);
  });
});

