import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';

/** Query.timeline over the Kupyansk sample. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

interface SampleStatement {
  id: string;
  start: string;
  end: string;
  precision: string;
}
const bundle = JSON.parse(readFileSync(new URL('../../src/sample/kupyansk.json', import.meta.url), 'utf8')) as {
  nodes: Array<{ label: string; id: string; properties: Record<string, any> }>;
  edges: Array<{ type: string; from: string; to: string }>;
};
const statements = new Map<string, SampleStatement>(
  bundle.nodes
    .filter((n) => n.label === 'Statement')
    .map((n) => [n.id, { id: n.id, start: n.properties.statedAt.start, end: n.properties.statedAt.end, precision: n.properties.statedAt.precision }]),
);
/** The statements about a place or anything PART_OF it (any depth), straight from the sample file. */
function aboutPlaceWithin(place: string): SampleStatement[] {
  const places = new Set([place]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of bundle.edges)
      if (e.type === 'PART_OF' && places.has(e.to) && !places.has(e.from)) {
        places.add(e.from);
        grew = true;
      }
  }
  const ids = new Set(bundle.edges.filter((e) => e.type === 'ABOUT' && places.has(e.to)).map((e) => e.from));
  return [...ids].map((id) => statements.get(id)!);
}
const byDate = (x: SampleStatement, y: SampleStatement) =>
  x.start.localeCompare(y.start) || x.end.localeCompare(y.end) || x.id.localeCompare(y.id);

const TIMELINE = `query ($id: ID!, $includeContained: Boolean, $from: Date, $to: Date, $asOf: Date, $first: Int, $after: String) {
  timeline(id: $id, includeContained: $includeContained, from: $from, to: $to, asOf: $asOf, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor precision side links statedAt { start end precision raw } node { id kind speaker { name } } }
  }
}`;

async function timeline(variables: Record<string, unknown>) {
  return (await h.data(TIMELINE, { first: 100, ...variables })).timeline as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; precision: string; side: string | null; links: string[]; statedAt: any; node: { id: string; kind: string; speaker: any } }>;
  };
}
const nodeIds = (t: Awaited<ReturnType<typeof timeline>>) => t.edges.map((e) => e.node.id);

describe('the timeline of Kupyansk and the places within it', () => {
  let t: Awaited<ReturnType<typeof timeline>>;
  beforeAll(async () => {
    t = await timeline({ id: 'place:kupyansk' });
  });

  it('lists every statement about the city or a place within it, by statedAt start, end, then id', () => {
    const expected = aboutPlaceWithin('place:kupyansk').sort(byDate);
    expect(expected.length).toBe(16);
    expect(nodeIds(t)).toEqual(expected.map((s) => s.id));
    expect(t.totalCount).toBe(16);
  });

  it('puts the November claim (month precision) before the December ones', () => {
    expect(t.edges[0].node.id).toBe('statement:ru-kupyansk-captured-2024-11');
    expect(t.edges[0].precision).toBe('MONTH');
    expect(t.edges[0].statedAt).toEqual({ start: '2024-11-01', end: '2024-11-30', precision: 'MONTH', raw: 'November 2024' });
    for (const e of t.edges.slice(1)) expect(e.statedAt.start >= '2024-12-01').toBe(true);
  });

  it('gives each statement its precision, its speaker side and how it is tied to the city', () => {
    const counter = t.edges.find((e) => e.node.id === 'statement:ngc2-recaptured-northern-districts-2024-w50')!;
    expect(counter).toMatchObject({ precision: 'WEEK', side: 'UA', links: ['ABOUT', 'ABOUT_CONTAINED'] });
    expect(counter.statedAt.raw).toBe('last week');
    const control = t.edges.find((e) => e.node.id === 'statement:wgf-full-control-2024-12-16')!;
    expect(control).toMatchObject({ precision: 'DAY', side: 'RU', links: ['ABOUT'] });
    const amk = t.edges.find((e) => e.node.id === 'statement:amk-mapping-ukraine-repelled-2024-12')!;
    expect(amk.side).toBe('UNKNOWN');
    for (const e of t.edges) expect(e.precision).toBe(statements.get(e.node.id)!.precision);
  });
});

