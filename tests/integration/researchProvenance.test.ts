import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';

/** Query.provenance and Query.corroboration over the Kupyansk sample. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const FULL_CONTROL = 'statement:wgf-full-control-2024-12-16';
const REPORT = 'source:report-kupyansk';
const AFP = 'source:afp-report-kupyansk-2024-12';
const RIA = 'source:ria-novosti-report-kupyansk-2024-12';
const TASS = 'source:tass-report-kupyansk-2024-12';
const BRIEFING = 'source:wgf-press-briefing-2024-12-16';

const PROVENANCE = `query ($id: ID!) {
  provenance(id: $id) {
    statement { id text }
    speaker { id name side }
    independentOrigins sourceCount truncated
    reports { quote source { id kind } chains { length sources { id } } }
    chains { length sources { id publisher { name } } }
    origins { publisher { id name } sources { id kind title } }
  }
}`;

const ids = (chain: { sources: Array<{ id: string }> }) => chain.sources.map((s) => s.id);

describe('provenance of the full-control claim', () => {
  let p: any;
  beforeAll(async () => {
    p = (await h.data(PROVENANCE, { id: FULL_CONTROL })).provenance;
  });

  it('names the original speaker', () => {
    expect(p.statement.id).toBe(FULL_CONTROL);
    expect(p.speaker).toEqual({ id: 'actor:leonid-sharov', name: 'Leonid Sharov', side: 'RU' });
  });

  it('follows the relay chains from the report through AFP, RIA Novosti and TASS to the press release', () => {
    expect(p.chains.map(ids)).toEqual([
      [REPORT, AFP, BRIEFING],
      [REPORT, RIA, BRIEFING],
      [REPORT, TASS, BRIEFING],
    ]);
    expect(p.chains.map((c: any) => c.length)).toEqual([2, 2, 2]);
    expect(p.chains[0].sources.map((s: any) => s.publisher?.name ?? null)).toEqual([
      null,
      'AFP',
      'Press service of the Western Group of Forces',
    ]);
  });

  it('does not follow the report citations made for other claims (the Zelensky video, the AMK post…)', () => {
    const everySource = new Set(p.reports.flatMap((r: any) => r.chains.flatMap(ids)));
    expect([...everySource].sort()).toEqual([AFP, REPORT, RIA, TASS, BRIEFING].sort());
  });

  it('lists each source the claim is reported in, with its quote and its own chains', () => {
    expect(p.sourceCount).toBe(5);
    expect(p.reports.map((r: any) => r.source.id)).toEqual([AFP, REPORT, RIA, TASS, BRIEFING]);
    const report = p.reports.find((r: any) => r.source.id === REPORT);
    expect(report.quote).toContain('full control of Kupyansk');
    expect(report.chains).toHaveLength(3);
    const briefing = p.reports.find((r: any) => r.source.id === BRIEFING);
    expect(briefing.source.kind).toBe('PRESS_RELEASE');
    expect(briefing.chains).toEqual([{ length: 0, sources: [{ id: BRIEFING }] }]);
    expect(p.reports.find((r: any) => r.source.id === TASS).chains.map(ids)).toEqual([[TASS, BRIEFING]]);
  });

  it('counts the press release once: three agencies relaying it are one independent origin', () => {
    expect(p.independentOrigins).toBe(1);
    expect(p.origins).toEqual([
      {
        publisher: { id: 'actor:wgf-press-service', name: 'Press service of the Western Group of Forces' },
        sources: [{ id: BRIEFING, kind: 'PRESS_RELEASE', title: 'Western Group of Forces press service statement, 16/12/2024' }],
      },
    ]);
    expect(p.truncated).toBe(false);
  });
});

describe('provenance of other statements', () => {
  it('a claim known only from the report: the report is its one origin, by its author', async () => {
    const p = (await h.data(PROVENANCE, { id: 'statement:ru-kupyansk-captured-2024-11' })).provenance;
    expect(p.speaker.name).toBe('Russia');
    expect(p.chains.map(ids)).toEqual([[REPORT]]);
    expect(p.independentOrigins).toBe(1);
    expect(p.origins[0].publisher.id).toBe('actor:nguyen-tien');
    expect(p.origins[0].sources.map((s: any) => s.id)).toEqual([REPORT]);
  });

  it('the counter-claim comes from the 2nd NGC announcement, via the report', async () => {
    const p = (await h.data(PROVENANCE, { id: 'statement:ngc2-recaptured-northern-districts-2024-w50' })).provenance;
    expect(p.chains.map(ids)).toEqual([[REPORT, 'source:ngc2-announcement-2024-w50']]);
    expect(p.origins.map((o: any) => o.publisher.id)).toEqual(['actor:ngc2-press-service']);
  });

  it('an unknown statement is null; an id that is not a statement id is BAD_USER_INPUT naming id', async () => {
    expect((await h.data(PROVENANCE, { id: 'statement:does-not-exist' })).provenance).toBeNull();
    const result = await h.run(PROVENANCE, { id: 'place:kupyansk' });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
  });
});

const CORROBORATION = `query ($min: Int, $max: Int, $first: Int, $after: String) {
  corroboration(minOrigins: $min, maxOrigins: $max, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor independentOrigins sourceCount origins { publisher { id } sources { id } } node { id kind } }
  }
}`;

describe('corroboration', () => {
  it('every sample statement rests on a single independent origin', async () => {
    const statements = (await h.data(`{ statements(first: 100) { totalCount } }`)).statements.totalCount;
    const single = (await h.data(CORROBORATION, { max: 1, first: 100 })).corroboration;
    expect(single.totalCount).toBe(statements);
    expect(single.edges.every((e: any) => e.independentOrigins === 1 && e.origins.length === 1)).toBe(true);
    const fullControl = single.edges.find((e: any) => e.node.id === FULL_CONTROL);
    expect(fullControl.sourceCount).toBe(5);
    expect(fullControl.origins).toEqual([{ publisher: { id: 'actor:wgf-press-service' }, sources: [{ id: BRIEFING }] }]);
    expect((await h.data(CORROBORATION, { min: 2 })).corroboration.totalCount).toBe(0);
  });

  it('pages by (origins descending, id) with keyset cursors', async () => {
    const all = (await h.data(CORROBORATION, { first: 100 })).corroboration.edges.map((e: any) => e.node.id);
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: any = (await h.data(CORROBORATION, { first: 7, after })).corroboration;
      walked.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(walked).toEqual(all);
    expect([...all].sort()).toEqual(all);
  });
});

describe('independent origins when more sources carry the claim', () => {
  beforeAll(async () => {
    // A second release by the same press service (not independent), and a post by another actor (independent).
    await h.db.write(`
      MATCH (st:Statement {id: $id}), (ps:Actor {id: 'actor:wgf-press-service'}), (amk:Actor {id: 'actor:amk-mapping'}),
            (afp:Source {id: $afp})
      CREATE (second:Source {id: 'source:test-wgf-telegram', kind: 'SOCIAL_POST', title: 'WGF Telegram post (test)'})
      CREATE (post:Source {id: 'source:test-amk-post', kind: 'SOCIAL_POST', title: 'AMK post (test)'})
      CREATE (second)-[:PUBLISHED_BY]->(ps), (post)-[:PUBLISHED_BY]->(amk)
      CREATE (st)-[:REPORTED_IN]->(second), (st)-[:REPORTED_IN]->(post), (afp)-[:CITES]->(second)`,
      { id: FULL_CONTROL, afp: AFP },
    );
  });

  it('collapses origins by publisher and counts the independent one', async () => {
    const p = (await h.data(PROVENANCE, { id: FULL_CONTROL })).provenance;
    expect(p.sourceCount).toBe(7);
    expect(p.independentOrigins).toBe(2);
    expect(p.origins.map((o: any) => [o.publisher.id, o.sources.map((s: any) => s.id)])).toEqual([
      ['actor:amk-mapping', ['source:test-amk-post']],
      ['actor:wgf-press-service', ['source:test-wgf-telegram', BRIEFING].sort()],
    ]);
    expect(p.chains.map(ids)).toContainEqual([REPORT, AFP, 'source:test-wgf-telegram']);
    expect(p.chains.map(ids)).toContainEqual(['source:test-amk-post']);
  });

  it('corroboration lists it among the statements with independent origins, first', async () => {
    const c = (await h.data(CORROBORATION, { min: 2 })).corroboration;
    expect(c.edges.map((e: any) => [e.node.id, e.independentOrigins])).toEqual([[FULL_CONTROL, 2]]);
    const all = (await h.data(CORROBORATION, { first: 1 })).corroboration;
    expect(all.edges[0].node.id).toBe(FULL_CONTROL);
  });

  it('survives a CITES loop among the sources that carry the claim', async () => {
    await h.db.write(`MATCH (b:Source {id: $b}), (r:Source {id: $r}) CREATE (b)-[:CITES]->(r)`, { b: BRIEFING, r: REPORT });
    const p = (await h.data(PROVENANCE, { id: FULL_CONTROL })).provenance;
    expect(p.truncated).toBe(false);
    for (const chain of p.chains) expect(new Set(ids(chain)).size).toBe(chain.sources.length);
    expect(p.independentOrigins).toBeGreaterThanOrEqual(2);
  });
});
