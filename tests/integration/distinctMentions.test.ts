import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';
import { ANONYMOUS_READER } from '../../src/auth/principal.js';

/**
 * A statement about a place in two roles is two ABOUT edges but one statement: Place.statements (and
 * Actor/Unit.mentionedIn, and Statement.about from the other side) count and page statements, each once,
 * its edge listing every role in SubjectRole's declared order (SUBJECT, OBJECT, LOCATION). Written through
 * the mutations, read through the API, checked against what the test wrote.
 */

let h: Harness;

const A = 'place:two-roles-town';
const B = 'place:two-roles-village';
const X = 'actor:two-roles-commander';
const SOURCE = 'source:wgf-press-briefing-2024-12-16';
const SPEAKER = 'actor:leonid-sharov';

/** Statements: their day and what they are about. Days out of id order, so statedAt order is not id order. */
const STATEMENTS: Array<{ id: string; day: string; about: Array<[string, string]>; marking?: string }> = [
  { id: 'statement:two-roles-1', day: '2024-12-03', about: [[A, 'OBJECT'], [A, 'LOCATION'], [X, 'SUBJECT'], [B, 'LOCATION']] },
  { id: 'statement:two-roles-2', day: '2024-12-01', about: [[A, 'LOCATION'], [A, 'OBJECT'], [X, 'SUBJECT'], [X, 'OBJECT']] },
  { id: 'statement:two-roles-3', day: '2024-12-04', about: [[A, 'OBJECT'], [A, 'LOCATION']] },
  // The same day as the first: ties are broken by id.
  { id: 'statement:two-roles-4', day: '2024-12-03', about: [[A, 'LOCATION'], [A, 'OBJECT'], [B, 'OBJECT']] },
  { id: 'statement:two-roles-5', day: '2024-12-02', about: [[B, 'SUBJECT'], [B, 'LOCATION']] },
  { id: 'statement:two-roles-6', day: '2024-12-05', about: [[B, 'OBJECT'], [B, 'LOCATION']], marking: 'GREEN' },
];
const ROLE_ORDER = ['SUBJECT', 'OBJECT', 'LOCATION'];
const rolesOf = (statement: string, subject: string) =>
  STATEMENTS.find((s) => s.id === statement)!
    .about.filter(([id]) => id === subject)
    .map(([, role]) => role)
    .sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));

const ERRORS = 'userErrors { field message code }';

beforeAll(async () => {
  h = await createHarness();
  const write = async (mutation: string, input: unknown) => {
    const data = await h.data(`mutation ($input: ${mutation.replace(/^./, (c) => c.toUpperCase())}Input!) { ${mutation}(input: $input) { ${ERRORS} } }`, { input });
    expect(data[mutation].userErrors).toEqual([]);
  };
  await write('upsertPlace', { id: A, kind: 'CITY', name: 'Two Roles Town' });
  await write('upsertPlace', { id: B, kind: 'CITY', name: 'Two Roles Village' });
  await write('upsertActor', { id: X, kind: 'PERSON', name: 'Two Roles Commander', aliases: [] });
  for (const s of STATEMENTS) {
    await write('upsertStatement', {
      id: s.id,
      text: `A claim with subjects in several roles (${s.id}).`,
      kind: 'CONTROL',
      statedAt: { start: s.day, end: s.day, precision: 'DAY' },
      speakerId: SPEAKER,
      sources: [{ sourceId: SOURCE }],
      about: s.about.map(([id, role]) => ({ id, role })),
      ...(s.marking ? { marking: s.marking } : {}),
    });
  }
  // A membership in two roles, each with its own period: two memberships, not one (see below).
  await write('linkMembership', { memberId: X, organisationId: 'unit:western-group-of-forces', role: 'commander', from: { start: '2022-01-01', end: '2022-01-31', precision: 'MONTH' } });
  await write('linkMembership', { memberId: X, organisationId: 'unit:western-group-of-forces', role: 'deputy', from: { start: '2020-01-01', end: '2020-12-31', precision: 'YEAR' } });
}, 120_000);
afterAll(() => h.close());

