import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQueries, createHarness, type Harness } from '../harness.js';

/**
 * The research queries' guards: bad arguments are BAD_USER_INPUT naming the argument, decided before the
 * database is touched (no query runs); and every root field costs exactly one query, however deep the
 * selection below its statements, sources and actors.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const counting = <T>(run: () => Promise<T>) => countQueries(h.db, run);

async function expectBadInput(query: string, argument: string, variables?: Record<string, unknown>) {
  const { result, queries } = await counting(() => h.run(query, variables));
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  expect(queries).toEqual([]);
  return result.errors![0];
}

describe('bad inputs', () => {
  it('first above 100', async () => {
    for (const q of [
      `{ contestedClaims(first: 101) { totalCount } }`,
      `{ corroboration(first: 101) { totalCount } }`,
      `{ timeline(id: "place:kupyansk", first: 101) { totalCount } }`,
    ]) {
      const error = await expectBadInput(q, 'first');
      expect(error.message).toContain('100');
    }
    await expectBadInput(`{ timeline(id: "place:kupyansk", first: -1) { totalCount } }`, 'first');
  });

  it('malformed ids, and ids of the wrong kind', async () => {
    await expectBadInput(`{ timeline(id: "Kupyansk") { totalCount } }`, 'id');
    await expectBadInput(`{ timeline(id: "statement:wgf-full-control-2024-12-16") { totalCount } }`, 'id');
    await expectBadInput(`{ provenance(id: "statement:Not Valid") { independentOrigins } }`, 'id');
    await expectBadInput(`{ provenance(id: "source:report-kupyansk") { independentOrigins } }`, 'id');
    await expectBadInput(`{ contestedClaims(about: "place:") { totalCount } }`, 'about');
    await expectBadInput(`{ contestedClaims(about: "source:report-kupyansk") { totalCount } }`, 'about');
  });

  it('impossible dates are BAD_USER_INPUT naming the argument (or, given as a variable, the variable)', async () => {
    await expectBadInput(`{ timeline(id: "place:kupyansk", from: "2024-02-30") { totalCount } }`, 'from');
    await expectBadInput(`{ timeline(id: "place:kupyansk", to: "2023-02-29") { totalCount } }`, 'to');
    await expectBadInput(`{ timeline(id: "place:kupyansk", asOf: "2024-13-01") { totalCount } }`, 'asOf');
    // As a variable, the Date scalar rejects it while coercing variables: BAD_USER_INPUT naming the variable.
    const { result, queries } = await counting(() =>
      h.run(`query ($d: Date) { contestedClaims(from: $d) { totalCount } }`, { d: '2024-02-30' }),
    );
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain('$d');
    expect(queries).toEqual([]);
    await expectBadInput(`{ contestedClaims(to: "16/12/2024") { totalCount } }`, 'to');
    // 29 February of a leap year is a real day.
    const ok = await h.run(`{ timeline(id: "place:kupyansk", from: "2024-02-29", to: "2024-02-29") { totalCount } }`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.timeline.totalCount).toBe(0);
  });

  it('a window whose from is after its to', async () => {
    const error = await expectBadInput(`{ timeline(id: "place:kupyansk", from: "2024-12-16", to: "2024-12-01") { totalCount } }`, 'from');
    expect(error.message).toContain('after');
    await expectBadInput(`{ contestedClaims(from: "2024-12-16", to: "2024-12-01") { totalCount } }`, 'from');
  });

  it('origin bounds', async () => {
    await expectBadInput(`{ corroboration(minOrigins: -1) { totalCount } }`, 'minOrigins');
    await expectBadInput(`{ corroboration(minOrigins: 3, maxOrigins: 2) { totalCount } }`, 'minOrigins');
  });

  it('cursors that are not cursors of this list', async () => {
    const timelineCursor = (await h.data(`{ timeline(id: "place:kupyansk", first: 1) { pageInfo { endCursor } } }`)).timeline.pageInfo
      .endCursor;
    const pairCursor = (await h.data(`{ contestedClaims(first: 1) { pageInfo { endCursor } } }`)).contestedClaims.pageInfo.endCursor;
    await expectBadInput(`query ($c: String) { contestedClaims(after: $c) { totalCount } }`, 'after', { c: timelineCursor });
    await expectBadInput(`query ($c: String) { timeline(id: "place:kupyansk", after: $c) { totalCount } }`, 'after', { c: pairCursor });
    await expectBadInput(`query ($c: String) { corroboration(after: $c) { totalCount } }`, 'after', { c: pairCursor });
    await expectBadInput(`{ timeline(id: "place:kupyansk", after: "not a cursor!") { totalCount } }`, 'after');
  });
});

describe('one round trip per root field', () => {
  const STATEMENT = `id text statedAt { start precision }
    speaker { name side ... on Actor { memberships { edges { role node { ... on Unit { name parent { name } } ... on Actor { name } } } } } }
    about { edges { role node { ... on Place { name parent { name } } ... on Unit { name } ... on Actor { name } } } }
    sources(first: 3) { totalCount edges { quote node { title cites { edges { node { title publisher { name } } } } } } }
    disputedBy { edges { note node { id speaker { name } } } }`;

  it.each([
    ['contestedClaims', `{ contestedClaims(about: "place:kupyansk", first: 5) { totalCount edges { node { reasons a { ${STATEMENT} } b { ${STATEMENT} } subjects { ... on Place { name children { totalCount } } } } } } }`],
    ['provenance', `{ provenance(id: "statement:wgf-full-control-2024-12-16") { statement { ${STATEMENT} } speaker { name statements { totalCount } }
        reports { quote source { title publisher { name } } chains { sources { title citedBy { edges { node { id } } } } } }
        chains { sources { id author { name } } } origins { publisher { name members { edges { node { name } } } } sources { title statements { edges { node { id } } } } } } }`],
    ['corroboration', `{ corroboration(first: 5) { totalCount edges { independentOrigins origins { publisher { name } sources { title } } node { ${STATEMENT} } } } }`],
    ['timeline', `{ timeline(id: "place:kupyansk", first: 5) { totalCount edges { precision side node { ${STATEMENT} } } } }`],
  ])('%s costs exactly one query for a nested selection', async (field, query) => {
    const { result, queries } = await counting(() => h.run(query));
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(queries).toHaveLength(1);
    const json = JSON.stringify(result.data);
    expect(json.length).toBeGreaterThan(500);
    expect(Object.keys(result.data!)).toEqual([field]);
  });
});
