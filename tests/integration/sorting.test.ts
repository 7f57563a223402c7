import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../src/ids.js';
import { countQueries, createHarness, type Harness } from '../harness.js';
import { byId, ROOT_FIELDS, sample, sampleNode, sampleNodesOf, type SampleNode } from '../sample.js';

/**
 * orderBy on every list: the order must be the one computed here from the sample JSON (missing values
 * last in both directions, ties broken by id in the direction of the last key asked for), and keyset
 * paging through any order must give the same sequence as one big page.
 *
 * The sample has no credibility, no reliability and one createdAt for every node (the import's), so the
 * test gives a few nodes such values itself, to make those orders mean something.
 */

let h: Harness;

const CREDIBILITY: Record<string, number> = {
  'statement:wgf-full-control-2024-12-16': 3,
  'statement:ngc2-recaptured-northern-districts-2024-w50': 2,
  'statement:amk-mapping-ukraine-repelled-2024-12': 3,
  'statement:ru-kupyansk-captured-2024-11': 5,
  'statement:zelensky-at-kupyansk-entrance-2024-12-12': 1,
};
const RELIABILITY: Record<string, string> = {
  'source:report-kupyansk': 'B',
  'source:afp-report-kupyansk-2024-12': 'A',
  'source:tass-report-kupyansk-2024-12': 'C',
  'source:ria-novosti-report-kupyansk-2024-12': 'C',
  'source:ryv-map-kupyansk': 'F',
};
/** Moved back in time; every other actor keeps the import's createdAt, which is later. */
const CREATED_AT: Record<string, string> = {
  'actor:tass': '2020-01-03T00:00:00.000Z',
  'actor:afp': '2020-01-01T00:00:00.000Z',
  'actor:ryv': '2020-01-02T00:00:00.000Z',
  'actor:ukraine': '2020-01-02T00:00:00.000Z',
};

beforeAll(async () => {
  h = await createHarness();
  await h.db.write(`UNWIND $rows AS row MATCH (s:Statement {id: row.id}) SET s.credibility = row.value`, {
    rows: Object.entries(CREDIBILITY).map(([id, value]) => ({ id, value })),
  });
  await h.db.write(`UNWIND $rows AS row MATCH (s:Source {id: row.id}) SET s.reliability = row.value`, {
    rows: Object.entries(RELIABILITY).map(([id, value]) => ({ id, value })),
  });
  await h.db.write(`UNWIND $rows AS row MATCH (a:Actor {id: row.id}) SET a.createdAt = datetime(row.value)`, {
    rows: Object.entries(CREATED_AT).map(([id, value]) => ({ id, value })),
  });
});
afterAll(() => h.close());

// ---------------------------------------------------------------------------------------------------
// Expected orders, from the JSON

type Value = string | number | null;
type Direction = 'ASC' | 'DESC';
interface Order {
  field: string;
  direction?: Direction;
}

/** After every real createdAt string: the import's time, the same for every node it wrote. */
const IMPORT_TIME = '~import';

const partialDate = (name: string) => [
  (n: SampleNode): Value => n.properties[name]?.start ?? null,
  (n: SampleNode): Value => n.properties[name]?.end ?? null,
];
const prop = (name: string) => [(n: SampleNode): Value => n.properties[name] ?? null];

/** What each order field sorts by: one value, or two for partial dates (start, then end). */
const SORT_VALUES: Record<Label, Record<string, Array<(n: SampleNode) => Value>>> = {
  Actor: {
    CREATED_AT: [(n) => CREATED_AT[n.id] ?? IMPORT_TIME],
    UPDATED_AT: [() => IMPORT_TIME],
    KIND: prop('kind'),
    NAME: prop('name'),
    SIDE: prop('side'),
  },
  Unit: {
    CREATED_AT: [() => IMPORT_TIME],
    UPDATED_AT: [() => IMPORT_TIME],
    NAME: prop('name'),
    ECHELON: prop('echelon'),
    SIDE: prop('side'),
  },
  Place: {
    CREATED_AT: [() => IMPORT_TIME],
    UPDATED_AT: [() => IMPORT_TIME],
    KIND: prop('kind'),
    NAME: prop('name'),
    AREA_KM2: prop('areaKm2'),
  },
  Statement: {
    CREATED_AT: [() => IMPORT_TIME],
    UPDATED_AT: [() => IMPORT_TIME],
    KIND: prop('kind'),
    STATED_AT: partialDate('statedAt'),
    VALID_FROM: partialDate('validFrom'),
    CREDIBILITY: [(n) => CREDIBILITY[n.id] ?? null],
  },
  Source: {
    CREATED_AT: [() => IMPORT_TIME],
    UPDATED_AT: [() => IMPORT_TIME],
    KIND: prop('kind'),
    TITLE: prop('title'),
    PUBLISHED_AT: partialDate('publishedAt'),
    LANGUAGE: prop('language'),
    RELIABILITY: [(n) => RELIABILITY[n.id] ?? null],
  },
};