interface Edge {
  cursor: string;
  role: string;
  roles: string[];
  node: { id: string };
}
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Edge[];
}

const PLACE = `query ($id: ID!, $first: Int!, $after: String, $where: MentionMatch, $orderBy: [StatementOrder!]) {
  place(id: $id) {
    statements(first: $first, after: $after, where: $where, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor role roles node { id } }
    }
  }
}`;

async function placePage(id: string, first: number, after: string | null, extra: Record<string, unknown> = {}): Promise<Page> {
  return (await h.data(PLACE, { id, first, after, ...extra })).place.statements;
}

/** Walks a list page by page and returns every edge, checking each page's count and size on the way. */
async function walk(fetch: (after: string | null) => Promise<Page>, size: number, total: number): Promise<Edge[]> {
  const edges: Edge[] = [];
  let after: string | null = null;
  for (let i = 0; i <= total; i++) {
    const p = await fetch(after);
    expect(p.totalCount).toBe(total);
    edges.push(...p.edges);
    if (!p.pageInfo.hasNextPage) return edges;
    expect(p.edges).toHaveLength(size);
    after = p.pageInfo.endCursor;
  }
  throw new Error('the list never ended');
}

const aboutA = STATEMENTS.filter((s) => s.about.some(([id]) => id === A));
const byDay = (direction: 'ASC' | 'DESC') =>
  [...aboutA]
    .sort((a, b) => (a.day === b.day ? (a.id < b.id ? -1 : 1) : a.day < b.day ? -1 : 1) * (direction === 'ASC' ? 1 : -1))
    .map((s) => s.id);

