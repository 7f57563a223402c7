import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import type { Selection } from '../../src/export/selection.js';
import { countQueries, createHarness, model, startTestServer, testKey, type Harness, type TestServer } from '../harness.js';
import { exportString } from '../exchange.js';
import { expectedClosure } from '../expectedClosure.js';
import { A, AMBER_EDITOR, CLEAR_READER, GREEN_READER, markingFixture, MARKED, P, RED_ADMIN, resetToMarkingFixture, S, sees, SRC, visibleTo } from '../markingFixture.js';

/**
 * TLP markings on every read: for a CLEAR reader, a GREEN reader, an AMBER editor and a RED admin, each entry
 * point returns exactly what that principal may see (checked by id, counts and cursors included), and
 * nothing it may not. The expectations are computed from the fixture (tests/markingFixture.ts), never
 * from the code under test.
 */

let h: Harness;
let server: TestServer;
/** The Authorization header of a real API key of each principal's role and clearance (anonymous: none). */
const headersOf = new Map<Principal, Record<string, string>>();
beforeAll(async () => {
  h = await createHarness({ reset: false });
  await resetToMarkingFixture(h.db);
  server = await startTestServer(h, 'anonymous');
  headersOf.set(CLEAR_READER, {});
  for (const p of [GREEN_READER, AMBER_EDITOR, RED_ADMIN]) headersOf.set(p, (await testKey(h.db, p.role, p.clearance)).headers);
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

const PRINCIPALS: Principal[] = [CLEAR_READER, GREEN_READER, AMBER_EDITOR, RED_ADMIN];
const base = () => server.url.replace(/\/graphql$/, '');

/** POSTs a GraphQL request over HTTP with the principal's key; returns the status and the body. */
async function post(principal: Principal, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headersOf.get(principal)! },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

/** Runs a query over HTTP as `principal`; it must succeed. */
async function ask(principal: Principal, query: string, variables: Record<string, unknown> = {}) {
  const { status, body } = await post(principal, query, variables);
  if (status !== 200 || body.errors?.length) throw new Error(`HTTP ${status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const ALL_NODES = markingFixture.nodes.map((n) => n.id).sort();
const ALL_STATEMENTS = Object.values(S).sort();
const ALL_SOURCES = Object.values(SRC).sort();
const key = (e: { type: string; from: string; to: string }) => `${e.type} ${e.from} -> ${e.to}`;
/** The fixture's relationships a clearance may see: both ends visible. */
const visibleEdges = (clearance: Principal['clearance']) =>
  markingFixture.edges
    .filter((e) => sees(clearance, e.from) && sees(clearance, e.to))
    .map(key)
    .sort();

/** Nodes within `depth` hops of the seeds, stepping only on nodes the clearance may see (a reference BFS over the fixture). */
function reach(seeds: string[], depth: number, clearance: Principal['clearance']): string[] {
  const seen = new Set(seeds);
  let frontier = [...seeds];
  for (let i = 0; i < depth; i++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of markingFixture.edges) {
        const other = e.from === id ? e.to : e.to === id ? e.from : null;
        if (other && sees(clearance, other) && !seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return [...seen].sort();
}

type Bundle = { nodes: Array<{ id: string; properties: Record<string, unknown> }>; edges: Array<{ type: string; from: string; to: string }> };

const ids = (connection: { edges: Array<{ node: { id: string } }> }) => connection.edges.map((e) => e.node.id);

/** Walks a root list page by page (`first` each) and returns every id in order, with each page's size and totalCount. */
async function walk(principal: Principal, field: string, first: number, args = '') {
  const query = `query ($first: Int, $after: String) {
    ${field}(first: $first, after: $after${args}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } }
  }`;
  const all: string[] = [];
  const sizes: number[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const page: any = (await ask(principal, query, { first, after }))[field];
    all.push(...ids(page));
    sizes.push(page.edges.length);
    totals.push(page.totalCount);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { all, sizes, totals };
}

/** Page sizes a list of `n` items has in pages of `first`: every page full but the last. */
const fullPages = (n: number, first: number) => {
  const sizes: number[] = [];
  for (let left = n; left > 0 || sizes.length === 0; left -= first) sizes.push(Math.max(0, Math.min(first, left)));
  return sizes;
};

describe.each(PRINCIPALS.map((p) => [`${p.name} (${p.clearance})`, p] as const))('as %s', (_name, principal) => {
  const c = principal.clearance;
  const statements = visibleTo(c, ALL_STATEMENTS);
  const sources = visibleTo(c, ALL_SOURCES);

  it('root lists: pages are full, totalCount and cursors count only what it may see', async () => {
    for (const [field, expected] of [
      ['statements', statements],
      ['sources', sources],
    ] as const) {
      const { all, sizes, totals } = await walk(principal, field, 2);
      expect(all).toEqual(expected);
      expect(sizes).toEqual(fullPages(expected.length, 2));
      expect(new Set(totals)).toEqual(new Set([expected.length]));
    }
    // Public labels are whole for everyone.
    expect((await walk(principal, 'actors', 50)).all).toEqual(Object.values(A).sort());
  });

  it('filters and ordering by marking see only visible markings', async () => {
    const byMarking = await ask(
      principal,
      `{ red: statements(where: { marking: { eq: RED } }) { totalCount edges { node { id } } }
         aboveClear: sources(where: { NOT: { marking: { eq: CLEAR } } }) { totalCount edges { node { id marking } } }
         ordered: statements(first: 50, orderBy: [{ field: MARKING, direction: DESC }, { field: ID, direction: ASC }]) { edges { node { id marking } } } }`,
    );
    expect(ids(byMarking.red)).toEqual(visibleTo(c, [S.redDenial]));
    expect(byMarking.red.totalCount).toBe(sees(c, S.redDenial) ? 1 : 0);
    expect(ids(byMarking.aboveClear)).toEqual(sources.filter((id) => MARKED[id] !== 'CLEAR'));
    for (const e of byMarking.aboveClear.edges) expect(e.node.marking).toBe(MARKED[e.node.id]);
    const rank = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
    const expectedOrder = [...statements].sort((x, y) => rank.indexOf(MARKED[y]) - rank.indexOf(MARKED[x]) || (x < y ? -1 : 1));
    expect(ids(byMarking.ordered)).toEqual(expectedOrder);
  });

  it('relationship filters do not match, nor spoil, through what it may not see', async () => {
    const result = await ask(
      principal,
      `{ contradicted: statements(where: { contradictedBy: { some: {} } }) { edges { node { id } } }
         neverContradicted: statements(where: { contradictedBy: { none: {} } }) { totalCount }
         quotingAmber: statements(where: { sources: { some: { node: { marking: { eq: AMBER } } } } }) { edges { node { id } } } }`,
    );
    expect(ids(result.contradicted)).toEqual(visibleTo(c, [S.clearClaim]).filter(() => sees(c, S.redDenial)));
    expect(result.neverContradicted.totalCount).toBe(statements.length - (sees(c, S.redDenial) ? 1 : 0));
    expect(ids(result.quotingAmber)).toEqual(sees(c, SRC.amberPartner) ? [S.amberAssess, S.clearQuote] : []);
  });

  it('nested connections hold only visible nodes, with their counts', async () => {
    const result = await ask(
      principal,
      `query ($claim: ID!, $article: ID!, $town: ID!, $bravo: ID!) {
        statement(id: $claim) {
          sources(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } }
          contradictedBy { totalCount edges { node { id } } }
          supportedBy { totalCount edges { node { id } } }
          disputedBy { totalCount edges { node { id } } }
        }
        source(id: $article) { cites { totalCount edges { node { id } } } statements { totalCount edges { node { id } } } }
        place(id: $town) { statements(first: 3) { totalCount edges { node { id } } } }
        actor(id: $bravo) { statements { totalCount edges { node { id } } } }
      }`,
      { claim: S.clearClaim, article: SRC.clearArticle, town: P.northtown, bravo: A.bravo },
    );
    const claimSources = visibleTo(c, [SRC.clearArticle, SRC.clearOrigin, SRC.redRelay]);
    expect(ids(result.statement.sources)).toEqual(claimSources.slice(0, 2));
    expect(result.statement.sources.totalCount).toBe(claimSources.length);
    expect(result.statement.sources.pageInfo.hasNextPage).toBe(claimSources.length > 2);
    expect(ids(result.statement.contradictedBy)).toEqual(visibleTo(c, [S.redDenial]));
    expect(result.statement.contradictedBy.totalCount).toBe(visibleTo(c, [S.redDenial]).length);
    expect(ids(result.statement.supportedBy)).toEqual(visibleTo(c, [S.greenReport]));
    expect(ids(result.statement.disputedBy)).toEqual(visibleTo(c, [S.amberAssess]));
    expect(ids(result.source.cites)).toEqual(visibleTo(c, [SRC.redRelay]));
    expect(result.source.cites.totalCount).toBe(visibleTo(c, [SRC.redRelay]).length);
    expect(ids(result.source.statements)).toEqual(visibleTo(c, [S.clearClaim, S.clearQuote, S.clearRebuttal]));
    expect(ids(result.place.statements)).toEqual(statements.slice(0, 3));
    expect(result.place.statements.totalCount).toBe(statements.length);
    const bravo = visibleTo(c, [S.amberAssess, S.clearRebuttal, S.redDenial]);
    expect(ids(result.actor.statements)).toEqual(bravo);
    expect(result.actor.statements.totalCount).toBe(bravo.length);
  });

  it('node(id:) and nodes(ids:) are null for what it may not see, as for an unknown id', async () => {
    const everything = [...ALL_NODES, 'statement:no-such-claim'];
    const result = await ask(principal, `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: everything });
    expect(result.nodes.map((n: { id: string } | null) => n?.id ?? null)).toEqual(everything.map((id) => (id === 'statement:no-such-claim' || !sees(c, id) ? null : id)));
    for (const id of [S.redDenial, SRC.amberPartner, S.greenReport]) {
      const one = await ask(principal, `query ($id: ID!) { node(id: $id) { id } statement: statement(id: $id) { id } source: source(id: $id) { id } }`, { id });
      expect(one.node?.id ?? null).toBe(sees(c, id) ? id : null);
    }
  });

  it('search: hits it may not see are not hits (full pages, honest totals)', async () => {
    const query = `query ($after: String) { search(query: "bridge", labels: [STATEMENT, SOURCE], first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
    const found: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    let total = -1;
    for (let guard = 0; guard < 10; guard++) {
      const page: any = (await ask(principal, query, { after })).search;
      total = page.totalCount;
      found.push(...ids(page));
      sizes.push(page.edges.length);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    // Every statement says "bridge", and so does the daily article's title.
    const expected = [...statements, ...visibleTo(c, [SRC.clearArticle])].sort();
    expect([...found].sort()).toEqual(expected);
    expect(total).toBe(expected.length);
    expect(sizes).toEqual(fullPages(expected.length, 2));
  });

  it('neighbourhood: reaches only visible nodes, and nothing through a hidden one', async () => {
    for (const [start, depth] of [
      [P.northtown, 1],
      [SRC.clearOrigin, 2],
    ] as const) {
      const result = await ask(
        principal,
        `query ($id: ID!, $depth: Int) { neighbourhood(id: $id, depth: $depth, limit: 1000) { nodes { id } edges { type from to } truncated } }`,
        { id: start, depth },
      );
      const got = result.neighbourhood;
      const expected = reach([start], depth, c);
      expect(got.nodes.map((n: any) => n.id).sort()).toEqual(expected);
      const inside = new Set(expected);
      const expectedEdges = markingFixture.edges.filter((e) => inside.has(e.from) && inside.has(e.to)).map(key).sort();
      expect(got.edges.map(key).sort()).toEqual(expectedEdges);
    }
    const hidden = await ask(principal, `{ neighbourhood(id: "${S.redDenial}") { nodes { id } } }`);
    expect(hidden.neighbourhood === null).toBe(!sees(c, S.redDenial));
  });

  it('shortestPath: never through a statement or source it may not see', async () => {
    const result = await ask(
      principal,
      `query ($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxDepth: 6) { nodes { id } edges { type from to } } }`,
      { from: SRC.clearOrigin, to: A.bravo },
    );
    const path = result.shortestPath;
    const nodes: string[] = path.nodes.map((n: any) => n.id);
    for (const id of nodes) expect(sees(c, id)).toBe(true);
    // Through the AMBER assessment (or the RED denial) the path is 3 hops; without them it is 4.
    expect(path.edges.length).toBe(sees(c, S.amberAssess) ? 3 : 4);
    expect(nodes[0]).toBe(SRC.clearOrigin);
    expect(nodes[nodes.length - 1]).toBe(A.bravo);
    const toHidden = await ask(principal, `{ shortestPath(from: "${A.alpha}", to: "${SRC.redIntercept}") { nodes { id } } }`);
    expect(toHidden.shortestPath === null).toBe(!sees(c, SRC.redIntercept));
  });

  it('provenance: a relay chain stops at a source it may not see, and such an origin is not counted', async () => {
    const query = `query ($id: ID!) { provenance(id: $id) {
      independentOrigins sourceCount
      reports { source { id } chains { sources { id } } }
      chains { sources { id } }
      origins { publisher { id } sources { id } }
    } }`;
    const claim = (await ask(principal, query, { id: S.clearClaim })).provenance;
    const chainIds = claim.chains.map((ch: any) => ch.sources.map((s: any) => s.id));
    if (sees(c, SRC.redRelay)) {
      expect(chainIds).toEqual([[SRC.clearArticle, SRC.redRelay, SRC.clearOrigin]]);
      expect(claim.origins.map((o: any) => o.publisher.id)).toEqual([A.ministry]);
    } else {
      // The article cites nothing it can see that carries the claim: it is an origin of its own.
      expect(chainIds.sort()).toEqual([[SRC.clearArticle], [SRC.clearOrigin]]);
      expect(claim.origins.map((o: any) => o.publisher.id).sort()).toEqual([A.daily, A.ministry]);
    }
    expect(claim.independentOrigins).toBe(claim.origins.length);
    expect(claim.sourceCount).toBe(visibleTo(c, [SRC.clearArticle, SRC.redRelay, SRC.clearOrigin]).length);
    expect(claim.reports.map((r: any) => r.source.id).sort()).toEqual(visibleTo(c, [SRC.clearArticle, SRC.clearOrigin, SRC.redRelay]));
    const everyId = JSON.stringify(claim);
    for (const id of Object.keys(MARKED)) if (!sees(c, id)) expect(everyId).not.toContain(id);

    const quote = (await ask(principal, query, { id: S.clearQuote })).provenance;
    expect(quote.independentOrigins).toBe(sees(c, SRC.amberPartner) ? 2 : 1);
    expect(quote.origins.flatMap((o: any) => o.sources.map((s: any) => s.id)).sort()).toEqual(visibleTo(c, [SRC.amberPartner, SRC.clearArticle]));

    const hidden = await ask(principal, query, { id: S.redDenial });
    expect(hidden.provenance === null).toBe(!sees(c, S.redDenial));
  });

  it('corroboration counts only origins it may see', async () => {
    const query = `query ($min: Int, $max: Int) { corroboration(minOrigins: $min, maxOrigins: $max, first: 50) {
      totalCount edges { independentOrigins node { id } } } }`;
    const two = (await ask(principal, query, { min: 2 })).corroboration;
    // As counted above: the claim rests on two origins only when the RED relay that joins them is hidden;
    // the quote on two only when the AMBER partner report is visible.
    const expectedTwo: string[] = [...(sees(c, SRC.redRelay) ? [] : [S.clearClaim]), ...(sees(c, SRC.amberPartner) ? [S.clearQuote] : [])].sort();
    expect(ids(two).sort()).toEqual(expectedTwo);
    expect(two.totalCount).toBe(expectedTwo.length);
    const one = (await ask(principal, query, { max: 1 })).corroboration;
    expect(ids(one).sort()).toEqual(statements.filter((id) => !expectedTwo.includes(id)));
    expect(one.totalCount).toBe(statements.length - expectedTwo.length);
  });

  it('contestedClaims: no pair with a statement it may not see', async () => {
    const result = (
      await ask(principal, `{ contestedClaims(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { a { id } b { id } reasons } } } }`)
    ).contestedClaims;
    const pairs = [
      [S.amberAssess, S.clearClaim],
      [S.clearClaim, S.clearRebuttal],
      [S.clearClaim, S.redDenial],
    ].filter(([a, b]) => sees(c, a) && sees(c, b));
    expect(result.totalCount).toBe(pairs.length);
    expect(result.edges.map((e: any) => [e.node.a.id, e.node.b.id])).toEqual(pairs.slice(0, 1));
    expect(result.pageInfo.hasNextPage).toBe(pairs.length > 1);
    const rest = (
      await ask(principal, `query ($after: String) { contestedClaims(first: 10, after: $after) { edges { node { a { id } b { id } } } } }`, {
        after: result.pageInfo.endCursor,
      })
    ).contestedClaims;
    expect(rest.edges.map((e: any) => [e.node.a.id, e.node.b.id])).toEqual(pairs.slice(1));
  });

  it('timeline (with asOf): only statements it may see, pages full', async () => {
    const byDate = [S.clearClaim, S.clearRebuttal, S.redDenial, S.greenReport, S.amberAssess, S.clearQuote];
    const query = `query ($id: ID!, $asOf: Date, $after: String) { timeline(id: $id, asOf: $asOf, first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
    const all: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page: any = (await ask(principal, query, { id: P.northtown, after })).timeline;
      expect(page.totalCount).toBe(visibleTo(c, byDate).length);
      expect(page.edges.length).toBe(Math.min(2, visibleTo(c, byDate).length - all.length));
      all.push(...ids(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(all).toEqual(visibleTo(c, byDate));
    const asOf = (await ask(principal, query, { id: P.northtown, asOf: '2024-12-11' })).timeline;
    expect(ids(asOf)).toEqual(visibleTo(c, [S.clearClaim, S.clearRebuttal, S.redDenial]).slice(0, 2));
    expect(asOf.totalCount).toBe(visibleTo(c, [S.clearClaim, S.clearRebuttal, S.redDenial]).length);
    const bravo = (await ask(principal, query, { id: A.bravo })).timeline;
    expect(bravo.totalCount).toBe(visibleTo(c, [S.clearRebuttal, S.redDenial, S.amberAssess]).length);
  });

  it('history and asRecorded: nothing about what it may not see', async () => {
    const query = `query ($id: ID!) { history(id: $id, first: 100) { totalCount edges { node { op entityId edge { type from to } } } } }`;
    const article = (await ask(principal, query, { id: SRC.clearArticle })).history;
    // The import logged the article's creation and each of its relationships.
    const touching = markingFixture.edges.filter((e) => e.from === SRC.clearArticle || e.to === SRC.clearArticle);
    const expected = ['CREATE', ...touching.filter((e) => sees(c, e.from) && sees(c, e.to)).map(key)].sort();
    const got = article.edges.map((e: any) => (e.node.edge ? key(e.node.edge) : e.node.op)).sort();
    expect(got).toEqual(expected);
    expect(article.totalCount).toBe(expected.length);

    for (const id of [S.redDenial, SRC.amberPartner, S.greenReport]) {
      const hidden = (await ask(principal, query, { id })).history;
      if (sees(c, id)) expect(hidden.totalCount).toBeGreaterThan(0);
      else expect(hidden).toEqual({ totalCount: 0, edges: [] });
    }

    const recorded = `query ($id: ID!, $at: DateTime!) { asRecorded(id: $id, at: $at) { exists properties edges { type from to } } }`;
    const now = new Date(Date.now() + 60_000).toISOString();
    const state = (await ask(principal, recorded, { id: SRC.clearArticle, at: now })).asRecorded;
    expect(state.exists).toBe(true);
    expect(state.edges.map(key).sort()).toEqual(touching.filter((e) => sees(c, e.from) && sees(c, e.to)).map(key).sort());
    const hidden = (await ask(principal, recorded, { id: SRC.redRelay, at: now })).asRecorded;
    expect(hidden === null).toBe(!sees(c, SRC.redRelay));
    if (hidden) expect(hidden.properties.marking).toBe('RED');
  });

  it('exportSubgraph: the whole graph holds only what it may see, markings included', async () => {
    const query = `query ($selection: SubgraphSelection) { exportSubgraph(selection: $selection, format: JSON) { nodeCount edgeCount text } }`;
    const result = (await ask(principal, query, { selection: null })).exportSubgraph;
    const whole = JSON.parse(result.text) as Bundle;
    expect(result.nodeCount).toBe(whole.nodes.length);
    expect(result.edgeCount).toBe(whole.edges.length);
    expect(whole.nodes.map((n) => n.id).sort()).toEqual(ALL_NODES.filter((id) => sees(c, id)));
    expect(whole.edges.map(key).sort()).toEqual(visibleEdges(c));
    // Markings travel with the records (CLEAR, the default, is left out as it is never stored).
    for (const n of whole.nodes) expect(n.properties.marking).toBe(MARKED[n.id] && MARKED[n.id] !== 'CLEAR' ? MARKED[n.id] : undefined);

    // A seed it may not see is as unknown as one that does not exist.
    const hiddenSeed = await post(principal, query, { selection: { seeds: [SRC.redRelay] } });
    const unknownSeed = await post(principal, query, { selection: { seeds: ['source:no-such-source'] } });
    expect(unknownSeed.status).toBe(404);
    if (sees(c, SRC.redRelay)) expect(hiddenSeed.status).toBe(200);
    else {
      expect(hiddenSeed.status).toBe(404);
      expect(hiddenSeed.body.errors?.[0].message.replace(SRC.redRelay, 'ID')).toBe(unknownSeed.body.errors?.[0].message.replace('source:no-such-source', 'ID'));
    }
  });

  it('GET /export streams only what its key may see, markings included; a hidden seed is 404', async () => {
    const response = await fetch(`${base()}/export?format=ndjson`, { headers: headersOf.get(principal) });
    expect(response.status).toBe(200);
    const records = (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const nodes = records.filter((r) => r.label);
    expect(nodes.map((n) => n.id).sort()).toEqual(ALL_NODES.filter((id) => sees(c, id)));
    expect(records.filter((r) => r.type).map(key).sort()).toEqual(visibleEdges(c));
    for (const n of nodes) expect(n.properties.marking).toBe(MARKED[n.id] && MARKED[n.id] !== 'CLEAR' ? MARKED[n.id] : undefined);
    const seeded = await fetch(`${base()}/export?format=json&seed=${encodeURIComponent(SRC.amberPartner)}&depth=1`, { headers: headersOf.get(principal) });
    expect(seeded.status).toBe(sees(c, SRC.amberPartner) ? 200 : 404);
    await seeded.body?.cancel();
  });

  it('export selections: seeds reach nothing through a hidden node; a statement filter selects no hidden statement', async () => {
    const exported = async (selection: Selection) => JSON.parse(await exportString(h.db, model, 'json', selection, principal)) as Bundle;
    const seeded = await exported({ seeds: [SRC.clearOrigin], depth: 2, closure: 'none' });
    const expected = reach([SRC.clearOrigin], 2, c);
    expect(seeded.nodes.map((n) => n.id).sort()).toEqual(expected);
    const inside = new Set(expected);
    expect(seeded.edges.map(key).sort()).toEqual(markingFixture.edges.filter((e) => inside.has(e.from) && inside.has(e.to)).map(key).sort());
    // With its closure (the default), still nothing hidden: the speakers, sources and publishers it may see.
    const closed = await exported({ seeds: [SRC.clearOrigin], depth: 2 });
    const withClosure = expectedClosure(markingFixture, expected, (id) => sees(c, id));
    expect(closed.nodes.map((n) => n.id).sort()).toEqual([...withClosure].sort());
    expect(closed.edges.map(key).sort()).toEqual(markingFixture.edges.filter((e) => withClosure.has(e.from) && withClosure.has(e.to)).map(key).sort());

    // Only the RED denial was stated on 11 December: the rest see an empty subgraph.
    const filtered = await exported({ from: '2024-12-11', to: '2024-12-11' });
    if (sees(c, S.redDenial)) expect(filtered.nodes.map((n) => n.id).sort()).toEqual([...expectedClosure(markingFixture, reach([S.redDenial], 1, c), (id) => sees(c, id))].sort());
    else expect(filtered).toMatchObject({ nodes: [], edges: [] });
    // Two whole exports of ~20 queries each, planned afresh per clearance: slow only on a loaded machine.
  }, 240_000);
});

describe('the predicate is in the Cypher', () => {
  it('a RED admin gets no predicate at all; lesser clearances get one parameterised predicate', async () => {
    const query = `{ statements(first: 5) { totalCount edges { node { id sources { totalCount } } } } }`;
    // (the key's own lookup is a query too: only the graph's are looked at)
    const graphQueries = (queries: string[]) => queries.filter((q) => q.includes('Statement'));
    const admin = graphQueries((await countQueries(h.db, () => ask(RED_ADMIN, query))).queries);
    expect(admin).toHaveLength(1);
    expect(admin[0]).not.toMatch(/marking/i);
    const reader = graphQueries((await countQueries(h.db, () => ask(CLEAR_READER, query))).queries);
    expect(reader).toHaveLength(1);
    expect(reader[0]).toMatch(/coalesce\(\w+\.marking, 'CLEAR'\) IN \$visibleMarkings/);
  });

  it('the same request by two clearances is two cached plans, never one', async () => {
    const query = `{ statements(first: 50) { totalCount } }`;
    const amber = await ask(AMBER_EDITOR, query);
    const clear = await ask(CLEAR_READER, query);
    const amberAgain = await ask(AMBER_EDITOR, query);
    expect(clear.statements.totalCount).toBe(visibleTo('CLEAR', ALL_STATEMENTS).length);
    expect(amber.statements.totalCount).toBe(visibleTo('AMBER', ALL_STATEMENTS).length);
    expect(amberAgain).toEqual(amber);
  });
});
