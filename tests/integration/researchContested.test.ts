import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';

/** Query.contestedClaims over the Kupyansk sample. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const bundle = JSON.parse(readFileSync(new URL('../../src/sample/kupyansk.json', import.meta.url), 'utf8')) as {
  edges: Array<{ type: string; from: string; to: string }>;
};

const FULL_CONTROL = 'statement:wgf-full-control-2024-12-16';
const COUNTER_CLAIM = 'statement:ngc2-recaptured-northern-districts-2024-w50';
const ENCIRCLED = 'statement:ngc2-encircled-russian-servicemen-2024-w50';
const AMK = 'statement:amk-mapping-ukraine-repelled-2024-12';
const NOVEMBER = 'statement:ru-kupyansk-captured-2024-11';
const RU_MEDIA = 'statement:ru-media-advance-west-outlook';

const PAIRS = `query ($about: ID, $within: Boolean, $from: Date, $to: Date, $first: Int, $after: String) {
  contestedClaims(about: $about, within: $within, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node {
      reasons overlapping
      stances { kind direction note }
      subjects { __typename ... on Place { id } ... on Actor { id } ... on Unit { id } }
      a { id speaker { name side } }
      b { id speaker { name side } }
    } }
  }
}`;

interface Pair {
  reasons: string[];
  overlapping: boolean;
  stances: Array<{ kind: string; direction: string; note: string | null }>;
  subjects: Array<{ __typename: string; id: string }>;
  a: { id: string; speaker: { name: string; side: string } | null };
  b: { id: string; speaker: { name: string; side: string } | null };
}

async function pairs(variables: Record<string, unknown>) {
  const data = await h.data(PAIRS, { first: 100, ...variables });
  return data.contestedClaims as { totalCount: number; pageInfo: any; edges: Array<{ cursor: string; node: Pair }> };
}
const key = (p: Pair) => `${p.a.id} | ${p.b.id}`;
const find = (list: Pair[], x: string, y: string) => list.find((p) => key(p) === [x, y].sort().join(' | '));

/** Statements about a place in the Kupyansk hierarchy, straight from the sample file. */
function aboutKupyansk(): Set<string> {
  const places = new Set(['place:kupyansk']);
  for (const e of bundle.edges) if (e.type === 'PART_OF' && e.to === 'place:kupyansk') places.add(e.from);
  return new Set(bundle.edges.filter((e) => e.type === 'ABOUT' && places.has(e.to)).map((e) => e.from));
}

describe('contested claims about Kupyansk (and the places within it)', () => {
  let list: Pair[];
  let total: number;
  beforeAll(async () => {
    const result = await pairs({ about: 'place:kupyansk' });
    list = result.edges.map((e) => e.node);
    total = result.totalCount;
  });

  it('pairs the 2nd NGC counter-claim with the full-control claim: CONTRADICTS (the sides differ, but the periods do not overlap)', () => {
    const pair = find(list, COUNTER_CLAIM, FULL_CONTROL)!;
    expect(pair).toBeDefined();
    expect(pair.reasons).toEqual(['CONTRADICTS']);
    expect(pair.a.id).toBe(COUNTER_CLAIM);
    expect(pair.stances).toEqual([
      { kind: 'CONTRADICTS', direction: 'A_TO_B', note: expect.stringContaining('incompatible with Russian full control') },
    ]);
    expect(pair.a.speaker!.side).toBe('UA');
    expect(pair.b.speaker).toEqual({ name: 'Leonid Sharov', side: 'RU' });
    // "last week" (9–15 Dec) and 16 Dec do not overlap: the analyst's edge counts whatever the dates.
    expect(pair.overlapping).toBe(false);
    expect(pair.subjects).toEqual([{ __typename: 'Place', id: 'place:kupyansk' }]);
  });

  it('pairs the AMK Mapping assessment with the counter-claim it disputes (AMK has no belligerent side)', () => {
    const pair = find(list, AMK, COUNTER_CLAIM)!;
    expect(pair.reasons).toEqual(['DISPUTES']);
    expect(pair.stances.map((s) => [s.kind, s.direction])).toEqual([['DISPUTES', 'A_TO_B']]);
    expect(pair.overlapping).toBe(true);
    expect(pair.subjects.map((s) => s.id)).toEqual(['place:kupyansk', 'place:kupyansk-northern-districts']);
  });

  it('pairs claims only because their speakers are on different sides, when their periods overlap', () => {
    const sidesOnly = list.filter((p) => p.reasons.length === 1 && p.reasons[0] === 'SIDES_DIFFER');
    expect(sidesOnly.map(key).sort()).toEqual(
      [
        `${ENCIRCLED} | ${RU_MEDIA}`,
        `${COUNTER_CLAIM} | ${RU_MEDIA}`,
        `${RU_MEDIA} | statement:ua-soldiers-drone-attack-2024-12-13`,
        `${RU_MEDIA} | statement:zelensky-at-kupyansk-entrance-2024-12-12`,
      ].sort(),
    );
    for (const p of sidesOnly) {
      expect(p.overlapping).toBe(true);
      expect(p.stances).toEqual([]);
      expect(new Set([p.a.speaker!.side, p.b.speaker!.side])).toEqual(new Set(['RU', 'UA']));
    }
    // 16 Dec (RU) against 12 Dec (UA): sides differ but the days do not overlap, and no edge joins them.
    expect(find(list, FULL_CONTROL, 'statement:zelensky-at-kupyansk-entrance-2024-12-12')).toBeUndefined();
  });

  it('lists every opposing stance edge between statements about Kupyansk, once each, plus the side pairs', () => {
    const inScope = aboutKupyansk();
    const stancePairs = new Set(
      bundle.edges
        .filter((e) => (e.type === 'CONTRADICTS' || e.type === 'DISPUTES') && inScope.has(e.from) && inScope.has(e.to))
        .map((e) => [e.from, e.to].sort().join(' | ')),
    );
    expect(stancePairs.size).toBe(9);
    const listed = list.filter((p) => p.stances.length > 0).map(key);
    expect(new Set(listed)).toEqual(stancePairs);
    expect(total).toBe(stancePairs.size + 4);
    expect(list).toHaveLength(total);
  });

  it('never lists a pair twice, nor a statement with itself, and orders pairs by (a.id, b.id)', () => {
    const keys = list.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const p of list) expect(p.a.id < p.b.id).toBe(true);
    expect([...keys].sort()).toEqual(keys);
  });

  it('reports a claim SUPPORTING another as no contest (full control restates the November claim)', () => {
    expect(find(list, FULL_CONTROL, NOVEMBER)).toBeUndefined();
  });
});