describe('Place.statements over a place each statement is about in two roles', () => {
  it('counts statements, not ABOUT edges: 4, each once, with both roles', async () => {
    const all = await placePage(A, 100, null);
    expect(all.totalCount).toBe(4);
    expect(all.edges.map((e) => e.node.id)).toEqual(aboutA.map((s) => s.id).sort());
    for (const e of all.edges) {
      expect(e.roles).toEqual(['OBJECT', 'LOCATION']);
      // The deprecated singular field reads the first of them.
      expect(e.role).toBe('OBJECT');
    }
  });

  it.each([1, 3])('pages of %i then the rest, by id: no statement twice, none left out', async (size) => {
    const edges = await walk((after) => placePage(A, size, after), size, 4);
    expect(edges.map((e) => e.node.id)).toEqual(aboutA.map((s) => s.id).sort());
    expect(new Set(edges.map((e) => e.cursor)).size).toBe(4);
  });

  it.each(['ASC', 'DESC'] as const)('pages of 3 then 1 by statedAt %s, ties by id', async (direction) => {
    const orderBy = [{ field: 'STATED_AT', direction }];
    const first = await placePage(A, 3, null, { orderBy });
    expect(first.edges.map((e) => e.node.id)).toEqual(byDay(direction).slice(0, 3));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await placePage(A, 3, first.pageInfo.endCursor, { orderBy });
    expect(second.edges.map((e) => e.node.id)).toEqual(byDay(direction).slice(3));
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.totalCount).toBe(4);
    for (const e of [...first.edges, ...second.edges]) expect(e.roles).toEqual(['OBJECT', 'LOCATION']);
    // Pages of one read the same order (and, under this place, the statedAt index: see below).
    const ones = await walk((after) => placePage(A, 1, after, { orderBy }), 1, 4);
    expect(ones.map((e) => e.node.id)).toEqual(byDay(direction));
  });

  it('both ways of reading a page are exercised: pages of one walk the index, pages of three expand the place', async () => {
    // The planner walks the statedAt index when degree² > (first + 1) × statements (src/planner/printCypher.ts).
    const counts = await h.db.read(`MATCH (p:Place {id: $id}) RETURN COUNT { (p)<-[:ABOUT]-() } AS degree, COUNT { (:Statement) } AS statements`, { id: A });
    const degree = Number(counts.records[0].get('degree'));
    const statements = Number(counts.records[0].get('statements'));
    expect(degree).toBe(8);
    expect(degree * degree).toBeGreaterThan(2 * statements);
    expect(degree * degree).toBeLessThanOrEqual(4 * statements);
  });

  it('a role filter keeps the statements with an edge in that role, listing every role', async () => {
    for (const role of ['OBJECT', 'LOCATION']) {
      const p = await placePage(A, 100, null, { where: { role: { eq: role } } });
      expect(p.totalCount).toBe(4);
      expect(p.edges.map((e) => e.roles)).toEqual(Array(4).fill(['OBJECT', 'LOCATION']));
    }
    const none = await placePage(A, 100, null, { where: { role: { eq: 'SUBJECT' } } });
    expect(none).toMatchObject({ totalCount: 0, edges: [] });

    // Village: #1 LOCATION, #4 OBJECT, #5 SUBJECT and LOCATION, #6 (GREEN) OBJECT and LOCATION.
    const located = await placePage(B, 100, null, { where: { role: { eq: 'LOCATION' } } });
    expect(located.totalCount).toBe(3);
    expect(located.edges.map((e) => [e.node.id, e.roles])).toEqual(
      ['statement:two-roles-1', 'statement:two-roles-5', 'statement:two-roles-6'].map((id) => [id, rolesOf(id, B)]),
    );
    const either = await placePage(B, 2, null, { where: { role: { in: ['SUBJECT', 'LOCATION'] } } });
    expect(either.totalCount).toBe(3);
    expect(either.edges.map((e) => e.node.id)).toEqual(['statement:two-roles-1', 'statement:two-roles-5']);
    const rest = await placePage(B, 2, either.pageInfo.endCursor, { where: { role: { in: ['SUBJECT', 'LOCATION'] } } });
    expect(rest.edges.map((e) => [e.node.id, e.roles])).toEqual([['statement:two-roles-6', ['OBJECT', 'LOCATION']]]);
    // A role filter with a filter on the statement: both must hold of one edge and its statement.
    const narrowed = await placePage(B, 100, null, { where: { role: { eq: 'OBJECT' }, node: { statedAt: { onOrBefore: '2024-12-03' } } } });
    expect(narrowed.edges.map((e) => e.node.id)).toEqual(['statement:two-roles-4']);
  });

  it('a role filter under the index walk (pages of one): each statement once, in order, with every role', async () => {
    const orderBy = [{ field: 'STATED_AT', direction: 'DESC' }];
    const located = await walk((after) => placePage(A, 1, after, { orderBy, where: { role: { eq: 'LOCATION' } } }), 1, 4);
    expect(located.map((e) => [e.node.id, e.roles])).toEqual(byDay('DESC').map((id) => [id, ['OBJECT', 'LOCATION']]));
    const none = await placePage(A, 1, null, { orderBy, where: { role: { eq: 'SUBJECT' } } });
    expect(none).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
    // A filter on the statement as well: both must hold of one edge and its statement.
    const early = await walk(
      (after) => placePage(A, 1, after, { orderBy, where: { role: { eq: 'OBJECT' }, node: { statedAt: { onOrBefore: '2024-12-03' } } } }),
      1,
      3,
    );
    expect(early.map((e) => e.node.id)).toEqual(['statement:two-roles-4', 'statement:two-roles-1', 'statement:two-roles-2']);
  });

  it('what a reader may not see is not counted: the GREEN statement is gone, once', async () => {
    const result = await h.run(PLACE, { id: B, first: 100 }, ANONYMOUS_READER);
    expect(result.errors).toBeUndefined();
    const p = result.data.place.statements as Page;
    expect(p.totalCount).toBe(3);
    expect(p.edges.map((e) => e.node.id)).toEqual(['statement:two-roles-1', 'statement:two-roles-4', 'statement:two-roles-5']);
  });

  it('a list selecting neither roles nor cursors still counts each statement once', async () => {
    const data = await h.data(`query { place(id: "${A}") { statements(first: 2) { totalCount edges { node { id } } } } }`);
    expect(data.place.statements.totalCount).toBe(4);
    expect(data.place.statements.edges.map((e: Edge) => e.node.id)).toEqual(aboutA.map((s) => s.id).sort().slice(0, 2));
  });
});

