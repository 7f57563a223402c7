import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';
import { articleText, sampleNodesOf } from '../sample.js';

/**
 * The sample's content, through the API: every claim of the Kupyansk report (DESIGN.md, "The sample")
 * with its kind, speaker and date precision, the stance edges between claims, and quotes that stand
 * where their offsets say in the report's text.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

interface Claim {
  what: string;
  id: string;
  kind: string;
  speaker: string;
  statedAt: { start: string; end: string; precision: string; raw?: string; relativeTo?: string };
}

const CLAIMS: Claim[] = [
  {
    what: 'the full-control claim of 16 Dec 2024',
    id: 'statement:wgf-full-control-2024-12-16',
    kind: 'CONTROL',
    speaker: 'actor:leonid-sharov',
    statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' },
  },
  {
    what: 'the cemetery assault groups',
    id: 'statement:wgf-cemetery-assault-groups-2024-12-16',
    kind: 'MOVEMENT',
    speaker: 'actor:leonid-sharov',
    statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' },
  },
  {
    what: 'the Yubileiny Street group',
    id: 'statement:wgf-yubileiny-street-group-2024-12-16',
    kind: 'PRESENCE',
    speaker: 'actor:leonid-sharov',
    statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' },
  },
  {
    what: 'the November capture claim',
    id: 'statement:ru-kupyansk-captured-2024-11',
    kind: 'CONTROL',
    speaker: 'actor:russia',
    statedAt: { start: '2024-11-01', end: '2024-11-30', precision: 'MONTH', raw: 'November 2024' },
  },
  {
    what: 'the 2nd National Guard Corps counter-claim "last week"',
    id: 'statement:ngc2-recaptured-northern-districts-2024-w50',
    kind: 'CONTROL',
    speaker: 'actor:ngc2-press-service',
    statedAt: { start: '2024-12-09', end: '2024-12-15', precision: 'WEEK', raw: 'last week', relativeTo: '2024-12-16' },
  },
  {
    what: 'the AMK Mapping assessment',
    id: 'statement:amk-mapping-ukraine-repelled-2024-12',
    kind: 'ASSESSMENT',
    speaker: 'actor:amk-mapping',
    statedAt: { start: '2024-12-01', end: '2024-12-31', precision: 'MONTH' },
  },
  {
    what: "Zelensky's video of 12 Dec",
    id: 'statement:zelensky-at-kupyansk-entrance-2024-12-12',
    kind: 'PRESENCE',
    speaker: 'actor:volodymyr-zelensky',
    statedAt: { start: '2024-12-12', end: '2024-12-12', precision: 'DAY' },
  },
  {
    what: 'the geolocation ~3 km south-west of the centre',
    id: 'statement:report-geolocation-zelensky-video',
    kind: 'ASSESSMENT',
    speaker: 'actor:nguyen-tien',
    statedAt: { start: '2024-12-16', end: '2024-12-22', precision: 'WEEK' },
  },
  {
    what: "the soldiers' video of 13 Dec",
    id: 'statement:ua-soldiers-drone-attack-2024-12-13',
    kind: 'ATTACK',
    speaker: 'actor:two-ukrainian-soldiers',
    statedAt: { start: '2024-12-13', end: '2024-12-13', precision: 'DAY' },
  },
  {
    what: 'the doubt the sign video raised',
    id: 'statement:report-sign-doubt-zelensky-location',
    kind: 'ASSESSMENT',
    speaker: 'actor:nguyen-tien',
    statedAt: { start: '2024-12-16', end: '2024-12-22', precision: 'WEEK' },
  },
  {
    what: "the city's size",
    id: 'statement:report-kupyansk-size-location',
    kind: 'OTHER',
    speaker: 'actor:nguyen-tien',
    statedAt: { start: '2024-12-16', end: '2024-12-22', precision: 'WEEK' },
  },
  {
    what: "the city's role",
    id: 'statement:report-kupyansk-strategic-role',
    kind: 'ASSESSMENT',
    speaker: 'actor:nguyen-tien',
    statedAt: { start: '2024-12-16', end: '2024-12-22', precision: 'WEEK' },
  },
  {
    what: 'the Russian-media outlook',
    id: 'statement:ru-media-advance-west-outlook',
    kind: 'FORECAST',
    speaker: 'actor:russian-media',
    statedAt: { start: '2024-12-01', end: '2024-12-31', precision: 'MONTH' },
  },
];

const CLAIM_QUERY = `query ($id: ID!) {
  statement(id: $id) {
    id kind text
    statedAt { start end precision raw relativeTo }
    speaker { id }
    sources { totalCount edges { node { id } } }
  }
}`;

describe('every claim of the report is in the graph', () => {
  it.each(CLAIMS.map((c) => [c.what, c] as const))('%s', async (_what, claim) => {
    const { statement } = await h.data(CLAIM_QUERY, { id: claim.id });
    expect(statement, claim.id).not.toBeNull();
    expect(statement.kind).toBe(claim.kind);
    expect(statement.speaker?.id).toBe(claim.speaker);
    expect(statement.statedAt).toMatchObject(claim.statedAt);
    expect(statement.sources.edges.map((e: any) => e.node.id)).toContain('source:report-kupyansk');
  });

  it('the geolocation puts the video 3 km south-west (bearing 225°) of the centre', async () => {
    const data = await h.data(`{
      source(id: "source:zelensky-video-2024-12-12") { geolocatedAt { edges { offsetM bearing node { id } } } }
    }`);
    expect(data.source.geolocatedAt.edges).toContainEqual({ offsetM: 3000, bearing: 225, node: { id: 'place:kupyansk' } });
  });
});

describe('the stance edges between claims', () => {
  const STANCES = [
    ['the counter-claim CONTRADICTS the control claim', 'contradicts', 'contradictedBy', 'statement:ngc2-recaptured-northern-districts-2024-w50', 'statement:wgf-full-control-2024-12-16'],
    ['the AMK assessment DISPUTES the counter-claim', 'disputes', 'disputedBy', 'statement:amk-mapping-ukraine-repelled-2024-12', 'statement:ngc2-recaptured-northern-districts-2024-w50'],
    ["the sign-video doubt DISPUTES Zelensky's claim", 'disputes', 'disputedBy', 'statement:report-sign-doubt-zelensky-location', 'statement:zelensky-at-kupyansk-entrance-2024-12-12'],
    ['the Yubileiny Street group DISPUTES full control', 'disputes', 'disputedBy', 'statement:wgf-yubileiny-street-group-2024-12-16', 'statement:wgf-full-control-2024-12-16'],
  ] as const;

  it.each(STANCES)('%s', async (_what, out, back, from, to) => {
    const data = await h.data(`query ($from: ID!, $to: ID!) {
      from: statement(id: $from) { out: ${out}(first: 100) { edges { node { id } } } back: ${back}(first: 100) { edges { node { id } } } }
      to: statement(id: $to) { out: ${out}(first: 100) { edges { node { id } } } back: ${back}(first: 100) { edges { node { id } } } }
    }`, { from, to });
    const ids = (conn: any) => conn.edges.map((e: any) => e.node.id);
    expect(ids(data.from.out)).toContain(to);
    expect(ids(data.to.back)).toContain(from);
    // …and not the other way round.
    expect(ids(data.to.out)).not.toContain(from);
    expect(ids(data.from.back)).not.toContain(to);
  });
});

describe('every statement is grounded', () => {
  it('has a speaker and at least one source', async () => {
    const data = await h.data(`{ statements(first: 100) { totalCount edges { node { id speaker { id } sources { totalCount } } } } }`);
    expect(data.statements.totalCount).toBe(sampleNodesOf('Statement').length);
    expect(data.statements.edges.length).toBeGreaterThanOrEqual(CLAIMS.length);
    for (const { node } of data.statements.edges) {
      expect(node.speaker, `${node.id} speaker`).not.toBeNull();
      expect(node.sources.totalCount, `${node.id} sources`).toBeGreaterThan(0);
    }
  });
});

describe('quotes in the report', () => {
  it('every quote with offsets stands at those offsets in the report text', async () => {
    const data = await h.data(`{
      source(id: "source:report-kupyansk") { statements(first: 100) { edges { quote charStart charEnd node { id } } } }
    }`);
    const quoted = data.source.statements.edges.filter((e: any) => e.charStart !== null || e.charEnd !== null);
    // Every claim listed above is quoted from the report with offsets.
    expect(quoted.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(CLAIMS.map((c) => c.id)));
    for (const edge of quoted) {
      expect(typeof edge.quote, edge.node.id).toBe('string');
      expect(articleText.slice(edge.charStart, edge.charEnd), edge.node.id).toBe(edge.quote);
    }
  });
});
