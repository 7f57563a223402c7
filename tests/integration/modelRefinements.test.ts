import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, model, type Harness } from '../harness.js';
import { BundleValidationError, type BundleIssue } from '../../src/bundle/bundleSchema.js';
import { importBundle, importRecords } from '../../src/bundle/importBundle.js';
import { openImportSource } from '../../src/bundle/importSources.js';
import { exportCsv, exportString, wipe } from '../exchange.js';

/**
 * The model as refined for a second report: an ADDRESSEE role, the aspect of a stance, the extent of a
 * control claim and a formation as a statement's own speaker — each written by mutation and by import,
 * read, filtered, refused when wrong, and seen by the research queries.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const ERRORS = 'userErrors { field message code }';
const day = (d: string) => ({ start: d, end: d, precision: 'DAY' });
type Props = Record<string, unknown>;
const node = (label: string, id: string, properties: Props) => ({ label, id, properties });
const edge = (type: string, from: string, to: string, properties: Props = {}) => ({ type, from, to, properties });
const bundle = (nodes: unknown[], edges: unknown[]) => ({ format: 'claimgraph-bundle', version: 1, nodes, edges });

/** A statement with its speaker, one source and its subjects, as bundle records. */
function claim(id: string, o: { speaker: string; kind?: string; stated?: string; about?: Array<[string, string]>; props?: Props }) {
  return {
    nodes: [node('Statement', id, { text: `Claim ${id.slice('statement:'.length)}.`, kind: o.kind ?? 'CONTROL', statedAt: day(o.stated ?? '2024-12-16'), ...o.props })],
    edges: [
      edge('MADE_BY', id, o.speaker),
      edge('REPORTED_IN', id, 'source:report-kupyansk'),
      ...(o.about ?? [['place:kupyansk', 'LOCATION']]).map(([to, role]) => edge('ABOUT', id, to, { role })),
    ],
  };
}
function claims(...parts: Array<ReturnType<typeof claim>>) {
  return { nodes: parts.flatMap((p) => p.nodes), edges: parts.flatMap((p) => p.edges) };
}

/** The import must be refused; returns its issues. */
async function refusedImport(input: unknown): Promise<BundleIssue[]> {
  let error: unknown;
  try {
    await importBundle(h.db, model, input);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BundleValidationError);
  return (error as BundleValidationError).issues;
}

const LINK = `mutation ($input: LinkInput!) { link(input: $input) { edge { type from to properties } ${ERRORS} } }`;
const STANCE = `mutation ($input: LinkStatementStanceInput!) { linkStatementStance(input: $input) { edge { type properties } ${ERRORS} } }`;
const SUBJECT = `mutation ($input: LinkStatementSubjectInput!) { linkStatementSubject(input: $input) { edge { type properties } ${ERRORS} } }`;