describe('date windows', () => {
  it('a window before November 2024 gives nothing', async () => {
    const result = await pairs({ about: 'place:kupyansk', from: '2024-01-01', to: '2024-10-31' });
    expect(result.totalCount).toBe(0);
    expect(result.edges).toEqual([]);
  });

  it('November 2024 keeps only the pair with the November capture claim', async () => {
    const result = await pairs({ about: 'place:kupyansk', from: '2024-11-01', to: '2024-11-30' });
    expect(result.edges.map((e) => key(e.node))).toEqual([`${COUNTER_CLAIM} | ${NOVEMBER}`]);
    // The November claim and the counter-claim's week do not overlap: the analyst's edge is the one reason.
    expect(result.edges[0].node.reasons).toEqual(['CONTRADICTS']);
    expect(result.edges[0].node.overlapping).toBe(false);
  });

  it('a single day keeps pairs with a claim whose period covers it, respecting precision', async () => {
    // 13 Dec: inside "last week" (9–15 Dec), the soldiers' video day, and the month-precise December claims.
    const result = await pairs({ about: 'place:kupyansk', from: '2024-12-13', to: '2024-12-13' });
    const keys = result.edges.map((e) => key(e.node));
    expect(keys).toContain(`${AMK} | ${COUNTER_CLAIM}`);
    expect(keys).toContain(`${COUNTER_CLAIM} | ${FULL_CONTROL}`);
    expect(keys).not.toContain(`statement:report-geolocation-zelensky-video | statement:report-sign-doubt-zelensky-location`);
    // Only `from`: everything from 17 Dec on keeps pairs with a claim reaching past 16 Dec.
    const late = await pairs({ about: 'place:kupyansk', from: '2024-12-17' });
    for (const e of late.edges) {
      const ids = [e.node.a.id, e.node.b.id];
      expect(ids.some((id) => id.startsWith('statement:report-') || id === AMK || id === RU_MEDIA)).toBe(true);
    }
    expect(late.totalCount).toBeGreaterThan(0);
    expect(late.totalCount).toBeLessThan(13);
  });
});

