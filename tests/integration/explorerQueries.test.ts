import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';
import * as q from '../../web/src/api/queries.js';

/**
 * Every query the explorer sends, run against the sample with the ids its views pass: each answers without
 * errors, inside the server's default cost and depth guards, and finds what the views show.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const RUNS: Array<[string, string, Record<string, unknown>]> = [
  ['SEARCH', q.SEARCH, { query: 'Kupiansk', first: 50 }],
  ['NODE place', q.NODE, { id: 'place:kupyansk' }],
  ['NODE actor', q.NODE, { id: 'actor:leonid-sharov' }],
  ['NODE unit', q.NODE, { id: 'unit:6th-combined-arms-army' }],
  ['NODE source', q.NODE, { id: 'source:report-kupyansk' }],
  ['PLACE_CHILDREN', q.PLACE_CHILDREN, { id: 'place:kupyansk' }],
  ['UNIT_SUBUNITS', q.UNIT_SUBUNITS, { id: 'unit:western-group-of-forces' }],
  ['UNIT_MEMBERS', q.UNIT_MEMBERS, { id: 'unit:western-group-of-forces' }],
  ['ACTOR_MEMBERSHIPS', q.ACTOR_MEMBERSHIPS, { id: 'actor:leonid-sharov' }],
  ['ACTOR_MEMBERS', q.ACTOR_MEMBERS, { id: 'actor:ukraine' }],
  ['ACTOR_UNITS', q.ACTOR_UNITS, { id: 'actor:russia' }],
  ['SOURCE_CITES', q.SOURCE_CITES, { id: 'source:report-kupyansk' }],
  ['SOURCE_CITED_BY', q.SOURCE_CITED_BY, { id: 'source:report-kupyansk' }],
  ['SOURCE_GEOLOCATED', q.SOURCE_GEOLOCATED, { id: 'source:zelensky-video-2024-12-12' }],
  ['TIMELINE', q.TIMELINE, { id: 'place:kupyansk' }],
  ['SOURCE_STATEMENTS', q.SOURCE_STATEMENTS, { id: 'source:report-kupyansk' }],
  ['STATEMENT', q.STATEMENT, { id: 'statement:wgf-full-control-2024-12-16' }],
  ['STATEMENT_SOURCES', q.STATEMENT_SOURCES, { id: 'statement:wgf-full-control-2024-12-16' }],
  ['NEIGHBOURHOOD', q.NEIGHBOURHOOD, { id: 'place:kupyansk', depth: 3, limit: 200 }],
  ['MAP_PLACES', q.MAP_PLACES, { where: { within: { placeId: 'place:kharkiv-province' }, statements: { some: { node: { statedAt: { overlaps: { from: '2024-11-01' } } } } } } }],
  ['AREAS', q.AREAS, {}],
  ['CONTESTED', q.CONTESTED, { about: 'place:kupyansk', from: '2024-12-16', to: '2024-12-16' }],
];

describe('the explorer’s queries on the sample', () => {
  it.each(RUNS)('%s answers without errors', async (_name, query, variables) => {
    const result = await h.run(query, variables);
    expect(result.errors ?? []).toEqual([]);
    expect(JSON.stringify(result.data)).not.toBe('{}');
  });

  it('the timeline of Kupyansk has its 16 claims, the full-control claim and the CONTRADICTS edge to it', async () => {
    const data = await h.data<q.TimelineData>(q.TIMELINE, { id: 'place:kupyansk' });
    expect(data.timeline.totalCount).toBe(16);
    const counter = data.timeline.edges.find((e) => e.node.id === 'statement:ngc2-recaptured-northern-districts-2024-w50')!;
    expect(counter.node.contradicts.edges.map((e) => e.node.id)).toContain('statement:wgf-full-control-2024-12-16');
  });

  it('a page of 50 claims with every stance list full stays inside the cost guard', async () => {
    // The guard multiplies page sizes; the timeline query asks for at most first: 50 × 3 stance lists of 20.
    const result = await h.run(q.TIMELINE, { id: 'actor:russia' });
    expect(result.errors ?? []).toEqual([]);
  });
});