describe('ADDRESSEE: who a statement is addressed to', () => {
  it('is written by linkStatementSubject and by import, read on both ends and filtered by role', async () => {
    const linked = await h.data(SUBJECT, { input: { statementId: 'statement:wgf-full-control-2024-12-16', subjectId: 'actor:russia', role: 'ADDRESSEE' } });
    expect(linked.linkStatementSubject).toEqual({ edge: { type: 'ABOUT', properties: { role: 'ADDRESSEE' } }, userErrors: [] });

    const reported = claim('statement:addressee-report', { speaker: 'actor:leonid-sharov', kind: 'OTHER', about: [['actor:volodymyr-zelensky', 'ADDRESSEE'], ['place:kupyansk', 'LOCATION']] });
    await importBundle(h.db, model, bundle(reported.nodes, reported.edges));

    const data = await h.data(`{
      statement(id: "statement:addressee-report") { about(where: { role: { eq: ADDRESSEE } }) { edges { role node { ... on Actor { id } } } } }
      actor(id: "actor:volodymyr-zelensky") { mentionedIn(where: { role: { eq: ADDRESSEE } }) { edges { role node { id } } } }
      statements(where: { about: { some: { role: { eq: ADDRESSEE }, node: { actor: { id: { eq: "actor:russia" } } } } } }) { edges { node { id } } }
    }`);
    expect(data.statement.about.edges).toEqual([{ role: 'ADDRESSEE', node: { id: 'actor:volodymyr-zelensky' } }]);
    expect(data.actor.mentionedIn.edges).toEqual([{ role: 'ADDRESSEE', node: { id: 'statement:addressee-report' } }]);
    expect(data.statements.edges).toEqual([{ node: { id: 'statement:wgf-full-control-2024-12-16' } }]);
  });

  it('an unknown role is still refused, by mutation and by import', async () => {
    const result = await h.run(SUBJECT, { input: { statementId: 'statement:wgf-full-control-2024-12-16', subjectId: 'actor:russia', role: 'RECIPIENT' } });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const bad = claim('statement:bad-role', { speaker: 'actor:russia', about: [['actor:ukraine', 'RECIPIENT']] });
    const issues = await refusedImport(bundle(bad.nodes, bad.edges));
    expect(issues).toMatchObject([{ path: 'edges[2].properties.role', message: expect.stringContaining('ADDRESSEE') }]);
  });

  it('two claims addressed to the same person are not a contested pair about that person', async () => {
    const both = claims(
      claim('statement:addressed-ru', { speaker: 'actor:russia', about: [['actor:afp', 'ADDRESSEE']] }),
      claim('statement:addressed-ua', { speaker: 'actor:ukraine', about: [['actor:afp', 'ADDRESSEE']] }),
    );
    await importBundle(h.db, model, bundle(both.nodes, both.edges));
    const data = await h.data(`{ contestedClaims(about: "actor:afp") { totalCount } }`);
    expect(data.contestedClaims.totalCount).toBe(0);
  });
});