/** Missing values are the smallest; strings compare by code unit, as Cypher does for these ASCII values. */
function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/**
 * A comparator for `orderBy` on nodes of `label`: the orders asked for up to ID, then id (in the direction
 * of the last order asked for, unless ID says). A missing value comes after every value, in both directions.
 */
function comparatorOf(label: Label, orderBy: Order[]) {
  const keys: Array<{ value: (n: SampleNode) => Value; direction: Direction }> = [];
  let idDirection: Direction = 'ASC';
  for (const order of orderBy) {
    const direction = order.direction ?? 'ASC';
    idDirection = direction;
    if (order.field === 'ID') break;
    for (const value of SORT_VALUES[label][order.field]) keys.push({ value, direction });
  }
  keys.push({ value: (n) => n.id, direction: idDirection });
  return (a: SampleNode, b: SampleNode) => {
    for (const key of keys) {
      const [x, y] = [key.value(a), key.value(b)];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = compareValues(x, y);
      return key.direction === 'DESC' ? -c : c;
    }
    return 0;
  };
}

const expectedOrder = (label: Label, orderBy: Order[], filter: (n: SampleNode) => boolean = () => true) =>
  sampleNodesOf(label)
    .filter(filter)
    .sort(comparatorOf(label, orderBy))
    .map((n) => n.id);

// ---------------------------------------------------------------------------------------------------
// The API

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ cursor: string; node: { id: string } }>;
}

const listQuery = (label: Label) => `query ($first: Int, $after: String, $orderBy: [${label}Order!], $where: ${label}Where) {
  ${ROOT_FIELDS[label].list}(first: $first, after: $after, orderBy: $orderBy, where: $where) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}`;

async function page(label: Label, vars: { first: number; after?: string | null; orderBy?: Order[]; where?: unknown }): Promise<Page> {
  const data = await h.data(listQuery(label), vars);
  return data[ROOT_FIELDS[label].list];
}

const idsOf = (p: Page) => p.edges.map((e) => e.node.id);