describe('Actor.mentionedIn and Statement.about: the same, from either end', () => {
  it('an actor that is subject and object of one statement is mentioned in it once', async () => {
    const data = await h.data(`query { actor(id: "${X}") { mentionedIn(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { role roles node { id } } } } }`);
    const m = data.actor.mentionedIn;
    expect(m.totalCount).toBe(2);
    expect(m.edges).toEqual([{ role: 'SUBJECT', roles: ['SUBJECT'], node: { id: 'statement:two-roles-1' } }]);
    const next = await h.data(`query ($after: String) { actor(id: "${X}") { mentionedIn(first: 1, after: $after) { pageInfo { hasNextPage } edges { roles node { id } } } } }`, {
      after: m.pageInfo.endCursor,
    });
    expect(next.actor.mentionedIn.edges).toEqual([{ roles: ['SUBJECT', 'OBJECT'], node: { id: 'statement:two-roles-2' } }]);
    expect(next.actor.mentionedIn.pageInfo.hasNextPage).toBe(false);
  });

  const ABOUT = `query ($id: ID!, $first: Int!, $after: String, $where: StatementSubjectMatch) {
    statement(id: $id) {
      about(first: $first, after: $after, where: $where) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor role roles node { ... on Node { id } } }
      }
    }
  }`;

  it('a subject reached by two roles is one edge with two roles; pages of 2 then 1', async () => {
    const id = 'statement:two-roles-1';
    const expected = [X, A, B].sort().map((s) => [s, rolesOf(id, s)]);
    const edges = await walk(async (after) => (await h.data(ABOUT, { id, first: 2, after })).statement.about, 2, 3);
    expect(edges.map((e) => [e.node.id, e.roles])).toEqual(expected);
    expect(edges.find((e) => e.node.id === A)).toMatchObject({ roles: ['OBJECT', 'LOCATION'], role: 'OBJECT' });
  });

  it('a role filter on the subjects keeps the subjects with that role, listing every role', async () => {
    const p = (await h.data(ABOUT, { id: 'statement:two-roles-2', first: 10, where: { role: { eq: 'OBJECT' } } })).statement.about as Page;
    expect(p.totalCount).toBe(2);
    expect(p.edges.map((e) => [e.node.id, e.roles])).toEqual([
      [X, ['SUBJECT', 'OBJECT']],
      [A, ['OBJECT', 'LOCATION']],
    ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)));
  });

  it('filters over the relationship keep their per-edge meaning: some edge, no edge, every edge', async () => {
    const ids = async (where: unknown) =>
      (await h.data(`query ($where: PlaceWhere) { places(first: 100, where: $where) { edges { node { id } } } }`, { where })).places.edges
        .map((e: Edge) => e.node.id)
        .filter((id: string) => id.startsWith('place:two-roles'));
    expect(await ids({ statements: { some: { role: { eq: 'SUBJECT' } } } })).toEqual([B]);
    expect(await ids({ statements: { every: { role: { in: ['OBJECT', 'LOCATION'] } } } })).toEqual([A]);
  });
});

describe('MEMBER_OF: each membership has its own period, so it stays one edge per role', () => {
  it('an actor that is a member of a unit in two roles has two memberships', async () => {
    const data = await h.data(`query { actor(id: "${X}") { memberships(first: 10) { totalCount edges { role from { start } node { ... on Node { id } } } } } }`);
    expect(data.actor.memberships.totalCount).toBe(2);
    expect(data.actor.memberships.edges).toEqual([
      { role: 'commander', from: { start: '2022-01-01' }, node: { id: 'unit:western-group-of-forces' } },
      { role: 'deputy', from: { start: '2020-01-01' }, node: { id: 'unit:western-group-of-forces' } },
    ]);
  });
});
