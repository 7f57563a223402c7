import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../src/ids.js';
import { planCacheStats } from '../../src/planner/planCache.js';
import { createHarness, type Harness } from '../harness.js';
import { byId, labelOf, ROOT_FIELDS, sample, sampleNode, sampleNodesOf, type SampleEdge, type SampleNode } from '../sample.js';

/**
 * Every operator of every filter input, on the root lists and on nested connections, against what the
 * sample bundle (src/sample/kupyansk.json) says: each expectation is computed from the JSON by a small
 * evaluator here, never copied from the API's output.
 */

let h: Harness;
let beforeReset: Date;
let afterReset: Date;
beforeAll(async () => {
  beforeReset = new Date();
  h = await createHarness();
  afterReset = new Date();
});
afterAll(() => h.close());

// ---------------------------------------------------------------------------------------------------
// The sample, read as a graph

type Props = Record<string, any>;
const outEdges = (id: string, type: string) => sample.edges.filter((e) => e.type === type && e.from === id);
const inEdges = (id: string, type: string) => sample.edges.filter((e) => e.type === type && e.to === id);
const props = (id: string): Props => sampleNode(id).properties;
const lower = (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : null);

/** Ids of one label the predicate holds for, in the API's default order (id ascending). */
const idsWhere = (label: Label, pred: (n: SampleNode) => boolean) =>
  sampleNodesOf(label)
    .filter(pred)
    .map((n) => n.id)
    .sort(byId);