describe('asOf and date windows', () => {
  it('asOf 2024-12-12 keeps only what had certainly been asserted by then', async () => {
    const t = await timeline({ id: 'place:kupyansk', asOf: '2024-12-12' });
    expect(nodeIds(t)).toEqual(['statement:ru-kupyansk-captured-2024-11', 'statement:zelensky-at-kupyansk-entrance-2024-12-12']);
    // "last week" (9–15 Dec) and the undated December claims might have been made later: left out.
    const expected = aboutPlaceWithin('place:kupyansk').filter((s) => s.end <= '2024-12-12');
    expect(t.totalCount).toBe(expected.length);
  });

  it('a window on 15 November overlaps the "November 2024" claim', async () => {
    const t = await timeline({ id: 'place:kupyansk', from: '2024-11-15', to: '2024-11-15' });
    expect(nodeIds(t)).toEqual(['statement:ru-kupyansk-captured-2024-11']);
  });

  it('1–5 December holds the month-precise December claims, not November nor the week of 9 December', async () => {
    const t = await timeline({ id: 'place:kupyansk', from: '2024-12-01', to: '2024-12-05' });
    expect(nodeIds(t)).toEqual(['statement:amk-mapping-ukraine-repelled-2024-12', 'statement:ru-media-advance-west-outlook']);
  });

  it('"last week" overlaps 15 December but not 16 December', async () => {
    const on15 = nodeIds(await timeline({ id: 'place:kupyansk', from: '2024-12-15', to: '2024-12-15' }));
    const on16 = nodeIds(await timeline({ id: 'place:kupyansk', from: '2024-12-16', to: '2024-12-16' }));
    expect(on15).toContain('statement:ngc2-recaptured-northern-districts-2024-w50');
    expect(on16).not.toContain('statement:ngc2-recaptured-northern-districts-2024-w50');
    expect(on16).toContain('statement:wgf-full-control-2024-12-16');
  });

  it('only `from`, only `to`', async () => {
    const after17 = await timeline({ id: 'place:kupyansk', from: '2024-12-17' });
    expect(after17.edges.every((e) => e.statedAt.end >= '2024-12-17')).toBe(true);
    expect(after17.totalCount).toBe(aboutPlaceWithin('place:kupyansk').filter((s) => s.end >= '2024-12-17').length);
    const toNov = await timeline({ id: 'place:kupyansk', to: '2024-11-30' });
    expect(nodeIds(toNov)).toEqual(['statement:ru-kupyansk-captured-2024-11']);
  });
});

describe('other entities', () => {
  it('a province: includeContained rolls up its cities and their parts', async () => {
    const within = await timeline({ id: 'place:kharkiv-province' });
    expect(nodeIds(within)).toEqual(aboutPlaceWithin('place:kharkiv-province').sort(byDate).map((s) => s.id));
    const direct = await timeline({ id: 'place:kharkiv-province', includeContained: false });
    expect(nodeIds(direct).sort()).toEqual(['statement:report-kupyansk-size-location', 'statement:report-kupyansk-strategic-role']);
    expect(direct.edges.every((e) => e.links.join() === 'ABOUT')).toBe(true);
  });

  it('a formation: claims about it and its sub-units, and claims made on its behalf', async () => {
    const t = await timeline({ id: 'unit:western-group-of-forces' });
    const links = Object.fromEntries(t.edges.map((e) => [e.node.id, e.links]));
    expect(links['statement:wgf-full-control-2024-12-16']).toEqual(['ON_BEHALF_OF', 'ABOUT_CONTAINED']);
    expect(links['statement:wgf-combat-missions-2024-12-16']).toEqual(['ON_BEHALF_OF', 'ABOUT']);
    const onBehalf = bundle.edges.filter((e) => e.type === 'ON_BEHALF_OF' && e.to === 'unit:western-group-of-forces');
    expect(t.totalCount).toBe(onBehalf.length);
    const subUnitOnly = await timeline({ id: 'unit:6th-combined-arms-army' });
    expect(subUnitOnly.edges.map((e) => [e.node.id, e.links])).toEqual([['statement:wgf-full-control-2024-12-16', ['ABOUT']]]);
  });

  it('an actor: what it said and what was said about it', async () => {
    const sharov = await timeline({ id: 'actor:leonid-sharov' });
    const made = bundle.edges.filter((e) => e.type === 'MADE_BY' && e.to === 'actor:leonid-sharov').map((e) => e.from);
    expect(nodeIds(sharov).sort()).toEqual(made.sort());
    expect(sharov.edges.every((e) => e.links.join() === 'MADE_BY' && e.side === 'RU')).toBe(true);
    const zelensky = await timeline({ id: 'actor:volodymyr-zelensky' });
    const zLinks = Object.fromEntries(zelensky.edges.map((e) => [e.node.id, e.links]));
    expect(zLinks['statement:zelensky-at-kupyansk-entrance-2024-12-12']).toEqual(['MADE_BY', 'ABOUT']);
    expect(zLinks['statement:report-sign-doubt-zelensky-location']).toEqual(['ABOUT']);
  });

  it('an unknown but well-formed id gives an empty timeline', async () => {
    const t = await timeline({ id: 'place:atlantis' });
    expect(t).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null }, edges: [] });
  });
});

describe('paging', () => {
  it('walks the timeline three at a time in the same order, across equal dates', async () => {
    const all = nodeIds(await timeline({ id: 'place:kupyansk' }));
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page = await timeline({ id: 'place:kupyansk', first: 3, after });
      expect(page.edges.length).toBeLessThanOrEqual(3);
      expect(page.totalCount).toBe(16);
      walked.push(...nodeIds(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(walked).toEqual(all);
  });

  it('a cursor keeps its window: paging within asOf stays within asOf', async () => {
    const first = await timeline({ id: 'place:kupyansk', asOf: '2024-12-12', first: 1 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await timeline({ id: 'place:kupyansk', asOf: '2024-12-12', first: 1, after: first.pageInfo.endCursor });
    expect(nodeIds(second)).toEqual(['statement:zelensky-at-kupyansk-entrance-2024-12-12']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});