describe('the aspect of a stance', () => {
  const A = 'statement:aspect-a';
  const B = 'statement:aspect-b';
  beforeAll(async () => {
    const pair = claims(
      claim(A, { speaker: 'actor:russia', about: [['place:kupyansk-northern-districts', 'LOCATION']] }),
      claim(B, { speaker: 'actor:ukraine', about: [['place:kupyansk-northern-districts', 'LOCATION']] }),
    );
    await importBundle(h.db, model, bundle(pair.nodes, pair.edges));
  });

  it('is set by linkStatementStance and by link, read on both ends of the edge', async () => {
    const typed = await h.data(STANCE, { input: { fromStatementId: A, toStatementId: B, stance: 'SUPPORTS', aspect: 'OUTCOME', note: 'Both say the districts changed hands.' } });
    expect(typed.linkStatementStance).toEqual({ edge: { type: 'SUPPORTS', properties: { note: 'Both say the districts changed hands.', aspect: 'OUTCOME' } }, userErrors: [] });
    const generic = await h.data(LINK, { input: { type: 'CONTRADICTS', from: B, to: A, properties: { aspect: 'TIMING', note: 'A week apart.' } } });
    expect(generic.link.userErrors).toEqual([]);
    expect(generic.link.edge.properties).toEqual({ aspect: 'TIMING', note: 'A week apart.' });

    const data = await h.data(`{
      a: statement(id: "${A}") { supports { edges { aspect note node { id } } } contradictedBy { edges { aspect node { id } } } }
      b: statement(id: "${B}") { supportedBy { edges { aspect node { id } } } contradicts { edges { aspect node { id } } } }
    }`);
    expect(data.a.supports.edges).toEqual([{ aspect: 'OUTCOME', note: 'Both say the districts changed hands.', node: { id: B } }]);
    expect(data.a.contradictedBy.edges).toEqual([{ aspect: 'TIMING', node: { id: B } }]);
    expect(data.b.supportedBy.edges).toEqual([{ aspect: 'OUTCOME', node: { id: A } }]);
    expect(data.b.contradicts.edges).toEqual([{ aspect: 'TIMING', node: { id: A } }]);
  });

  it('filters stance connections, and statements through them, by aspect', async () => {
    const data = await h.data(`{
      outcome: statement(id: "${A}") { supports(where: { aspect: { eq: OUTCOME } }) { totalCount } }
      timing: statement(id: "${A}") { supports(where: { aspect: { in: [TIMING, EXTENT] } }) { totalCount } }
      byAspect: statements(where: { contradicts: { some: { aspect: { eq: TIMING } } } }) { edges { node { id } } }
      otherAspect: statements(where: { supports: { some: { aspect: { eq: OUTCOME } } }, id: { in: ["${A}", "statement:report-kupyansk-strategic-role"] } }) { edges { node { id } } }
    }`);
    expect(data.outcome.supports.totalCount).toBe(1);
    expect(data.timing.supports.totalCount).toBe(0);
    expect(data.byAspect.edges).toEqual([{ node: { id: B } }]);
    expect(data.otherAspect.edges).toEqual([{ node: { id: A } }]);
  });

  it('a pair that supports on one aspect and contradicts on another is contested by the contradiction, and sides differ', async () => {
    const data = await h.data(`{ contestedClaims(about: "place:kupyansk-northern-districts", first: 100) { edges { node { a { id } b { id } reasons stances { kind direction aspect note } } } } }`);
    const pair = data.contestedClaims.edges.map((e: any) => e.node).find((p: any) => p.a.id === A && p.b.id === B);
    // Support on OUTCOME only leaves the other aspects open: the sides inference stands beside the edge.
    expect(pair).toEqual({ a: { id: A }, b: { id: B }, reasons: ['CONTRADICTS', 'SIDES_DIFFER'], stances: [{ kind: 'CONTRADICTS', direction: 'B_TO_A', aspect: 'TIMING', note: 'A week apart.' }] });
  });

  it('support on the whole claim (no aspect) rules SIDES_DIFFER out; support on one aspect does not', async () => {
    const more = claims(
      claim('statement:aspect-c', { speaker: 'actor:russia', about: [['place:test-hamlet', 'LOCATION']] }),
      claim('statement:aspect-d', { speaker: 'actor:ukraine', about: [['place:test-hamlet', 'LOCATION']] }),
    );
    await importBundle(h.db, model, bundle([node('Place', 'place:test-hamlet', { kind: 'CITY', name: 'Test hamlet' }), ...more.nodes], more.edges));
    const contested = async () => (await h.data(`{ contestedClaims(about: "place:test-hamlet") { edges { node { reasons stances { kind } } } } }`)).contestedClaims.edges;
    expect(await contested()).toEqual([{ node: { reasons: ['SIDES_DIFFER'], stances: [] } }]);
    await h.data(STANCE, { input: { fromStatementId: 'statement:aspect-c', toStatementId: 'statement:aspect-d', stance: 'SUPPORTS', aspect: 'LOCATION' } });
    expect(await contested()).toEqual([{ node: { reasons: ['SIDES_DIFFER'], stances: [] } }]);
    // Linked again without an aspect: the same edge, now on the whole claim.
    await h.data(STANCE, { input: { fromStatementId: 'statement:aspect-c', toStatementId: 'statement:aspect-d', stance: 'SUPPORTS' } });
    expect(await contested()).toEqual([]);
  });

  it('refuses an unknown aspect: a malformed request on the typed input, a userError on link, an issue on import', async () => {
    const typed = await h.run(STANCE, { input: { fromStatementId: A, toStatementId: B, stance: 'DISPUTES', aspect: 'WHEN' } });
    expect(typed.data).toBeUndefined();
    expect(typed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const literal = await h.run(`mutation { linkStatementStance(input: { fromStatementId: "${A}", toStatementId: "${B}", stance: DISPUTES, aspect: WHEN }) { ${ERRORS} } }`);
    expect(literal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const generic = await h.data(LINK, { input: { type: 'DISPUTES', from: A, to: B, properties: { aspect: 'when' } } });
    expect(generic.link).toMatchObject({ edge: null, userErrors: [{ field: ['input', 'properties', 'aspect'], code: 'INVALID', message: expect.stringContaining('OUTCOME') }] });
    const issues = await refusedImport(bundle([], [edge('DISPUTES', A, B, { aspect: 'WHEN' })]));
    expect(issues).toMatchObject([{ path: 'edges[0].properties.aspect', message: expect.stringContaining('CASUALTIES') }]);
    // Nothing was written.
    expect((await h.data(`{ statement(id: "${A}") { disputes { totalCount } } }`)).statement.disputes.totalCount).toBe(0);
  });

  it('is set and changed by import; a bundle without it imports as no aspect', async () => {
    await importBundle(h.db, model, bundle([], [edge('DISPUTES', A, B, { aspect: 'CASUALTIES', note: 'Losses differ.' }), edge('DISPUTES', 'statement:aspect-c', A)]));
    const read = async () =>
      h.data(`{ a: statement(id: "${A}") { disputes { edges { aspect note node { id } } } } c: statement(id: "statement:aspect-c") { disputes { edges { aspect node { id } } } } }`);
    let data = await read();
    expect(data.a.disputes.edges).toEqual([{ aspect: 'CASUALTIES', note: 'Losses differ.', node: { id: B } }]);
    expect(data.c.disputes.edges).toEqual([{ aspect: null, node: { id: A } }]);
    await importBundle(h.db, model, bundle([], [edge('DISPUTES', A, B, { aspect: 'ATTRIBUTION', note: 'Losses differ.' })]));
    data = await read();
    expect(data.a.disputes.edges).toEqual([{ aspect: 'ATTRIBUTION', note: 'Losses differ.', node: { id: B } }]);
  });
});

describe('support and opposition between the same pair', () => {
  const A = 'statement:aspect-a';
  const B = 'statement:aspect-b';

  it('are refused on the same aspect, or when the support is on the whole claim (CONFLICT), by link', async () => {
    const typed = await h.data(STANCE, { input: { fromStatementId: A, toStatementId: B, stance: 'CONTRADICTS', aspect: 'OUTCOME' } });
    expect(typed.linkStatementStance).toEqual({
      edge: null,
      userErrors: [
        {
          field: ['input', 'aspect'],
          code: 'CONFLICT',
          message: `${A} SUPPORTS ${B} on OUTCOME already; one statement cannot both support and oppose another on the same aspect (OUTCOME)`,
        },
      ],
    });
    // B contradicts A on TIMING: support for the whole of A would cover TIMING too.
    const whole = await h.data(LINK, { input: { type: 'SUPPORTS', from: B, to: A, properties: {} } });
    expect(whole.link.userErrors).toEqual([
      { field: ['input', 'properties', 'aspect'], code: 'CONFLICT', message: `${B} CONTRADICTS ${A} on TIMING already; one statement cannot both support and oppose another on the whole claim` },
    ]);
    // On another aspect it stands beside the others.
    const other = await h.data(LINK, { input: { type: 'SUPPORTS', from: B, to: A, properties: { aspect: 'LOCATION' } } });
    expect(other.link.userErrors).toEqual([]);
    await h.data(`mutation { unlink(input: { type: SUPPORTS, from: "${B}", to: "${A}" }) { ${ERRORS} } }`);
  });

  it('are refused by import, against the database and within the input; an edge the input gives again is judged as given', async () => {
    let issues = await refusedImport(bundle([], [edge('CONTRADICTS', B, A, { aspect: 'TIMING' }), edge('DISPUTES', A, B, { aspect: 'OUTCOME' })]));
    expect(issues).toEqual([
      expect.objectContaining({ path: 'edges[1].to', message: `${A} SUPPORTS ${B} on OUTCOME in the database; one statement cannot both support and oppose another on the same aspect (OUTCOME)` }),
    ]);
    const pair = claims(claim('statement:aspect-e', { speaker: 'actor:russia' }), claim('statement:aspect-f', { speaker: 'actor:ukraine' }));
    issues = await refusedImport(
      bundle(pair.nodes, [...pair.edges, edge('SUPPORTS', 'statement:aspect-e', 'statement:aspect-f', { aspect: 'TIMING' }), edge('DISPUTES', 'statement:aspect-f', 'statement:aspect-e', { aspect: 'TIMING' })]),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        path: `edges[${pair.edges.length + 1}].to`,
        message: 'statement:aspect-e SUPPORTS statement:aspect-f on TIMING in this input; one statement cannot both support and oppose another on the same aspect (TIMING)',
      }),
    ]);
    // The stored SUPPORTS A→B (OUTCOME) is given again on EXTENT: a contradiction on OUTCOME is then no clash.
    await importBundle(h.db, model, bundle([], [edge('SUPPORTS', A, B, { aspect: 'EXTENT' }), edge('CONTRADICTS', A, B, { aspect: 'OUTCOME' })]));
    const data = await h.data(`{ statement(id: "${A}") { supports { edges { aspect } } contradicts { edges { aspect } } } }`);
    expect(data.statement).toEqual({ supports: { edges: [{ aspect: 'EXTENT' }] }, contradicts: { edges: [{ aspect: 'OUTCOME' }] } });
  });
});