/** The ancestors of a place or unit through PART_OF, at any depth. */
function ancestorsOf(id: string): Set<string> {
  const seen = new Set<string>();
  const queue = [id];
  while (queue.length) {
    for (const e of outEdges(queue.shift()!, 'PART_OF')) {
      if (!seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return seen;
}
const isWithin = (id: string, ancestor: string, includeSelf = true) => (includeSelf && id === ancestor) || ancestorsOf(id).has(ancestor);

/** A partial date as a span of days; every operator is false when the date is missing. */
interface Span {
  start: string;
  end: string;
  precision: string;
}
const span = (p: Props, name: string): Span | null => p[name] ?? null;
const overlaps = (s: Span | null, from?: string, to?: string) => !!s && (to === undefined || s.start <= to) && (from === undefined || s.end >= from);
const within = (s: Span | null, from?: string, to?: string) => !!s && (from === undefined || s.start >= from) && (to === undefined || s.end <= to);

const statementKind = (id: string) => props(id).kind as string;

// ---------------------------------------------------------------------------------------------------
// The API

async function listIds(label: Label, where: unknown): Promise<string[]> {
  const field = ROOT_FIELDS[label].list;
  const data = await h.data(`query ($where: ${label}Where) { ${field}(first: 100, where: $where) { totalCount edges { node { id } } } }`, { where });
  const connection = data[field];
  expect(connection.totalCount, 'totalCount counts what the filter lets through').toBe(connection.edges.length);
  return connection.edges.map((e: any) => e.node.id);
}

interface Case {
  name: string;
  label: Label;
  where: Record<string, unknown>;
  pred: (n: SampleNode) => boolean;
  /** The case is only meaningful if it keeps some nodes and drops others (default true). */
  discriminating?: boolean;
}

/** Runs each case: the API's ids (in default order) must equal those the JSON evaluator keeps. */
function runCases(cases: Case[]) {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const expected = idsWhere(c.label, c.pred);
    if (c.discriminating !== false) {
      expect(expected.length, 'the sample has a node this filter keeps').toBeGreaterThan(0);
      expect(expected.length, 'the sample has a node this filter drops').toBeLessThan(sampleNodesOf(c.label).length);
    }
    expect(await listIds(c.label, c.where)).toEqual(expected);
  });
}

// ---------------------------------------------------------------------------------------------------

describe('IDFilter', () => {
  runCases([
    { name: 'id.eq', label: 'Place', where: { id: { eq: 'place:kupyansk' } }, pred: (n) => n.id === 'place:kupyansk' },
    {
      name: 'id.in (an unknown id is simply not found)',
      label: 'Statement',
      where: { id: { in: ['statement:ru-kupyansk-captured-2024-11', 'statement:wgf-full-control-2024-12-16', 'statement:never-said'] } },
      pred: (n) => ['statement:ru-kupyansk-captured-2024-11', 'statement:wgf-full-control-2024-12-16'].includes(n.id),
    },
  ]);
});

describe('StringFilter', () => {
  runCases([
    { name: 'eq is exact', label: 'Place', where: { name: { eq: 'Kupyansk' } }, pred: (n) => n.properties.name === 'Kupyansk' },
    { name: 'eq is case-sensitive', label: 'Place', where: { name: { eq: 'kupyansk' } }, pred: (n) => n.properties.name === 'kupyansk', discriminating: false },
    {
      name: 'in is exact',
      label: 'Actor',
      where: { name: { in: ['AFP', 'TASS', 'tass', 'Nobody'] } },
      pred: (n) => ['AFP', 'TASS', 'tass', 'Nobody'].includes(n.properties.name),
    },
    {
      name: 'contains ignores case',
      label: 'Place',
      where: { name: { contains: 'KUPYANSK' } },
      pred: (n) => lower(n.properties.name)!.includes('kupyansk'),
    },
    {
      name: 'startsWith ignores case',
      label: 'Place',
      where: { name: { startsWith: 'kUpYaNsK' } },
      pred: (n) => lower(n.properties.name)!.startsWith('kupyansk'),
    },
    {
      name: 'startsWith is not contains',
      label: 'Actor',
      where: { name: { startsWith: 'press service' } },
      pred: (n) => lower(n.properties.name)!.startsWith('press service'),
    },
    {
      name: 'contains on an optional property skips nodes without it',
      label: 'Statement',
      where: { note: { contains: 'SAME' } },
      pred: (n) => !!lower(n.properties.note)?.includes('same'),
    },
    { name: 'eq on a string property of Unit (side)', label: 'Unit', where: { side: { eq: 'UA' } }, pred: (n) => n.properties.side === 'UA' },
    { name: 'in on Source.language', label: 'Source', where: { language: { in: ['ru', 'uk'] } }, pred: (n) => ['ru', 'uk'].includes(n.properties.language) },
    {
      name: 'contains on an optional description',
      label: 'Actor',
      where: { description: { contains: 'PRESS SERVICE' } },
      pred: (n) => !!lower(n.properties.description)?.includes('press service'),
    },
  ]);

  it('a value with quotes and a backtick is matched literally', async () => {
    expect(await listIds('Place', { name: { contains: "x`}) DETACH DELETE n //" } })).toEqual([]);
    // Still all there.
    expect((await listIds('Place', {})).length).toBe(sampleNodesOf('Place').length);
    expect(await listIds('Place', { description: { contains: '"southwest of kupyansk"' } })).toEqual(
      idsWhere('Place', (n) => !!lower(n.properties.description)?.includes('"southwest of kupyansk"')),
    );
  });
});

describe('StringListFilter (aliases)', () => {
  runCases([
    {
      name: 'includes "kupiansk" finds Kupyansk (whole alias, any case)',
      label: 'Place',
      where: { aliases: { includes: 'kupiansk' } },
      pred: (n) => (n.properties.aliases ?? []).some((a: string) => a.toLowerCase() === 'kupiansk'),
    },
    {
      name: 'someContains "kupiansk" also finds the places whose aliases only contain it',
      label: 'Place',
      where: { aliases: { someContains: 'KUPIANSK' } },
      pred: (n) => (n.properties.aliases ?? []).some((a: string) => a.toLowerCase().includes('kupiansk')),
    },
    {
      name: 'includes a Cyrillic alias in another case',
      label: 'Actor',
      where: { aliases: { includes: 'ЗЕЛЕНСЬКИЙ' } },
      pred: (n) => (n.properties.aliases ?? []).some((a: string) => a.toLowerCase() === 'зеленський'),
    },
    {
      name: 'someContains on Unit aliases',
      label: 'Unit',
      where: { aliases: { someContains: 'national guard' } },
      pred: (n) => (n.properties.aliases ?? []).some((a: string) => a.toLowerCase().includes('national guard')),
    },
  ]);

  it('includes "kupiansk" finds Kupyansk and not its cemetery (whose alias only contains the word)', async () => {
    const found = await listIds('Place', { aliases: { includes: 'kupiansk' } });
    expect(found).toContain('place:kupyansk');
    expect(found).not.toContain('place:kupyansk-city-cemetery');
    expect(await listIds('Place', { aliases: { someContains: 'kupiansk' } })).toContain('place:kupyansk-city-cemetery');
  });
});

describe('IntFilter (REPORTED_IN offsets) and FloatFilter', () => {
  const reportedIn = (statementId: string) => outEdges(statementId, 'REPORTED_IN');
  const offsets = (pred: (e: SampleEdge) => boolean) => (n: SampleNode) => reportedIn(n.id).some(pred);
  runCases([
    {
      name: 'charStart.eq',
      label: 'Statement',
      where: { sources: { some: { charStart: { eq: 109 } } } },
      pred: offsets((e) => e.properties.charStart === 109),
    },
    {
      name: 'charStart.in',
      label: 'Statement',
      where: { sources: { some: { charStart: { in: [42, 335, 7] } } } },
      pred: offsets((e) => [42, 335, 7].includes(e.properties.charStart)),
    },
    {
      name: 'charStart.gt and lt (exclusive)',
      label: 'Statement',
      where: { sources: { some: { charStart: { gt: 480, lt: 1224 } } } },
      pred: offsets((e) => e.properties.charStart > 480 && e.properties.charStart < 1224),
    },
    {
      name: 'charStart.gte and lte (inclusive)',
      label: 'Statement',
      where: { sources: { some: { charStart: { gte: 480, lte: 1224 } } } },
      pred: offsets((e) => e.properties.charStart >= 480 && e.properties.charStart <= 1224),
    },
    {
      name: 'charEnd.lte on Source.statements',
      label: 'Source',
      where: { statements: { some: { charEnd: { lte: 400 } } } },
      pred: (n) => inEdges(n.id, 'REPORTED_IN').some((e) => e.properties.charEnd <= 400),
    },
    {
      name: 'credibility (no statement has one) matches nothing',
      label: 'Statement',
      where: { credibility: { gte: 1 } },
      pred: (n) => n.properties.credibility >= 1,
      discriminating: false,
    },
    { name: 'areaKm2.gt', label: 'Place', where: { areaKm2: { gt: 30 } }, pred: (n) => n.properties.areaKm2 > 30 },
    { name: 'areaKm2.eq', label: 'Place', where: { areaKm2: { eq: 33 } }, pred: (n) => n.properties.areaKm2 === 33 },
    {
      name: 'areaKm2.lte (places without an area are not ≤ anything)',
      label: 'Place',
      where: { areaKm2: { lte: 1000 } },
      pred: (n) => n.properties.areaKm2 !== undefined && n.properties.areaKm2 <= 1000,
    },
    {
      name: 'GEOLOCATED_AT offsetM.eq and bearing.gte',
      label: 'Source',
      where: { geolocatedAt: { some: { offsetM: { gte: 1000 }, bearing: { gte: 200, lt: 250 } } } },
      pred: (n) =>
        outEdges(n.id, 'GEOLOCATED_AT').some((e) => e.properties.offsetM >= 1000 && e.properties.bearing >= 200 && e.properties.bearing < 250),
    },
  ]);
});

describe('DateTimeFilter (createdAt, updatedAt)', () => {
  const all = (label: Label) => sampleNodesOf(label).map((n) => n.id).sort(byId);

  it('every node was created and updated during the reset', async () => {
    expect(await listIds('Actor', { createdAt: { gte: beforeReset.toISOString() } })).toEqual(all('Actor'));
    expect(await listIds('Actor', { createdAt: { lte: afterReset.toISOString() } })).toEqual(all('Actor'));
    expect(await listIds('Source', { updatedAt: { gte: beforeReset.toISOString(), lte: afterReset.toISOString() } })).toEqual(all('Source'));
    expect(await listIds('Actor', { createdAt: { lt: beforeReset.toISOString() } })).toEqual([]);
    expect(await listIds('Actor', { createdAt: { gt: afterReset.toISOString() } })).toEqual([]);
  });

  it('gt and lt separate a node whose createdAt the test moved back', async () => {
    await h.db.write(`MATCH (a:Actor {id: 'actor:ryv'}) SET a.createdAt = datetime('2020-06-01T12:00:00Z')`);
    try {
      expect(await listIds('Actor', { createdAt: { lt: '2020-06-01T12:00:01Z' } })).toEqual(['actor:ryv']);
      expect(await listIds('Actor', { createdAt: { lt: '2020-06-01T12:00:00Z' } })).toEqual([]);
      expect(await listIds('Actor', { createdAt: { lte: '2020-06-01T12:00:00Z' } })).toEqual(['actor:ryv']);
      expect(await listIds('Actor', { createdAt: { gt: '2020-06-01T12:00:00Z' } })).toEqual(all('Actor').filter((id) => id !== 'actor:ryv'));
      // A zone offset names the same instant.
      expect(await listIds('Actor', { createdAt: { gte: '2020-06-01T14:00:00+02:00', lt: '2021-01-01T00:00:00Z' } })).toEqual(['actor:ryv']);
    } finally {
      await h.db.write(`MATCH (a:Actor {id: 'actor:ryv'}) SET a.updatedAt = a.updatedAt, a.createdAt = a.updatedAt`);
    }
  });
});

describe('enum filters', () => {
  runCases([
    { name: 'Statement.kind.eq', label: 'Statement', where: { kind: { eq: 'CONTROL' } }, pred: (n) => n.properties.kind === 'CONTROL' },
    {
      name: 'Statement.kind.in',
      label: 'Statement',
      where: { kind: { in: ['ATTACK', 'FORECAST'] } },
      pred: (n) => ['ATTACK', 'FORECAST'].includes(n.properties.kind),
    },
    { name: 'Actor.kind.eq', label: 'Actor', where: { kind: { eq: 'MEDIA_OUTLET' } }, pred: (n) => n.properties.kind === 'MEDIA_OUTLET' },
    { name: 'Unit.echelon.in', label: 'Unit', where: { echelon: { in: ['ARMY', 'CORPS'] } }, pred: (n) => ['ARMY', 'CORPS'].includes(n.properties.echelon) },
    { name: 'Place.kind.in', label: 'Place', where: { kind: { in: ['CITY', 'STREET'] } }, pred: (n) => ['CITY', 'STREET'].includes(n.properties.kind) },
    { name: 'Source.kind.eq', label: 'Source', where: { kind: { eq: 'AGENCY_REPORT' } }, pred: (n) => n.properties.kind === 'AGENCY_REPORT' },
    {
      name: 'Source.reliability (no source has one) matches nothing',
      label: 'Source',
      where: { reliability: { in: ['A', 'B'] } },
      pred: (n) => ['A', 'B'].includes(n.properties.reliability),
      discriminating: false,
    },
  ]);
});

describe('PartialDateFilter: spans of days, respecting precision', () => {
  const statedAt = (n: SampleNode) => span(n.properties, 'statedAt');
  const NOVEMBER = 'statement:ru-kupyansk-captured-2024-11';
  const LAST_WEEK = 'statement:ngc2-recaptured-northern-districts-2024-w50';

  it('the sample has the November-2024 MONTH claim and the "last week" WEEK claim', () => {
    expect(props(NOVEMBER).statedAt).toMatchObject({ start: '2024-11-01', end: '2024-11-30', precision: 'MONTH' });
    expect(props(LAST_WEEK).statedAt).toMatchObject({ start: '2024-12-09', end: '2024-12-15', precision: 'WEEK', raw: 'last week' });
  });

  runCases([
    {
      name: 'overlaps one day: "November 2024" overlaps 15 November',
      label: 'Statement',
      where: { statedAt: { overlaps: { from: '2024-11-15', to: '2024-11-15' } } },
      pred: (n) => overlaps(statedAt(n), '2024-11-15', '2024-11-15'),
    },
    {
      name: 'overlaps 12 December: the "last week" claim and the December MONTH claims, not the DAY claims of other days',
      label: 'Statement',
      where: { statedAt: { overlaps: { from: '2024-12-12', to: '2024-12-12' } } },
      pred: (n) => overlaps(statedAt(n), '2024-12-12', '2024-12-12'),
    },
    {
      name: 'overlaps with only from',
      label: 'Statement',
      where: { statedAt: { overlaps: { from: '2024-12-16' } } },
      pred: (n) => overlaps(statedAt(n), '2024-12-16', undefined),
    },
    {
      name: 'overlaps with only to',
      label: 'Statement',
      where: { statedAt: { overlaps: { to: '2024-12-08' } } },
      pred: (n) => overlaps(statedAt(n), undefined, '2024-12-08'),
    },
    {
      name: 'within 1–15 November: not the November MONTH claim',
      label: 'Statement',
      where: { statedAt: { within: { from: '2024-11-01', to: '2024-11-15' } } },
      pred: (n) => within(statedAt(n), '2024-11-01', '2024-11-15'),
      discriminating: false,
    },
    {
      name: 'within November',
      label: 'Statement',
      where: { statedAt: { within: { from: '2024-11-01', to: '2024-11-30' } } },
      pred: (n) => within(statedAt(n), '2024-11-01', '2024-11-30'),
    },
    {
      name: 'within the week of 9 December: the "last week" claims and the DAY claims of that week',
      label: 'Statement',
      where: { statedAt: { within: { from: '2024-12-09', to: '2024-12-15' } } },
      pred: (n) => within(statedAt(n), '2024-12-09', '2024-12-15'),
    },
    {
      name: 'within 10–15 December: not the "last week" claims',
      label: 'Statement',
      where: { statedAt: { within: { from: '2024-12-10', to: '2024-12-15' } } },
      pred: (n) => within(statedAt(n), '2024-12-10', '2024-12-15'),
    },
    {
      name: 'onOrBefore 15 December: spans that end by then',
      label: 'Statement',
      where: { statedAt: { onOrBefore: '2024-12-15' } },
      pred: (n) => !!statedAt(n) && statedAt(n)!.end <= '2024-12-15',
    },
    {
      name: 'onOrBefore 14 December: not the week ending on the 15th',
      label: 'Statement',
      where: { statedAt: { onOrBefore: '2024-12-14' } },
      pred: (n) => !!statedAt(n) && statedAt(n)!.end <= '2024-12-14',
    },
    {
      name: 'onOrAfter 9 December: spans that start then or later',
      label: 'Statement',
      where: { statedAt: { onOrAfter: '2024-12-09' } },
      pred: (n) => !!statedAt(n) && statedAt(n)!.start >= '2024-12-09',
    },
    {
      name: 'onOrAfter 10 December: not the "last week" claims',
      label: 'Statement',
      where: { statedAt: { onOrAfter: '2024-12-10' } },
      pred: (n) => !!statedAt(n) && statedAt(n)!.start >= '2024-12-10',
    },
    {
      name: 'precision [MONTH]',
      label: 'Statement',
      where: { statedAt: { precision: ['MONTH'] } },
      pred: (n) => statedAt(n)?.precision === 'MONTH',
    },
    {
      name: 'precision [WEEK, MONTH] and overlaps, in one filter',
      label: 'Statement',
      where: { statedAt: { precision: ['WEEK', 'MONTH'], overlaps: { from: '2024-12-10', to: '2024-12-10' } } },
      pred: (n) => ['WEEK', 'MONTH'].includes(statedAt(n)?.precision ?? '') && overlaps(statedAt(n), '2024-12-10', '2024-12-10'),
    },
    {
      name: 'validFrom (optional): statements without one never match',
      label: 'Statement',
      where: { validFrom: { overlaps: { from: '2024-11-20', to: '2024-12-31' } } },
      pred: (n) => overlaps(span(n.properties, 'validFrom'), '2024-11-20', '2024-12-31'),
    },
    {
      name: 'validTo.onOrBefore',
      label: 'Statement',
      where: { validTo: { onOrBefore: '2024-12-31' } },
      pred: (n) => !!span(n.properties, 'validTo') && span(n.properties, 'validTo')!.end <= '2024-12-31',
    },
    {
      name: 'Source.publishedAt overlaps 14 December (the "last week" announcement and the December post)',
      label: 'Source',
      where: { publishedAt: { overlaps: { from: '2024-12-14', to: '2024-12-14' } } },
      pred: (n) => overlaps(span(n.properties, 'publishedAt'), '2024-12-14', '2024-12-14'),
    },
    {
      name: 'Source.publishedAt precision [DAY] and onOrAfter',
      label: 'Source',
      where: { publishedAt: { precision: ['DAY'], onOrAfter: '2024-12-12' } },
      pred: (n) => span(n.properties, 'publishedAt')?.precision === 'DAY' && span(n.properties, 'publishedAt')!.start >= '2024-12-12',
    },
  ]);

  it('the MONTH and WEEK claims answer as the SDL describes', async () => {
    expect(await listIds('Statement', { statedAt: { overlaps: { from: '2024-11-15', to: '2024-11-15' } } })).toEqual([NOVEMBER]);
    expect(await listIds('Statement', { statedAt: { within: { from: '2024-11-01', to: '2024-11-15' } } })).toEqual([]);
    expect(await listIds('Statement', { statedAt: { overlaps: { from: '2024-12-12', to: '2024-12-12' } } })).toContain(LAST_WEEK);
    expect(await listIds('Statement', { statedAt: { precision: ['WEEK'] }, id: { eq: LAST_WEEK } })).toEqual([LAST_WEEK]);
  });

  it('a literal date in the query works like a variable', async () => {
    const data = await h.data(`{ statements(where: {statedAt: {overlaps: {from: "2024-11-15", to: "2024-11-15"}, precision: [MONTH]}}) { edges { node { id } } } }`);
    expect(data.statements.edges.map((e: any) => e.node.id)).toEqual([NOVEMBER]);
  });
});

describe('AND, OR, NOT', () => {
  const control = (n: SampleNode) => n.properties.kind === 'CONTROL';
  const december16 = (n: SampleNode) => overlaps(span(n.properties, 'statedAt'), '2024-12-16', '2024-12-16');
  runCases([
    {
      name: 'AND',
      label: 'Statement',
      where: { AND: [{ kind: { eq: 'CONTROL' } }, { statedAt: { overlaps: { from: '2024-12-16', to: '2024-12-16' } } }] },
      pred: (n) => control(n) && december16(n),
    },
    {
      name: 'OR',
      label: 'Statement',
      where: { OR: [{ kind: { eq: 'CONTROL' } }, { statedAt: { precision: ['MONTH'] } }] },
      pred: (n) => control(n) || n.properties.statedAt.precision === 'MONTH',
    },
    {
      name: 'NOT',
      label: 'Statement',
      where: { NOT: { kind: { in: ['CONTROL', 'ATTACK'] } } },
      pred: (n) => !['CONTROL', 'ATTACK'].includes(n.properties.kind),
    },
    {
      name: 'NOT of an AND',
      label: 'Statement',
      where: { NOT: { AND: [{ kind: { eq: 'CONTROL' } }, { statedAt: { precision: ['DAY'] } }] } },
      pred: (n) => !(control(n) && n.properties.statedAt.precision === 'DAY'),
    },
    {
      name: 'OR inside AND with a sibling field',
      label: 'Place',
      where: { kind: { in: ['CITY', 'DISTRICT', 'STREET'] }, OR: [{ name: { startsWith: 'kharkiv' } }, { aliases: { someContains: 'yuvileina' } }] },
      pred: (n) =>
        ['CITY', 'DISTRICT', 'STREET'].includes(n.properties.kind) &&
        (lower(n.properties.name)!.startsWith('kharkiv') || n.properties.aliases.some((a: string) => a.toLowerCase().includes('yuvileina'))),
    },
    {
      name: 'AND of two filters on one field',
      label: 'Place',
      where: { AND: [{ name: { contains: 'kupyansk' } }, { name: { contains: 'street' } }] },
      pred: (n) => lower(n.properties.name)!.includes('kupyansk') && lower(n.properties.name)!.includes('street'),
    },
    {
      name: 'nested OR in NOT in OR',
      label: 'Actor',
      where: { OR: [{ side: { eq: 'NEUTRAL' } }, { NOT: { OR: [{ side: { eq: 'RU' } }, { side: { eq: 'UA' } }] } }] },
      pred: (n) => n.properties.side === 'NEUTRAL' || !['RU', 'UA'].includes(n.properties.side),
    },
    { name: 'an empty OR matches nothing', label: 'Place', where: { OR: [] }, pred: () => false, discriminating: false },
    { name: 'an empty AND matches everything', label: 'Place', where: { AND: [] }, pred: () => true, discriminating: false },
    { name: 'an empty where matches everything', label: 'Place', where: {}, pred: () => true, discriminating: false },
  ]);

  // A filter and its NOT split the nodes in two, including the nodes that lack the property: "no note
  // containing 'same'" holds for a statement with no note at all. The same goes for `every`, which is
  // "none fails": a statement with no note does not satisfy `note contains ...`.
  it('NOT is the complement of the filter, also for nodes without the property', async () => {
    const filter = { note: { contains: 'same' } };
    const kept = await listIds('Statement', filter);
    const dropped = await listIds('Statement', { NOT: filter });
    expect(kept).toEqual(idsWhere('Statement', (n) => !!lower(n.properties.note)?.includes('same')));
    expect(dropped).toEqual(idsWhere('Statement', (n) => !lower(n.properties.note)?.includes('same')));
    expect([...kept, ...dropped].sort(byId)).toEqual(sampleNodesOf('Statement').map((n) => n.id).sort(byId));
  });
});

describe('relationship filters', () => {
  const about = (id: string) => outEdges(id, 'ABOUT');
  const KHARKIV_PROVINCE = 'place:kharkiv-province';

  runCases([
    {
      name: 'about.some place within Kharkiv province (any depth, the province itself included)',
      label: 'Statement',
      where: { about: { some: { node: { place: { within: { placeId: KHARKIV_PROVINCE } } } } } },
      pred: (n) => about(n.id).some((e) => labelOf(e.to) === 'Place' && isWithin(e.to, KHARKIV_PROVINCE)),
    },
    {
      name: 'about.some place within Kupyansk, not Kupyansk itself',
      label: 'Statement',
      where: { about: { some: { node: { place: { within: { placeId: 'place:kupyansk', includeSelf: false } } } } } },
      pred: (n) => about(n.id).some((e) => labelOf(e.to) === 'Place' && isWithin(e.to, 'place:kupyansk', false)),
    },
    {
      name: 'about.none place (statements about no place)',
      label: 'Statement',
      where: { about: { none: { node: { place: {} } } } },
      pred: (n) => !about(n.id).some((e) => labelOf(e.to) === 'Place'),
    },
    {
      name: 'about.some unit of echelon GROUP',
      label: 'Statement',
      where: { about: { some: { node: { unit: { echelon: { eq: 'GROUP' } } } } } },
      pred: (n) => about(n.id).some((e) => labelOf(e.to) === 'Unit' && props(e.to).echelon === 'GROUP'),
    },
    {
      name: 'about.some with two union branches: a PERSON actor or an ARMY unit',
      label: 'Statement',
      where: { about: { some: { node: { actor: { kind: { eq: 'PERSON' } }, unit: { echelon: { eq: 'ARMY' } } } } } },
      pred: (n) =>
        about(n.id).some(
          (e) => (labelOf(e.to) === 'Actor' && props(e.to).kind === 'PERSON') || (labelOf(e.to) === 'Unit' && props(e.to).echelon === 'ARMY'),
        ),
    },
    {
      name: 'about.some with an edge property: a place in the OBJECT role',
      label: 'Statement',
      where: { about: { some: { role: { eq: 'OBJECT' }, node: { place: {} } } } },
      pred: (n) => about(n.id).some((e) => e.properties.role === 'OBJECT' && labelOf(e.to) === 'Place'),
    },
    {
      name: 'about.some role in [SUBJECT, OBJECT] about Russia (the actor)',
      label: 'Statement',
      where: { about: { some: { role: { in: ['SUBJECT', 'OBJECT'] }, node: { actor: { id: { eq: 'actor:russia' } } } } } },
      pred: (n) => about(n.id).some((e) => ['SUBJECT', 'OBJECT'].includes(e.properties.role) && e.to === 'actor:russia'),
    },
    {
      name: 'about.every edge is a LOCATION',
      label: 'Statement',
      where: { about: { every: { role: { eq: 'LOCATION' } } } },
      pred: (n) => about(n.id).every((e) => e.properties.role === 'LOCATION'),
      discriminating: false,
    },
    {
      name: 'no CONTRADICTS edge either way',
      label: 'Statement',
      where: { contradicts: { none: {} }, contradictedBy: { none: {} } },
      pred: (n) => outEdges(n.id, 'CONTRADICTS').length === 0 && inEdges(n.id, 'CONTRADICTS').length === 0,
    },
    {
      name: 'contradicts.some (it contradicts something)',
      label: 'Statement',
      where: { contradicts: { some: {} } },
      pred: (n) => outEdges(n.id, 'CONTRADICTS').length > 0,
    },
    {
      name: 'disputedBy.some with a note containing a word',
      label: 'Statement',
      where: { disputedBy: { some: { note: { contains: 'SAME SPEAKER' } } } },
      pred: (n) => inEdges(n.id, 'DISPUTES').some((e) => !!lower(e.properties.note)?.includes('same speaker')),
    },
    {
      name: 'supportedBy.some by an ASSESSMENT',
      label: 'Statement',
      where: { supportedBy: { some: { node: { kind: { eq: 'ASSESSMENT' } } } } },
      pred: (n) => inEdges(n.id, 'SUPPORTS').some((e) => statementKind(e.from) === 'ASSESSMENT'),
    },
    {
      name: 'sources every statement of which is a CONTROL claim (vacuously: sources with none)',
      label: 'Source',
      where: { statements: { every: { node: { kind: { eq: 'CONTROL' } } } } },
      pred: (n) => inEdges(n.id, 'REPORTED_IN').every((e) => statementKind(e.from) === 'CONTROL'),
      discriminating: false,
    },
    {
      name: 'sources every statement of which is a CONTROL or ATTACK claim',
      label: 'Source',
      where: { statements: { every: { node: { kind: { in: ['CONTROL', 'ATTACK'] } } } } },
      pred: (n) => inEdges(n.id, 'REPORTED_IN').every((e) => ['CONTROL', 'ATTACK'].includes(statementKind(e.from))),
    },
    {
      name: 'actors every statement of whom was stated on 16 December (vacuously: actors who said nothing)',
      label: 'Actor',
      where: { statements: { every: { node: { statedAt: { within: { from: '2024-12-16', to: '2024-12-16' } } } } } },
      pred: (n) => inEdges(n.id, 'MADE_BY').every((e) => within(span(props(e.from), 'statedAt'), '2024-12-16', '2024-12-16')),
    },
    {
      name: 'some and none together',
      label: 'Source',
      where: { statements: { some: { node: { kind: { eq: 'CONTROL' } } }, none: { node: { kind: { eq: 'ASSESSMENT' } } } } },
      pred: (n) =>
        inEdges(n.id, 'REPORTED_IN').some((e) => statementKind(e.from) === 'CONTROL') &&
        !inEdges(n.id, 'REPORTED_IN').some((e) => statementKind(e.from) === 'ASSESSMENT'),
    },
    {
      name: 'REPORTED_IN quote contains (ignoring case)',
      label: 'Statement',
      where: { sources: { some: { quote: { contains: 'FULL CONTROL' } } } },
      pred: (n) => outEdges(n.id, 'REPORTED_IN').some((e) => !!lower(e.properties.quote)?.includes('full control')),
    },
    {
      name: 'REPORTED_IN quote and the source together, on one edge',
      label: 'Statement',
      where: { sources: { some: { quote: { contains: 'kupyansk' }, node: { kind: { eq: 'PRESS_RELEASE' } } } } },
      pred: (n) =>
        outEdges(n.id, 'REPORTED_IN').some((e) => !!lower(e.properties.quote)?.includes('kupyansk') && props(e.to).kind === 'PRESS_RELEASE'),
    },
    {
      name: 'Source.cites.some, two hops: cites a source published by TASS',
      label: 'Source',
      where: { cites: { some: { node: { publisher: { name: { eq: 'TASS' } } } } } },
      pred: (n) => outEdges(n.id, 'CITES').some((e) => outEdges(e.to, 'PUBLISHED_BY').some((p) => props(p.to).name === 'TASS')),
    },
    {
      name: 'Place.children.some (places with a STREET child)',
      label: 'Place',
      where: { children: { some: { node: { kind: { eq: 'STREET' } } } } },
      pred: (n) => inEdges(n.id, 'PART_OF').some((e) => props(e.from).kind === 'STREET'),
    },
    {
      name: 'Place.statements.some LOCATION of a CONTROL claim',
      label: 'Place',
      where: { statements: { some: { role: { eq: 'LOCATION' }, node: { kind: { eq: 'CONTROL' } } } } },
      pred: (n) => inEdges(n.id, 'ABOUT').some((e) => e.properties.role === 'LOCATION' && statementKind(e.from) === 'CONTROL'),
    },
    {
      name: 'Actor.memberships.some with a role and a union far end',
      label: 'Actor',
      where: { memberships: { some: { role: { eq: 'press service' }, node: { unit: { side: { eq: 'UA' } } } } } },
      pred: (n) => outEdges(n.id, 'MEMBER_OF').some((e) => e.properties.role === 'press service' && labelOf(e.to) === 'Unit' && props(e.to).side === 'UA'),
    },
    {
      name: 'Unit.subUnits.some',
      label: 'Unit',
      where: { subUnits: { some: {} } },
      pred: (n) => inEdges(n.id, 'PART_OF').length > 0,
    },
  ]);

  it('every with a predicate a node may lack counts the lack as a failure', async () => {
    // Every statement of the source has a note mentioning "report": a statement with no note fails that.
    const expected = idsWhere('Source', (n) =>
      inEdges(n.id, 'REPORTED_IN').every((e) => !!lower(props(e.from).note)?.includes('report')),
    );
    expect(await listIds('Source', { statements: { every: { node: { note: { contains: 'report' } } } } })).toEqual(expected);
  });
});

describe("'one' relations take the target's Where", () => {
  runCases([
    {
      name: 'Statement.speaker.side',
      label: 'Statement',
      where: { speaker: { side: { eq: 'UA' } } },
      pred: (n) => outEdges(n.id, 'MADE_BY').some((e) => props(e.to).side === 'UA'),
    },
    {
      name: 'Statement.speaker.name startsWith, ignoring case',
      label: 'Statement',
      where: { speaker: { name: { startsWith: 'LEONID' } } },
      pred: (n) => outEdges(n.id, 'MADE_BY').some((e) => lower(props(e.to).name)!.startsWith('leonid')),
    },
    {
      name: 'Statement.onBehalfOf (a union) by its unit branch',
      label: 'Statement',
      where: { onBehalfOf: { unit: { name: { contains: 'national guard' } } } },
      pred: (n) => outEdges(n.id, 'ON_BEHALF_OF').some((e) => labelOf(e.to) === 'Unit' && lower(props(e.to).name)!.includes('national guard')),
    },
    {
      name: 'NOT speaker.side RU',
      label: 'Statement',
      where: { NOT: { speaker: { side: { eq: 'RU' } } } },
      pred: (n) => !outEdges(n.id, 'MADE_BY').some((e) => props(e.to).side === 'RU'),
    },
    {
      name: 'Place.parent.id (places directly in Kupyansk)',
      label: 'Place',
      where: { parent: { id: { eq: 'place:kupyansk' } } },
      pred: (n) => outEdges(n.id, 'PART_OF').some((e) => e.to === 'place:kupyansk'),
    },
    {
      name: 'Place.parent.parent, two hops up',
      label: 'Place',
      where: { parent: { parent: { kind: { eq: 'PROVINCE' } } } },
      pred: (n) => outEdges(n.id, 'PART_OF').some((e) => outEdges(e.to, 'PART_OF').some((g) => props(g.to).kind === 'PROVINCE')),
    },
    {
      name: 'Unit.belongsTo.name',
      label: 'Unit',
      where: { belongsTo: { name: { eq: 'Russia' } } },
      pred: (n) => outEdges(n.id, 'BELONGS_TO').some((e) => props(e.to).name === 'Russia'),
    },
    {
      name: 'Unit.within (any depth, includeSelf false)',
      label: 'Unit',
      where: { within: { unitId: 'unit:western-group-of-forces', includeSelf: false } },
      pred: (n) => isWithin(n.id, 'unit:western-group-of-forces', false),
    },
    {
      name: 'Unit.within (the default includes the formation itself)',
      label: 'Unit',
      where: { within: { unitId: 'unit:western-group-of-forces' } },
      pred: (n) => isWithin(n.id, 'unit:western-group-of-forces', true),
    },
    {
      name: 'Source.author.kind',
      label: 'Source',
      where: { author: { kind: { eq: 'PERSON' } } },
      pred: (n) => outEdges(n.id, 'AUTHORED_BY').some((e) => props(e.to).kind === 'PERSON'),
    },
  ]);
});

describe('nested connection where', () => {
  const kupyanskMentions = inEdges('place:kupyansk', 'ABOUT');
  /** Every role a statement has about Kupyansk, in SubjectRole's declared order. */
  const ROLE_ORDER = ['SUBJECT', 'OBJECT', 'LOCATION'];
  const rolesAboutKupyansk = (id: string) =>
    kupyanskMentions
      .filter((e) => e.from === id)
      .map((e) => e.properties.role as string)
      .sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));

  it('place.statements(where: {role: LOCATION, node: {kind: CONTROL}}) filters the statements and the totalCount', async () => {
    const data = await h.data(`{
      place(id: "place:kupyansk") {
        all: statements(first: 100) { totalCount }
        statements(first: 100, where: {role: {eq: LOCATION}, node: {kind: {eq: CONTROL}}}) { totalCount edges { roles node { id kind } } }
      }
    }`);
    const expected = kupyanskMentions
      .filter((e) => e.properties.role === 'LOCATION' && statementKind(e.from) === 'CONTROL')
      .map((e) => e.from)
      .sort(byId);
    expect(expected.length).toBeGreaterThan(0);
    const connection = data.place.statements;
    expect(connection.totalCount).toBe(expected.length);
    expect(connection.edges.map((e: any) => e.node.id)).toEqual(expected);
    // Each statement once, with every role it has about Kupyansk (the filter picks statements, not roles).
    for (const edge of connection.edges) {
      expect(edge).toMatchObject({ roles: rolesAboutKupyansk(edge.node.id), node: { kind: 'CONTROL' } });
      expect(edge.roles).toContain('LOCATION');
    }
    expect(connection.edges.some((e: any) => e.roles.length > 1)).toBe(true);
    expect(data.place.all.totalCount).toBe(new Set(kupyanskMentions.map((e) => e.from)).size);
    expect(connection.totalCount).toBeLessThan(data.place.all.totalCount);
  });

  it('totalCount counts the whole filtered set while first limits the page', async () => {
    const data = await h.data(`{
      place(id: "place:kupyansk") {
        statements(first: 2, where: {role: {in: [SUBJECT, OBJECT]}}) { totalCount pageInfo { hasNextPage } edges { roles node { id } } }
      }
    }`);
    const expected = [...new Set(kupyanskMentions.filter((e) => ['SUBJECT', 'OBJECT'].includes(e.properties.role)).map((e) => e.from))]
      .sort(byId)
      .map((id) => ({ id, roles: rolesAboutKupyansk(id) }));
    expect(expected.length).toBeGreaterThan(2);
    const connection = data.place.statements;
    expect(connection.totalCount).toBe(expected.length);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(connection.edges.map((e: any) => ({ id: e.node.id, roles: e.roles }))).toEqual(expected.slice(0, 2));
  });

  it('statement.about(where: {node: {place: {}}}) keeps only places, and statement.sources filters on the quote', async () => {
    const id = 'statement:wgf-full-control-2024-12-16';
    const data = await h.data(
      `query ($id: ID!) {
        statement(id: $id) {
          about(where: {node: {place: {}}}) { totalCount edges { roles node { __typename ... on Place { id } } } }
          sources(where: {quote: {contains: "KUPYANSK"}}) { totalCount edges { quote node { id } } }
          quoted: sources(where: {charStart: {gte: 0}}) { totalCount edges { node { id } } }
        }
      }`,
      { id },
    );
    // About Kupyansk as OBJECT and LOCATION: one place, two ABOUT edges, one edge of the list.
    const placeEdges = outEdges(id, 'ABOUT').filter((e) => labelOf(e.to) === 'Place');
    const places = [...new Set(placeEdges.map((e) => e.to))].sort(byId);
    expect(places.length).toBeLessThan(placeEdges.length);
    expect(data.statement.about.totalCount).toBe(places.length);
    expect(data.statement.about.edges.map((e: any) => e.node)).toEqual(places.map((p) => ({ __typename: 'Place', id: p })));
    expect(data.statement.about.edges.find((e: any) => e.node.id === 'place:kupyansk').roles).toEqual(['OBJECT', 'LOCATION']);
    const quoted = outEdges(id, 'REPORTED_IN').filter((e) => !!lower(e.properties.quote)?.includes('kupyansk'));
    expect(data.statement.sources.totalCount).toBe(quoted.length);
    expect(data.statement.sources.edges.map((e: any) => e.node.id)).toEqual(quoted.map((e) => e.to).sort(byId));
    const offsets = outEdges(id, 'REPORTED_IN').filter((e) => typeof e.properties.charStart === 'number');
    expect(data.statement.quoted.edges.map((e: any) => e.node.id)).toEqual(offsets.map((e) => e.to).sort(byId));
  });

  it('a nested where inside a root list filter applies per parent', async () => {
    const data = await h.data(`{
      statements(first: 100, where: {kind: {eq: CONTROL}}) {
        edges { node { id about(first: 100, where: {role: {eq: OBJECT}}) { totalCount edges { node { ... on Place { id } ... on Unit { id } ... on Actor { id } } } } } }
      }
    }`);
    const expected = sampleNodesOf('Statement')
      .filter((n) => n.properties.kind === 'CONTROL')
      .map((n) => n.id)
      .sort(byId);
    expect(data.statements.edges.map((e: any) => e.node.id)).toEqual(expected);
    for (const edge of data.statements.edges) {
      const objects = outEdges(edge.node.id, 'ABOUT').filter((e) => e.properties.role === 'OBJECT');
      expect(edge.node.about.totalCount, edge.node.id).toBe(objects.length);
      expect(edge.node.about.edges.map((e: any) => e.node.id), edge.node.id).toEqual(objects.map((e) => e.to).sort(byId));
    }
  });
});