async function walk(label: Label, orderBy: Order[], size: number, where?: unknown): Promise<Page['edges']> {
  const walked: Page['edges'] = [];
  let after: string | null = null;
  for (let i = 0; i <= 100; i++) {
    const p: Page = await page(label, { first: size, after, orderBy, where });
    expect(p.edges.length).toBeLessThanOrEqual(size);
    expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
    if (p.edges.length) {
      expect(p.pageInfo.startCursor).toBe(p.edges[0].cursor);
      expect(p.pageInfo.endCursor).toBe(p.edges[p.edges.length - 1].cursor);
    }
    walked.push(...p.edges);
    if (!p.pageInfo.hasNextPage) return walked;
    expect(p.edges.length).toBe(size);
    after = p.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

async function expectBadAfter(query: string, variables: Record<string, unknown>, field: string) {
  const { result, queries } = await countQueries(h.db, () => h.run(query, variables));
  expect(result.errors, 'errors').toHaveLength(1);
  const [error] = result.errors!;
  expect(error.extensions?.code, error.message).toBe('BAD_USER_INPUT');
  expect(error.extensions?.argument).toBe('after');
  expect(error.extensions?.field).toBe(field);
  expect(queries, 'the cursor is refused before the database is asked').toHaveLength(0);
}

// ---------------------------------------------------------------------------------------------------

describe('the patched values are there', () => {
  it('credibility, reliability and createdAt read back as set', async () => {
    const data = await h.data(`{
      statement(id: "statement:ru-kupyansk-captured-2024-11") { credibility }
      source(id: "source:afp-report-kupyansk-2024-12") { reliability }
      actor(id: "actor:afp") { createdAt }
    }`);
    expect(data.statement.credibility).toBe(5);
    expect(data.source.reliability).toBe('A');
    expect(new Date(data.actor.createdAt).toISOString()).toBe(CREATED_AT['actor:afp']);
  });
});

describe('orderBy each field, ASC and DESC, ties broken by id', () => {
  const cases = (Object.keys(SORT_VALUES) as Label[]).flatMap((label) =>
    ['ID', ...Object.keys(SORT_VALUES[label])].flatMap((field) =>
      (['ASC', 'DESC'] as const).map((direction) => [`${ROOT_FIELDS[label].list} ${field} ${direction}`, label, field, direction] as const),
    ),
  );

  it.each(cases)('%s', async (_name, label, field, direction) => {
    const orderBy = [{ field, direction }];
    const p = await page(label, { first: 100, orderBy });
    expect(p.totalCount).toBe(sampleNodesOf(label).length);
    expect(idsOf(p)).toEqual(expectedOrder(label, orderBy));
  });

  it('the default direction is ASC', async () => {
    expect(idsOf(await page('Place', { first: 100, orderBy: [{ field: 'NAME' }] }))).toEqual(expectedOrder('Place', [{ field: 'NAME', direction: 'ASC' }]));
  });

  it('without orderBy the order is by id', async () => {
    expect(idsOf(await page('Source', { first: 100 }))).toEqual(sampleNodesOf('Source').map((n) => n.id).sort(byId));
  });
});

describe('missing values sort last in both directions', () => {
  it('Source.language: the sources without a language', async () => {
    const missing = sampleNodesOf('Source')
      .filter((n) => n.properties.language === undefined)
      .map((n) => n.id)
      .sort(byId);
    expect(missing.length).toBeGreaterThan(0);
    const asc = idsOf(await page('Source', { first: 100, orderBy: [{ field: 'LANGUAGE', direction: 'ASC' }] }));
    const desc = idsOf(await page('Source', { first: 100, orderBy: [{ field: 'LANGUAGE', direction: 'DESC' }] }));
    expect(asc.slice(-missing.length)).toEqual(missing);
    // Ties (here: no language) are broken by id in the order's direction.
    expect(desc.slice(-missing.length)).toEqual([...missing].reverse());
  });

  it('Statement.validFrom: only two statements have one, and they come first in both directions', async () => {
    const dated = sampleNodesOf('Statement').filter((n) => n.properties.validFrom);
    expect(dated.length).toBeGreaterThan(0);
    const asc = idsOf(await page('Statement', { first: 100, orderBy: [{ field: 'VALID_FROM' }] }));
    expect(new Set(asc.slice(0, dated.length))).toEqual(new Set(dated.map((n) => n.id)));
    const desc = idsOf(await page('Statement', { first: 100, orderBy: [{ field: 'VALID_FROM', direction: 'DESC' }] }));
    expect(new Set(desc.slice(0, dated.length))).toEqual(new Set(dated.map((n) => n.id)));
  });

  it('Place.areaKm2: Kupyansk, the only place with an area, is first in both directions', async () => {
    const asc = idsOf(await page('Place', { first: 100, orderBy: [{ field: 'AREA_KM2' }] }));
    const desc = idsOf(await page('Place', { first: 100, orderBy: [{ field: 'AREA_KM2', direction: 'DESC' }] }));
    expect(asc[0]).toBe('place:kupyansk');
    expect(desc[0]).toBe('place:kupyansk');
  });
});

describe('multi-key orders', () => {
  const CASES: Array<[Label, Order[]]> = [
    ['Statement', [{ field: 'KIND', direction: 'ASC' }, { field: 'STATED_AT', direction: 'DESC' }]],
    ['Statement', [{ field: 'STATED_AT', direction: 'ASC' }, { field: 'KIND', direction: 'DESC' }]],
    ['Statement', [{ field: 'CREDIBILITY', direction: 'DESC' }, { field: 'STATED_AT', direction: 'ASC' }]],
    ['Statement', [{ field: 'KIND' }, { field: 'ID', direction: 'DESC' }]],
    ['Statement', [{ field: 'KIND' }, { field: 'ID', direction: 'DESC' }, { field: 'STATED_AT' }]],
    ['Source', [{ field: 'PUBLISHED_AT', direction: 'DESC' }, { field: 'LANGUAGE', direction: 'ASC' }]],
    ['Source', [{ field: 'RELIABILITY', direction: 'ASC' }, { field: 'KIND', direction: 'DESC' }, { field: 'TITLE' }]],
    ['Place', [{ field: 'KIND', direction: 'DESC' }, { field: 'NAME', direction: 'ASC' }]],
    ['Actor', [{ field: 'SIDE', direction: 'ASC' }, { field: 'KIND', direction: 'DESC' }, { field: 'NAME' }]],
    ['Actor', [{ field: 'CREATED_AT', direction: 'DESC' }, { field: 'SIDE' }]],
    ['Unit', [{ field: 'SIDE', direction: 'DESC' }, { field: 'ECHELON', direction: 'ASC' }]],
  ];

  it.each(CASES.map(([label, orderBy]) => [`${label} ${orderBy.map((o) => `${o.field} ${o.direction ?? ''}`).join(', ')}`, label, orderBy] as const))(
    '%s',
    async (_name, label, orderBy) => {
      expect(idsOf(await page(label, { first: 100, orderBy }))).toEqual(expectedOrder(label, orderBy));
    },
  );

  it('a second key really changes the order (the expectation is not the first key alone)', () => {
    const one = expectedOrder('Statement', [{ field: 'KIND' }]);
    const two = expectedOrder('Statement', [{ field: 'KIND' }, { field: 'STATED_AT', direction: 'DESC' }]);
    expect(two).not.toEqual(one);
  });

  it('with a filter', async () => {
    const orderBy: Order[] = [{ field: 'STATED_AT', direction: 'DESC' }];
    const where = { kind: { in: ['CONTROL', 'ASSESSMENT'] } };
    expect(idsOf(await page('Statement', { first: 100, orderBy, where }))).toEqual(
      expectedOrder('Statement', orderBy, (n) => ['CONTROL', 'ASSESSMENT'].includes(n.properties.kind)),
    );
  });
});

describe('keyset paging through sorted lists', () => {
  const ORDERS: Array<[Label, Order[]]> = [
    ['Statement', [{ field: 'STATED_AT', direction: 'DESC' }]],
    ['Statement', [{ field: 'KIND', direction: 'ASC' }, { field: 'STATED_AT', direction: 'DESC' }]],
    ['Statement', [{ field: 'VALID_FROM', direction: 'ASC' }]],
    ['Statement', [{ field: 'CREDIBILITY', direction: 'ASC' }]],
    ['Statement', [{ field: 'CREATED_AT', direction: 'DESC' }]],
    ['Statement', [{ field: 'ID', direction: 'DESC' }]],
    ['Source', [{ field: 'LANGUAGE', direction: 'DESC' }, { field: 'PUBLISHED_AT', direction: 'ASC' }]],
    ['Source', [{ field: 'RELIABILITY', direction: 'DESC' }]],
    ['Place', [{ field: 'AREA_KM2', direction: 'ASC' }]],
    ['Place', [{ field: 'KIND', direction: 'DESC' }, { field: 'NAME' }]],
    ['Actor', [{ field: 'CREATED_AT', direction: 'ASC' }]],
    ['Actor', [{ field: 'SIDE', direction: 'DESC' }]],
    ['Unit', [{ field: 'ECHELON', direction: 'DESC' }]],
  ];

  it.each(ORDERS.map(([label, orderBy]) => [`${label} ${orderBy.map((o) => `${o.field} ${o.direction ?? ''}`).join(', ')}`, label, orderBy] as const))(
    'first: 2 walks the same sequence as one big page: %s',
    async (_name, label, orderBy) => {
      const all = await page(label, { first: 100, orderBy });
      expect(idsOf(all)).toEqual(expectedOrder(label, orderBy));
      const walked = await walk(label, orderBy, 2);
      expect(walked.map((e) => e.node.id)).toEqual(idsOf(all));
      // Cursors do not depend on the page size they came with.
      expect(walked.map((e) => e.cursor)).toEqual(all.edges.map((e) => e.cursor));
    },
  );

  it('a filtered list walks the same as its big page', async () => {
    const orderBy: Order[] = [{ field: 'PUBLISHED_AT', direction: 'DESC' }];
    const where = { kind: { in: ['AGENCY_REPORT', 'VIDEO', 'ARTICLE', 'MAP'] } };
    const walked = await walk('Source', orderBy, 2, where);
    expect(walked.map((e) => e.node.id)).toEqual(
      expectedOrder('Source', orderBy, (n) => ['AGENCY_REPORT', 'VIDEO', 'ARTICLE', 'MAP'].includes(n.properties.kind)),
    );
  });

  it('a page taken directly after the cursor of item k (far into the list) equals walking there page by page', async () => {
    const orderBy: Order[] = [{ field: 'KIND', direction: 'ASC' }, { field: 'STATED_AT', direction: 'DESC' }];
    const all = await page('Statement', { first: 100, orderBy });
    const k = 13;
    expect(all.edges.length).toBeGreaterThan(k + 3);
    const walked = await walk('Statement', orderBy, 2);
    expect(walked[k].cursor).toBe(all.edges[k].cursor);
    const direct = await page('Statement', { first: 3, after: all.edges[k].cursor, orderBy });
    expect(idsOf(direct)).toEqual(idsOf(all).slice(k + 1, k + 4));
    expect(direct.pageInfo.hasPreviousPage).toBe(true);
    expect(direct.pageInfo.hasNextPage).toBe(all.edges.length > k + 4);
    // …and after the last item there is nothing.
    const end = await page('Statement', { first: 3, after: all.edges.at(-1)!.cursor, orderBy });
    expect(end.edges).toEqual([]);
    expect(end.pageInfo.hasNextPage).toBe(false);
  });

  it('first: 0 gives no edges but says whether there is a page', async () => {
    const p = await page('Statement', { first: 0, orderBy: [{ field: 'STATED_AT' }] });
    expect(p.edges).toEqual([]);
    expect(p.pageInfo.hasNextPage).toBe(true);
    expect(p.totalCount).toBe(sampleNodesOf('Statement').length);
  });
});

describe('a cursor belongs to its order', () => {
  let nameAsc: string;
  let byDefault: string;
  beforeAll(async () => {
    nameAsc = (await page('Place', { first: 3, orderBy: [{ field: 'NAME', direction: 'ASC' }] })).pageInfo.endCursor!;
    byDefault = (await page('Place', { first: 3 })).pageInfo.endCursor!;
  });
  const PLACES = `query ($after: String, $orderBy: [PlaceOrder!]) { places(first: 2, after: $after, orderBy: $orderBy) { edges { node { id } } } }`;

  it('(control) the cursor works with the order it came from', async () => {
    const data = await h.data(PLACES, { after: nameAsc, orderBy: [{ field: 'NAME', direction: 'ASC' }] });
    expect(data.places.edges.map((e: any) => e.node.id)).toEqual(expectedOrder('Place', [{ field: 'NAME' }]).slice(3, 5));
  });

  it('NAME ASC cursor with NAME DESC', async () => {
    await expectBadAfter(PLACES, { after: nameAsc, orderBy: [{ field: 'NAME', direction: 'DESC' }] }, 'Query.places');
  });

  it('NAME ASC cursor with KIND ASC (same number of keys)', async () => {
    await expectBadAfter(PLACES, { after: nameAsc, orderBy: [{ field: 'KIND', direction: 'ASC' }] }, 'Query.places');
  });

  it('NAME ASC cursor without orderBy, and a default cursor with NAME ASC', async () => {
    await expectBadAfter(PLACES, { after: nameAsc }, 'Query.places');
    await expectBadAfter(PLACES, { after: byDefault, orderBy: [{ field: 'NAME' }] }, 'Query.places');
  });

  it('NAME ASC cursor with NAME ASC, KIND ASC', async () => {
    await expectBadAfter(PLACES, { after: nameAsc, orderBy: [{ field: 'NAME' }, { field: 'KIND' }] }, 'Query.places');
  });

  it('a cursor of a nested connection with another orderBy', async () => {
    const NESTED = `query ($after: String, $orderBy: [StatementOrder!]) {
      place(id: "place:kupyansk") { statements(first: 2, after: $after, orderBy: $orderBy) { pageInfo { endCursor } edges { node { id } } } }
    }`;
    const first = await h.data(NESTED, { orderBy: [{ field: 'STATED_AT', direction: 'DESC' }] });
    const cursor = first.place.statements.pageInfo.endCursor;
    await expectBadAfter(NESTED, { after: cursor, orderBy: [{ field: 'STATED_AT', direction: 'ASC' }] }, 'Place.statements');
    await expectBadAfter(NESTED, { after: cursor, orderBy: [{ field: 'KIND', direction: 'DESC' }] }, 'Place.statements');
  });
});

describe('nested connections sort too', () => {
  /** The statements about a place, each once with its roles in SubjectRole's declared order. */
  const ROLE_ORDER = ['SUBJECT', 'OBJECT', 'LOCATION'];
  const mentionsOf = (placeId: string) => {
    const edges = sample.edges.filter((e) => e.type === 'ABOUT' && e.to === placeId);
    return [...new Set(edges.map((e) => e.from))].map((id) => ({
      id,
      roles: edges
        .filter((e) => e.from === id)
        .map((e) => e.properties.role as string)
        .sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b)),
    }));
  };

  it('place.statements orderBy STATED_AT DESC, then statement id, descending too; each statement once', async () => {
    const data = await h.data(`{
      place(id: "place:kupyansk") { statements(first: 100, orderBy: [{field: STATED_AT, direction: DESC}]) { edges { roles node { id } } } }
    }`);
    const statedAt = (id: string) => sampleNode(id).properties.statedAt;
    const expected = mentionsOf('place:kupyansk').sort(
      (a, b) => -byId(statedAt(a.id).start, statedAt(b.id).start) || -byId(statedAt(a.id).end, statedAt(b.id).end) || -byId(a.id, b.id),
    );
    expect(expected.some((m) => m.roles.length > 1)).toBe(true);
    expect(data.place.statements.edges.map((e: any) => ({ id: e.node.id, roles: e.roles }))).toEqual(expected);
  });

  it('place.statements orderBy CREDIBILITY DESC, KIND ASC walks with first: 2 like its big page', async () => {
    const Q = `query ($after: String, $first: Int) {
      place(id: "place:kupyansk") { statements(first: $first, after: $after, orderBy: [{field: CREDIBILITY, direction: DESC}, {field: KIND}]) {
        pageInfo { hasNextPage endCursor } edges { roles node { id } }
      } }
    }`;
    const kind = (id: string) => sampleNode(id).properties.kind as string;
    const credibility = (id: string) => CREDIBILITY[id] ?? null;
    const expected = mentionsOf('place:kupyansk').sort(
      (a, b) => -compareValues(credibility(a.id), credibility(b.id)) || byId(kind(a.id), kind(b.id)) || byId(a.id, b.id),
    );
    const all = await h.data(Q, { first: 100 });
    const items = (d: any) => d.place.statements.edges.map((e: any) => ({ id: e.node.id, roles: e.roles }));
    expect(items(all)).toEqual(expected);
    const walked: unknown[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const d: any = await h.data(Q, { first: 2, after });
      walked.push(...items(d));
      if (!d.place.statements.pageInfo.hasNextPage) break;
      after = d.place.statements.pageInfo.endCursor;
    }
    expect(walked).toEqual(expected);
  });

  it('statement.sources orderBy PUBLISHED_AT DESC, and source.statements orderBy KIND', async () => {
    const data = await h.data(`{
      statement(id: "statement:wgf-full-control-2024-12-16") { sources(orderBy: [{field: PUBLISHED_AT, direction: DESC}]) { edges { node { id } } } }
      source(id: "source:report-kupyansk") { statements(first: 100, orderBy: [{field: KIND}, {field: STATED_AT, direction: DESC}]) { edges { node { id } } } }
    }`);
    const published = (id: string) => sampleNode(id).properties.publishedAt;
    const sources = sample.edges
      .filter((e) => e.type === 'REPORTED_IN' && e.from === 'statement:wgf-full-control-2024-12-16')
      .map((e) => e.to)
      .sort((a, b) => -byId(published(a).start, published(b).start) || -byId(published(a).end, published(b).end) || -byId(a, b));
    expect(data.statement.sources.edges.map((e: any) => e.node.id)).toEqual(sources);
    const reported = new Set(sample.edges.filter((e) => e.type === 'REPORTED_IN' && e.to === 'source:report-kupyansk').map((e) => e.from));
    expect(data.source.statements.edges.map((e: any) => e.node.id)).toEqual(
      expectedOrder('Statement', [{ field: 'KIND' }, { field: 'STATED_AT', direction: 'DESC' }], (n) => reported.has(n.id)),
    );
  });
});