describe('the extent of a control claim', () => {
  const UPSERT = `mutation ($input: UpsertStatementInput!) { upsertStatement(input: $input) { statement { id kind extent } ${ERRORS} } }`;
  const UPDATE = `mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) { statement { id kind extent } ${ERRORS} } }`;
  const input = (id: string, kind: string, extent?: string) => ({
    id,
    text: `Extent test ${id}.`,
    kind,
    ...(extent ? { extent } : {}),
    statedAt: day('2024-12-18'),
    speakerId: 'actor:ukraine',
    sources: [{ sourceId: 'source:report-kupyansk' }],
    about: [{ id: 'place:kupyansk', role: 'LOCATION' }],
  });

  it('is written by upsertStatement and updateStatement, cleared by unset, and filtered on', async () => {
    const created = await h.data(UPSERT, { input: input('statement:extent-partial', 'CONTROL', 'PARTIAL') });
    expect(created.upsertStatement).toEqual({ statement: { id: 'statement:extent-partial', kind: 'CONTROL', extent: 'PARTIAL' }, userErrors: [] });
    await h.data(UPSERT, { input: input('statement:extent-none', 'CONTROL') });
    const updated = await h.data(UPDATE, { input: { id: 'statement:extent-none', set: { extent: 'CONTESTED' } } });
    expect(updated.updateStatement.statement).toEqual({ id: 'statement:extent-none', kind: 'CONTROL', extent: 'CONTESTED' });

    const filter = async (where: string) =>
      (await h.data(`{ statements(first: 100, where: { AND: [{ id: { in: ["statement:extent-partial", "statement:extent-none"] } }, ${where}] }) { edges { node { id } } } }`)).statements.edges.map(
        (e: any) => e.node.id,
      );
    expect(await filter('{ extent: { eq: PARTIAL } }')).toEqual(['statement:extent-partial']);
    expect(await filter('{ extent: { in: [CONTESTED, LOST] } }')).toEqual(['statement:extent-none']);
    // Without an extent: matches no extent filter, and is found by NOT.
    const cleared = await h.data(UPDATE, { input: { id: 'statement:extent-none', unset: ['EXTENT'] } });
    expect(cleared.updateStatement.statement.extent).toBeNull();
    expect(await filter('{ extent: { in: [FULL, PARTIAL, CONTESTED, LOST] } }')).toEqual(['statement:extent-partial']);
    expect(await filter('{ NOT: { extent: { in: [FULL, PARTIAL, CONTESTED, LOST] } } }')).toEqual(['statement:extent-none']);
    // Changing the kind away from CONTROL is allowed once the extent is gone.
    const kind = await h.data(UPDATE, { input: { id: 'statement:extent-none', set: { kind: 'ASSESSMENT' } } });
    expect(kind.updateStatement).toEqual({ statement: { id: 'statement:extent-none', kind: 'ASSESSMENT', extent: null }, userErrors: [] });
  });

  it('is refused on another kind of statement, by upsert and by import, and nothing is written', async () => {
    const refused = await h.data(UPSERT, { input: input('statement:extent-attack', 'ATTACK', 'FULL') });
    expect(refused.upsertStatement).toEqual({
      statement: null,
      userErrors: [{ field: ['input', 'extent'], code: 'INVALID', message: "only a CONTROL statement has an extent; this one's kind is ATTACK" }],
    });
    const both = await h.data(UPDATE, { input: { id: 'statement:extent-partial', set: { kind: 'MOVEMENT', extent: 'LOST' } } });
    expect(both.updateStatement.userErrors).toEqual([{ field: ['input', 'set', 'extent'], code: 'INVALID', message: "only a CONTROL statement has an extent; this one's kind is MOVEMENT" }]);
    const bad = claim('statement:extent-import', { speaker: 'actor:russia', kind: 'CASUALTIES', props: { extent: 'FULL' } });
    const issues = await refusedImport(bundle(bad.nodes, bad.edges));
    expect(issues).toMatchObject([{ path: 'nodes[0].properties.extent', message: expect.stringContaining('CASUALTIES') }]);
    const data = await h.data(`{ a: statement(id: "statement:extent-attack") { id } b: statement(id: "statement:extent-import") { id } c: statement(id: "statement:extent-partial") { kind extent } }`);
    expect(data).toEqual({ a: null, b: null, c: { kind: 'CONTROL', extent: 'PARTIAL' } });
  });

  it('an unknown extent is a malformed request; by import, an issue naming the values', async () => {
    const result = await h.run(UPSERT, { input: input('statement:extent-bad', 'CONTROL', 'MOSTLY') });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const bad = claim('statement:extent-bad', { speaker: 'actor:russia', props: { extent: 'MOSTLY' } });
    const issues = await refusedImport(bundle(bad.nodes, bad.edges));
    expect(issues).toMatchObject([{ path: 'nodes[0].properties.extent', message: 'must be one of FULL, PARTIAL, CONTESTED, LOST' }]);
  });

  it('is written by import, and a control claim without one imports as null', async () => {
    const both = claims(
      claim('statement:extent-lost', { speaker: 'actor:ukraine', props: { extent: 'LOST' } }),
      claim('statement:extent-absent', { speaker: 'actor:ukraine' }),
    );
    await importBundle(h.db, model, bundle(both.nodes, both.edges));
    const data = await h.data(`{ a: statement(id: "statement:extent-lost") { extent } b: statement(id: "statement:extent-absent") { extent } }`);
    expect(data).toEqual({ a: { extent: 'LOST' }, b: { extent: null } });
  });
});