describe('subjects and hierarchy', () => {
  it('about the northern districts: only the claims about them', async () => {
    const result = await pairs({ about: 'place:kupyansk-northern-districts' });
    expect(result.edges.map((e) => key(e.node))).toEqual([`${AMK} | ${COUNTER_CLAIM}`]);
    expect(result.edges[0].node.subjects.map((s) => s.id)).toEqual(['place:kupyansk-northern-districts']);
  });

  it('about the province: within counts Kupyansk and its parts; without, only claims naming the province', async () => {
    const within = await pairs({ about: 'place:kharkiv-province' });
    expect(within.totalCount).toBe(13);
    const pair = within.edges.map((e) => e.node).find((p) => key(p) === `${COUNTER_CLAIM} | ${FULL_CONTROL}`)!;
    // Both name Kupyansk, which lies in the province.
    expect(pair.subjects).toEqual([{ __typename: 'Place', id: 'place:kupyansk' }]);
    const direct = await pairs({ about: 'place:kharkiv-province', within: false });
    expect(direct.totalCount).toBe(0);
  });

  it('about an actor: claims about Russia', async () => {
    const result = await pairs({ about: 'actor:russia' });
    const pair = result.edges.map((e) => e.node).find((p) => key(p) === `${AMK} | ${ENCIRCLED}`)!;
    expect(pair.reasons).toEqual(['DISPUTES']);
    expect(pair.subjects).toEqual([{ __typename: 'Actor', id: 'actor:russia' }]);
  });

  it('without about: pairs sharing any subject, still each once', async () => {
    const result = await pairs({});
    const keys = result.edges.map((e) => key(e.node));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain(`${COUNTER_CLAIM} | ${FULL_CONTROL}`);
    expect(result.totalCount).toBe(keys.length);
  });

  it('an unknown but well-formed subject gives an empty connection', async () => {
    const result = await pairs({ about: 'place:atlantis' });
    expect(result).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null }, edges: [] });
  });
});

describe('paging and nesting', () => {
  it('walks the pairs five at a time with keyset cursors, matching the single page', async () => {
    const all = (await pairs({ about: 'place:kupyansk' })).edges.map((e) => key(e.node));
    const walked: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await pairs({ about: 'place:kupyansk', first: 5, after });
      walked.push(...page.edges.map((e) => key(e.node)));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(walked).toEqual(all);
  });

  it('plans the statements of a pair like any other statement, in one query', async () => {
    const seen: string[] = [];
    const off = h.db.onQuery((cypher) => seen.push(cypher));
    let data: any;
    try {
      data = await h.data(`{
        contestedClaims(about: "place:kupyansk", first: 3) { edges { node {
          reasons
          a { text speaker { name side ... on Actor { memberships { edges { role node { ... on Unit { name } ... on Actor { name } } } } } }
              sources { edges { quote node { title cites { totalCount edges { node { title publisher { name } } } } } } } }
          b { text aliasOfText: text contradicts { edges { note node { id } } } }
          subjects { ... on Place { name parent { name } } }
        } } }
      }`);
    } finally {
      off();
    }
    expect(seen).toHaveLength(1);
    const first = data.contestedClaims.edges[0].node;
    expect(first.a.text.length).toBeGreaterThan(10);
    expect(first.a.sources.edges.length).toBeGreaterThan(0);
    expect(first.a.sources.edges.some((e: any) => e.node.title.includes('AMK Mapping'))).toBe(true);
    expect(first.b.aliasOfText).toBe(first.b.text);
    expect(first.subjects[0]).toEqual({ name: 'Kupyansk', parent: { name: 'Kharkiv province' } });
  });
});

describe('claims that share no subject directly', () => {
  beforeAll(async () => {
    // Two rival claims on one day, one naming only the northern districts, the other only the city sign.
    await h.db.write(`
      MATCH (ru:Actor {id: 'actor:leonid-sharov'}), (ua:Actor {id: 'actor:volodymyr-zelensky'}),
            (north:Place {id: 'place:kupyansk-northern-districts'}), (sign:Place {id: 'place:kupyansk-southwest-entrance'})
      CREATE (x:Statement {id: 'statement:test-ru-north', text: 'test', kind: 'CONTROL',
              statedAtStart: date('2025-03-01'), statedAtEnd: date('2025-03-01'), statedAtPrecision: 'DAY'})
      CREATE (y:Statement {id: 'statement:test-ua-sign', text: 'test', kind: 'PRESENCE',
              statedAtStart: date('2025-03-01'), statedAtEnd: date('2025-03-31'), statedAtPrecision: 'MONTH'})
      CREATE (x)-[:MADE_BY]->(ru), (x)-[:ABOUT {role: 'LOCATION'}]->(north)
      CREATE (y)-[:MADE_BY]->(ua), (y)-[:ABOUT {role: 'LOCATION'}]->(sign)`);
  });

  it('pairs them under a place containing both, with that place as the shared subject', async () => {
    const result = await pairs({ about: 'place:kupyansk', from: '2025-01-01' });
    expect(result.edges.map((e) => key(e.node))).toEqual(['statement:test-ru-north | statement:test-ua-sign']);
    expect(result.edges[0].node.reasons).toEqual(['SIDES_DIFFER']);
    expect(result.edges[0].node.subjects).toEqual([{ __typename: 'Place', id: 'place:kupyansk' }]);
  });

  it('does not pair them without about, nor with within: false', async () => {
    expect((await pairs({ from: '2025-01-01' })).totalCount).toBe(0);
    expect((await pairs({ about: 'place:kupyansk', within: false, from: '2025-01-01' })).totalCount).toBe(0);
  });
});