describe('round trips and the plan cache', () => {
  const NESTED = `query ($province: ID!) {
    places(first: 3, where: {within: {placeId: $province, includeSelf: false}}, orderBy: [{field: NAME, direction: DESC}]) {
      totalCount
      edges { node {
        id name
        statements(first: 3, where: {role: {eq: LOCATION}}, orderBy: [{field: STATED_AT, direction: DESC}]) {
          totalCount
          edges { role node {
            id
            speaker { name }
            sources(first: 2, where: {node: {kind: {in: [ARTICLE, AGENCY_REPORT, PRESS_RELEASE]}}}, orderBy: [{field: TITLE}]) {
              totalCount
              edges { quote node {
                id
                cites(first: 2, where: {node: {language: {eq: "ru"}}}, orderBy: [{field: KIND, direction: DESC}]) {
                  totalCount
                  edges { node { id publisher { name } } }
                }
              } }
            }
          } }
        }
      } }
    }
  }`;

  /** The first places, statements, sources and cites the nested query should return, from the JSON. */
  function expectedNested() {
    const province = 'place:kharkiv-province';
    const places = sampleNodesOf('Place')
      .filter((n) => isWithin(n.id, province, false))
      .sort((a, b) => -byId(a.properties.name, b.properties.name) || -byId(a.id, b.id));
    return {
      totalCount: places.length,
      places: places.slice(0, 3).map((p) => {
        const mentions = inEdges(p.id, 'ABOUT')
          .filter((e) => e.properties.role === 'LOCATION')
          .map((e) => ({ id: e.from, s: props(e.from).statedAt }))
          .sort((a, b) => -byId(a.s.start, b.s.start) || -byId(a.s.end, b.s.end) || -byId(a.id, b.id));
        return {
          id: p.id,
          statementsTotal: mentions.length,
          statements: mentions.slice(0, 3).map((m) => {
            const sources = outEdges(m.id, 'REPORTED_IN')
              .filter((e) => ['ARTICLE', 'AGENCY_REPORT', 'PRESS_RELEASE'].includes(props(e.to).kind))
              .sort((a, b) => byId(props(a.to).title, props(b.to).title) || byId(a.to, b.to));
            return {
              id: m.id,
              sourcesTotal: sources.length,
              sources: sources.slice(0, 2).map((s) => {
                const cites = outEdges(s.to, 'CITES')
                  .filter((e) => props(e.to).language === 'ru')
                  .sort((a, b) => -byId(props(a.to).kind, props(b.to).kind) || -byId(a.to, b.to));
                return { id: s.to, citesTotal: cites.length, cites: cites.slice(0, 2).map((c) => c.to) };
              }),
            };
          }),
        };
      }),
    };
  }

  const shape = (data: any) => ({
    totalCount: data.places.totalCount,
    places: data.places.edges.map(({ node: p }: any) => ({
      id: p.id,
      statementsTotal: p.statements.totalCount,
      statements: p.statements.edges.map(({ node: s }: any) => ({
        id: s.id,
        sourcesTotal: s.sources.totalCount,
        sources: s.sources.edges.map(({ node: src }: any) => ({
          id: src.id,
          citesTotal: src.cites.totalCount,
          cites: src.cites.edges.map((c: any) => c.node.id),
        })),
      })),
    })),
  });

  it('a 4-level nested query whose connections each have where, orderBy and first costs one query, and answers right', async () => {
    const queries: string[] = [];
    const off = h.db.onQuery((cypher) => queries.push(cypher));
    let data: any;
    try {
      data = await h.data(NESTED, { province: 'place:kharkiv-province' });
    } finally {
      off();
    }
    expect(queries).toHaveLength(1);
    const expected = expectedNested();
    // The JSON gives the query something to find at every level.
    expect(expected.places.some((p) => p.statements.some((s) => s.sources.some((src) => src.cites.length > 0)))).toBe(true);
    expect(shape(data)).toEqual(expected);
  });

  it('an identical repeated request hits the plan cache, costs one query and answers the same', async () => {
    const vars = { province: 'place:kharkiv-province' };
    const first = await h.data(NESTED, vars);
    const before = { ...planCacheStats };
    const queries: string[] = [];
    const off = h.db.onQuery((cypher) => queries.push(cypher));
    let second: any;
    try {
      second = await h.data(NESTED, vars);
    } finally {
      off();
    }
    expect(planCacheStats.hits).toBe(before.hits + 1);
    expect(planCacheStats.misses).toBe(before.misses);
    expect(queries).toHaveLength(1);
    expect(second).toEqual(first);
  });

  it('the same text with other variable values misses the cache and answers for its own values', async () => {
    const query = `query ($kind: StatementKind!) { statements(first: 100, where: {kind: {eq: $kind}}) { edges { node { id } } } }`;
    const control = await h.data(query, { kind: 'CONTROL' });
    const before = { ...planCacheStats };
    const attack = await h.data(query, { kind: 'ATTACK' });
    expect(planCacheStats.misses).toBe(before.misses + 1);
    const again = await h.data(query, { kind: 'CONTROL' });
    expect(planCacheStats.hits).toBe(before.hits + 1);
    const idsOf = (d: any) => d.statements.edges.map((e: any) => e.node.id);
    expect(idsOf(control)).toEqual(idsWhere('Statement', (n) => n.properties.kind === 'CONTROL'));
    expect(idsOf(attack)).toEqual(idsWhere('Statement', (n) => n.properties.kind === 'ATTACK'));
    expect(again).toEqual(control);
  });
});