describe('a formation speaking for itself: a Unit as speaker', () => {
  const NGC2 = 'unit:2nd-national-guard-corps';
  const OWN = 'statement:ngc2-own-announcement';
  const UPSERT = `mutation ($input: UpsertStatementInput!) { upsertStatement(input: $input) { statement { id speaker { __typename id name side ... on Unit { echelon } } } ${ERRORS} } }`;
  const UPDATE = `mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) { statement { speaker { __typename id } } ${ERRORS} } }`;

  it('is written by upsertStatement and read through speaker, with the fields every speaker shares', async () => {
    const { upsertStatement } = await h.data(UPSERT, {
      input: {
        id: OWN,
        text: 'The 2nd National Guard Corps holds the northern districts of Kupyansk.',
        kind: 'CONTROL',
        extent: 'PARTIAL',
        statedAt: day('2024-12-16'),
        speakerId: NGC2,
        sources: [{ sourceId: 'source:ngc2-announcement-2024-w50' }],
        about: [{ id: 'place:kupyansk-northern-districts', role: 'LOCATION' }],
      },
    });
    expect(upsertStatement).toEqual({
      statement: { id: OWN, speaker: { __typename: 'Unit', id: NGC2, name: '2nd National Guard Corps', side: 'UA', echelon: 'CORPS' } },
      userErrors: [],
    });
    const data = await h.data(`{
      unit(id: "${NGC2}") { statements { edges { node { id } } } }
      statement(id: "${OWN}") { speaker { id displayName aliases statements { totalCount } statementsOnBehalf { totalCount } ... on Actor { kind } } }
      actorSpoken: statement(id: "statement:wgf-full-control-2024-12-16") { speaker { __typename id ... on Actor { kind } } }
    }`);
    expect(data.unit.statements.edges).toEqual([{ node: { id: OWN } }]);
    expect(data.statement.speaker).toMatchObject({ id: NGC2, displayName: '2nd National Guard Corps', statements: { totalCount: 1 } });
    expect(data.statement.speaker.statementsOnBehalf.totalCount).toBeGreaterThan(0);
    expect(data.statement.speaker.kind).toBeUndefined();
    expect(data.actorSpoken.speaker).toEqual({ __typename: 'Actor', id: 'actor:leonid-sharov', kind: 'PERSON' });
  });

  it('filters: the shared fields match actors and units alike; a branch narrows to its type', async () => {
    const ids = async (where: string) =>
      (await h.data(`{ statements(first: 100, where: ${where}) { edges { node { id } } } }`)).statements.edges.map((e: any) => e.node.id);
    expect(await ids(`{ speaker: { unit: { id: { eq: "${NGC2}" } } } }`)).toEqual([OWN]);
    expect(await ids(`{ speaker: { id: { eq: "${NGC2}" } } }`)).toEqual([OWN]);
    const ua = await ids(`{ speaker: { side: { eq: "UA" } } }`);
    expect(ua).toContain(OWN);
    expect(ua).toContain('statement:zelensky-at-kupyansk-entrance-2024-12-12');
    const uaActors = await ids(`{ speaker: { side: { eq: "UA" }, actor: { kind: { in: [PERSON, ORGANISATION, STATE, GROUP] } } } }`);
    expect(uaActors).not.toContain(OWN);
    expect(uaActors).toContain('statement:zelensky-at-kupyansk-entrance-2024-12-12');
    expect(await ids(`{ speaker: { unit: { echelon: { eq: CORPS } } }, kind: { eq: CONTROL } }`)).toEqual([OWN]);
  });

  it('is in provenance, on the unit\'s timeline (MADE_BY) and on the unit\'s side in contested claims', async () => {
    const data = await h.data(`{
      provenance(id: "${OWN}") { speaker { __typename id side } sourceCount }
      timeline(id: "${NGC2}", first: 100) { edges { links node { id } } }
      contestedClaims(about: "place:kupyansk", first: 100) { edges { node { a { id } b { id } reasons } } }
    }`);
    expect(data.provenance).toEqual({ speaker: { __typename: 'Unit', id: NGC2, side: 'UA' }, sourceCount: 1 });
    expect(data.timeline.edges.find((e: any) => e.node.id === OWN)).toEqual({ links: ['MADE_BY'], node: { id: OWN } });
    // Against the Russian claim of full control (16 Dec, speaker RU): the sides differ and the periods overlap.
    const pairs = data.contestedClaims.edges.map((e: any) => e.node);
    expect(pairs).toContainEqual({ a: { id: OWN }, b: { id: 'statement:wgf-full-control-2024-12-16' }, reasons: ['SIDES_DIFFER'] });
  });

  it('updateStatement moves the speaker between an actor and a unit; a place is WRONG_TYPE', async () => {
    let result = await h.data(UPDATE, { input: { id: OWN, set: { speakerId: 'actor:ngc2-press-service', onBehalfOfId: NGC2 } } });
    expect(result.updateStatement).toEqual({ statement: { speaker: { __typename: 'Actor', id: 'actor:ngc2-press-service' } }, userErrors: [] });
    result = await h.data(UPDATE, { input: { id: OWN, set: { speakerId: NGC2 }, unset: ['ON_BEHALF_OF'] } });
    expect(result.updateStatement).toEqual({ statement: { speaker: { __typename: 'Unit', id: NGC2 } }, userErrors: [] });
    result = await h.data(UPDATE, { input: { id: OWN, set: { speakerId: 'place:kupyansk' } } });
    expect(result.updateStatement.userErrors).toEqual([
      { field: ['input', 'set', 'speakerId'], code: 'WRONG_TYPE', message: expect.stringMatching(/MADE_BY .*Actor or a?n? ?Unit, not a Place/) },
    ]);
  });

  it('the unit cannot be deleted while it is a speaker', async () => {
    const { deleteUnit } = await h.data(`mutation { deleteUnit(input: { id: "${NGC2}" }) { deletedId dependents { relationship nodeId } ${ERRORS} } }`);
    expect(deleteUnit.deletedId).toBeNull();
    expect(deleteUnit.dependents).toContainEqual({ relationship: 'MADE_BY', nodeId: OWN });
  });

  it('is written by import; an import may not give a statement an actor and a unit as speakers', async () => {
    const imported = claim('statement:ngc2-imported', { speaker: NGC2 });
    await importBundle(h.db, model, bundle(imported.nodes, imported.edges));
    const data = await h.data(`{ statement(id: "statement:ngc2-imported") { speaker { __typename id } } }`);
    expect(data.statement.speaker).toEqual({ __typename: 'Unit', id: NGC2 });
    const twice = claim('statement:two-speakers', { speaker: NGC2 });
    const issues = await refusedImport(bundle(twice.nodes, [...twice.edges, edge('MADE_BY', 'statement:two-speakers', 'actor:ngc2-press-service')]));
    expect(issues).toMatchObject([{ path: 'edges[3].to', message: expect.stringContaining('can have only one') }]);
    const place = claim('statement:place-speaker', { speaker: 'place:kupyansk' });
    expect(await refusedImport(bundle(place.nodes, place.edges))).toContainEqual(expect.objectContaining({ path: 'edges[0].to', message: expect.stringContaining('not a Place') }));
  });
});