describe('each reason, alone and together', () => {
  // One place per case, so each case is exactly one candidate pair. "early" and "late" periods never overlap.
  const cases: Array<{ name: string; sides: [string, string]; periods: ['early' | 'late', 'early' | 'late']; edges: string[]; reasons: string[] | null; overlapping?: boolean }> = [
    { name: 'sides-only', sides: ['RU', 'UA'], periods: ['early', 'early'], edges: [], reasons: ['SIDES_DIFFER'], overlapping: true },
    { name: 'sides-apart', sides: ['RU', 'UA'], periods: ['early', 'late'], edges: [], reasons: null },
    { name: 'sides-supported', sides: ['RU', 'UA'], periods: ['early', 'early'], edges: ['SUPPORTS'], reasons: null },
    { name: 'sides-neutral', sides: ['RU', 'NEUTRAL'], periods: ['early', 'early'], edges: [], reasons: null },
    { name: 'same-side', sides: ['UA', 'UA'], periods: ['early', 'early'], edges: [], reasons: null },
    { name: 'contradicts-only', sides: ['UA', 'UA'], periods: ['early', 'early'], edges: ['CONTRADICTS'], reasons: ['CONTRADICTS'], overlapping: true },
    { name: 'disputes-apart', sides: ['RU', 'UA'], periods: ['early', 'late'], edges: ['DISPUTES'], reasons: ['DISPUTES'], overlapping: false },
    { name: 'contradicts-and-sides', sides: ['RU', 'UA'], periods: ['early', 'early'], edges: ['CONTRADICTS'], reasons: ['CONTRADICTS', 'SIDES_DIFFER'], overlapping: true },
    { name: 'disputes-supported', sides: ['RU', 'UA'], periods: ['early', 'early'], edges: ['DISPUTES', 'SUPPORTS'], reasons: ['DISPUTES'], overlapping: true },
    { name: 'both-stances', sides: ['RU', 'UA'], periods: ['early', 'early'], edges: ['CONTRADICTS', 'DISPUTES'], reasons: ['CONTRADICTS', 'DISPUTES', 'SIDES_DIFFER'], overlapping: true },
  ];
  const period = { early: ['2023-01-01', '2023-01-31'], late: ['2023-06-01', '2023-06-30'] };

  beforeAll(async () => {
    for (const c of cases) {
      const [a, b] = [0, 1].map((i) => ({
        id: `statement:reason-${c.name}-${i}`,
        actor: `actor:reason-${c.name}-${i}`,
        side: c.sides[i],
        start: period[c.periods[i]][0],
        end: period[c.periods[i]][1],
      }));
      await h.db.write(
        `CREATE (p:Place {id: $place, name: $place, kind: 'CITY'})
         WITH p UNWIND $ends AS e
         CREATE (s:Statement {id: e.id, text: 'test', kind: 'CONTROL', statedAtStart: date(e.start), statedAtEnd: date(e.end), statedAtPrecision: 'MONTH'})
         CREATE (x:Actor {id: e.actor, name: e.actor, kind: 'PERSON', side: e.side})
         CREATE (s)-[:MADE_BY]->(x), (s)-[:ABOUT {role: 'LOCATION'}]->(p)`,
        { place: `place:reason-${c.name}`, ends: [a, b] },
      );
      // Stance edges go both ways across the cases: the reason must not depend on the direction.
      for (const [i, type] of c.edges.entries()) {
        const [from, to] = i % 2 === 0 ? [a.id, b.id] : [b.id, a.id];
        await h.db.write(`MATCH (x:Statement {id: $from}), (y:Statement {id: $to}) CREATE (x)-[:${type}]->(y)`, { from, to });
      }
    }
  });

  for (const c of cases) {
    it(`${c.name}: ${c.reasons ? c.reasons.join(' + ') : 'not contested'}`, async () => {
      const result = await pairs({ about: `place:reason-${c.name}` });
      if (c.reasons === null) {
        expect(result.totalCount).toBe(0);
        return;
      }
      expect(result.edges.map((e) => [e.node.reasons, e.node.overlapping])).toEqual([[c.reasons, c.overlapping]]);
      expect(result.edges[0].node.stances.map((s) => s.kind).sort()).toEqual(c.edges.filter((e) => e !== 'SUPPORTS').sort());
    });
  }
});