describe('export and import again keep aspects, extents and unit speakers', () => {
  it('json, ndjson, graphml and gexf carry them; json, ndjson and csv round trip byte for byte', async () => {
    const json = await exportString(h.db, model, 'json');
    const parsed = JSON.parse(json);
    expect(parsed.edges).toContainEqual(edge('MADE_BY', 'statement:ngc2-imported', 'unit:2nd-national-guard-corps'));
    expect(parsed.edges).toContainEqual({ type: 'DISPUTES', from: 'statement:aspect-a', to: 'statement:aspect-b', properties: { aspect: 'ATTRIBUTION', note: 'Losses differ.' } });
    expect(parsed.nodes.find((n: any) => n.id === 'statement:extent-lost').properties.extent).toBe('LOST');
    for (const format of ['graphml', 'gexf'] as const) {
      const text = await exportString(h.db, model, format);
      expect(text, format).toContain('ATTRIBUTION');
      expect(text, format).toContain('LOST');
    }
    const ndjson = await exportString(h.db, model, 'ndjson');
    const csv = await exportCsv(h.db, model);
    expect(csv.files['relationships_DISPUTES.csv'].split('\n')[0]).toContain('aspect');
    expect(csv.files['nodes_Statement.csv'].split('\n')[0]).toContain('extent');

    for (const [format, target, expected] of [
      ['json', 'bundle.json', json],
      ['ndjson', 'bundle.ndjson', ndjson],
      ['csv', csv.dir, null],
    ] as const) {
      await wipe(h.db);
      let file = target as string;
      if (format !== 'csv') {
        file = `${csv.dir}-${target}`;
        const { writeFileSync } = await import('node:fs');
        writeFileSync(file, expected!);
      }
      await importRecords(h.db, model, await openImportSource(file, model));
      if (format === 'csv') expect((await exportCsv(h.db, model)).files, format).toEqual(csv.files);
      else expect(await exportString(h.db, model, format), format).toBe(expected);
    }
    const data = await h.data(`{ statement(id: "statement:ngc2-imported") { speaker { __typename id } } }`);
    expect(data.statement.speaker).toEqual({ __typename: 'Unit', id: 'unit:2nd-national-guard-corps' });
  });
});
