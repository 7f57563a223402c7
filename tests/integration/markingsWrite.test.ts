import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { Visibility } from '../../src/auth/visibility.js';
import { BundleValidationError } from '../../src/bundle/bundleSchema.js';
import { importBundle, ImportForbiddenError } from '../../src/bundle/importBundle.js';
import { createHarness, model, type Harness } from '../harness.js';
import { fingerprint } from '../fingerprint.js';
import { exportCsv, exportString } from '../exchange.js';
import { A, AMBER_EDITOR, CLEAR_READER, GREEN_READER, MARKED, markingFixture, P, RED_ADMIN, resetToMarkingFixture, S, SRC } from '../markingFixture.js';

/**
 * TLP markings on writes: an editor writes at or below its clearance (above: 403 FORBIDDEN naming the field,
 * nothing written); nodes it may not see are missing for link, update and delete, and are left alone by
 * the writes it may make; an import with records above the importer's clearance, or over nodes it may not
 * see, is refused whole; markings survive an export and re-import; a node's history follows its marking,
 * even once it is deleted.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ reset: false });
  await resetToMarkingFixture(h.db);
});
afterAll(() => h.close());

const GREEN_EDITOR: Principal = { kind: 'key', name: 'key:green-editor', role: 'editor', clearance: 'GREEN' };
const CLEAR_EDITOR: Principal = { kind: 'key', name: 'key:clear-editor', role: 'editor', clearance: 'CLEAR' };

const ERRORS = 'userErrors { field message code }';
const UPSERT_SOURCE = `mutation ($input: UpsertSourceInput!) { upsertSource(input: $input) { source { id marking } ${ERRORS} } }`;
const UPDATE_SOURCE = `mutation ($input: UpdateSourceInput!) { updateSource(input: $input) { source { id marking } ${ERRORS} } }`;
const DELETE_SOURCE = `mutation ($id: ID!) { deleteSource(input: { id: $id }) { deletedId dependents { nodeId } ${ERRORS} } }`;
const DELETE_ACTOR = `mutation ($id: ID!) { deleteActor(input: { id: $id }) { deletedId dependents { nodeId } ${ERRORS} } }`;
const UPSERT_STATEMENT = `mutation ($input: UpsertStatementInput!) { upsertStatement(input: $input) { statement { id marking } ${ERRORS} } }`;
const UPDATE_STATEMENT = `mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) { statement { id marking } ${ERRORS} } }`;
const RETRACT = `mutation ($id: ID!) { retractStatement(input: { id: $id, reason: "withdrawn" }) { statement { id } ${ERRORS} } }`;
const LINK_SOURCE = `mutation ($s: ID!, $src: ID!) { linkStatementSource(input: { statementId: $s, sourceId: $src }) { edge { type } ${ERRORS} } }`;
const LINK = `mutation ($input: LinkInput!) { link(input: $input) { edge { type from to } changes { op edge { from to } } ${ERRORS} } }`;
const UNLINK = `mutation ($input: UnlinkInput!) { unlink(input: $input) { edge { type } ${ERRORS} } }`;

const statementInput = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  text: 'A claim about the bridge at Northtown, written by a test.',
  kind: 'CONTROL',
  statedAt: { start: '2024-12-15', end: '2024-12-15', precision: 'DAY' },
  speakerId: A.alpha,
  sources: [{ sourceId: SRC.clearArticle }],
  about: [{ id: P.northtown, role: 'LOCATION' }],
  ...extra,
});

/** Runs a mutation that must be refused with 403 FORBIDDEN, and returns the error. */
async function forbidden(principal: Principal, query: string, variables: Record<string, unknown>) {
  const before = await fingerprint(h.db);
  const result = await h.run(query, variables, principal);
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  const error = result.errors![0];
  expect(error.extensions?.code).toBe('FORBIDDEN');
  expect(await fingerprint(h.db)).toBe(before);
  return error;
}

/** Runs a mutation that must answer with user errors (nothing written) and returns them. */
async function refused(principal: Principal, query: string, variables: Record<string, unknown>) {
  const before = await fingerprint(h.db);
  const data = await h.data(query, variables, principal);
  const payload = Object.values(data)[0] as { userErrors: Array<{ field: string[]; message: string; code: string }> };
  expect(payload.userErrors.length).toBeGreaterThan(0);
  expect(await fingerprint(h.db)).toBe(before);
  return payload.userErrors;
}

const markingOf = async (id: string) => {
  const result = await h.db.read('MATCH (n {id: $id}) RETURN coalesce(n.marking, "CLEAR") AS m', { id });
  return result.records[0]?.get('m') ?? null;
};

describe('writing above the clearance is 403 FORBIDDEN, naming the field, and writes nothing', () => {
  beforeEach(() => resetToMarkingFixture(h.db));

  it('upserts and updates of statements and sources', async () => {
    const e1 = await forbidden(AMBER_EDITOR, UPSERT_SOURCE, { input: { id: 'source:new-red', kind: 'ARTICLE', title: 'Too secret', marking: 'RED' } });
    expect(e1.extensions).toMatchObject({ argument: 'input.marking', field: 'Mutation.upsertSource', clearance: 'AMBER' });
    expect(e1.message).toContain('RED');
    const e2 = await forbidden(GREEN_EDITOR, UPSERT_STATEMENT, { input: statementInput('statement:new-amber', { marking: 'AMBER' }) });
    expect(e2.extensions).toMatchObject({ argument: 'input.marking', field: 'Mutation.upsertStatement' });
    const e3 = await forbidden(AMBER_EDITOR, UPDATE_STATEMENT, { input: { id: S.clearClaim, set: { marking: 'AMBER_STRICT' } } });
    expect(e3.extensions).toMatchObject({ argument: 'input.set.marking', field: 'Mutation.updateStatement' });
    const e4 = await forbidden(CLEAR_EDITOR, UPDATE_SOURCE, { input: { id: SRC.clearOrigin, set: { marking: 'GREEN' } } });
    expect(e4.extensions).toMatchObject({ argument: 'input.set.marking', field: 'Mutation.updateSource', clearance: 'CLEAR' });
  });

  it('the refusal is the same whether or not the id exists (it is decided from the input alone)', async () => {
    const hidden = await forbidden(AMBER_EDITOR, UPSERT_SOURCE, { input: { id: SRC.redRelay, kind: 'ARTICLE', title: 'x', marking: 'RED' } });
    const fresh = await forbidden(AMBER_EDITOR, UPSERT_SOURCE, { input: { id: 'source:never-was', kind: 'ARTICLE', title: 'x', marking: 'RED' } });
    expect(hidden.message.replace(SRC.redRelay, 'ID')).toBe(fresh.message.replace('source:never-was', 'ID'));
  });

  it('an upsert over a node it may not see is refused without saying more', async () => {
    const e = await forbidden(AMBER_EDITOR, UPSERT_SOURCE, { input: { id: SRC.redRelay, kind: 'ARTICLE', title: 'Overwritten', marking: 'AMBER' } });
    expect(e.extensions).toMatchObject({ argument: 'input.id' });
    expect(e.message).not.toMatch(/RED|Wire/);
    await forbidden(GREEN_EDITOR, UPSERT_STATEMENT, { input: statementInput(S.amberAssess) });
    expect(await markingOf(SRC.redRelay)).toBe('RED');
  });

  it('at or below the clearance is written, and hidden from those below it', async () => {
    const written = await h.data(UPSERT_SOURCE, { input: { id: 'source:new-amber', kind: 'ARTICLE', title: 'Partner note', marking: 'AMBER' } }, AMBER_EDITOR);
    expect(written.upsertSource).toMatchObject({ source: { id: 'source:new-amber', marking: 'AMBER' }, userErrors: [] });
    expect((await h.data(`{ source(id: "source:new-amber") { id } }`, {}, GREEN_READER)).source).toBeNull();
    // Lowering a marking (declassifying) is a write like any other.
    const lowered = await h.data(UPDATE_STATEMENT, { input: { id: S.amberAssess, set: { marking: 'GREEN' } } }, AMBER_EDITOR);
    expect(lowered.updateStatement.statement).toEqual({ id: S.amberAssess, marking: 'GREEN' });
    expect((await h.data(`{ statement(id: "${S.amberAssess}") { id } }`, {}, GREEN_READER)).statement).toEqual({ id: S.amberAssess });
    // unset MARKING is back to CLEAR, which is never stored.
    await h.data(UPDATE_STATEMENT, { input: { id: S.amberAssess, unset: ['MARKING'] } }, AMBER_EDITOR);
    const stored = await h.db.read('MATCH (s:Statement {id: $id}) RETURN s.marking AS m', { id: S.amberAssess });
    expect(stored.records[0].get('m')).toBeNull();
  });
});

describe('nodes it may not see are missing (NOT_FOUND) for update, retract, link, unlink and delete', () => {
  beforeEach(() => resetToMarkingFixture(h.db));

  it('each refusal reads exactly as for an id that does not exist', async () => {
    const pairs: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      [UPDATE_SOURCE, { input: { id: SRC.redRelay, set: { title: 'x' } } }, { input: { id: 'source:no-such', set: { title: 'x' } } }],
      [RETRACT, { id: S.redDenial }, { id: 'statement:no-such' }],
      [DELETE_SOURCE, { id: SRC.redIntercept }, { id: 'source:no-such' }],
      [LINK_SOURCE, { s: S.clearRebuttal, src: SRC.redRelay }, { s: S.clearRebuttal, src: 'source:no-such' }],
      [LINK_SOURCE, { s: S.redDenial, src: SRC.clearArticle }, { s: 'statement:no-such', src: SRC.clearArticle }],
      [UNLINK, { input: { type: 'CITES', from: SRC.clearArticle, to: SRC.redRelay } }, { input: { type: 'CITES', from: SRC.clearArticle, to: 'source:no-such' } }],
    ];
    for (const [query, hidden, missing] of pairs) {
      const a = await refused(AMBER_EDITOR, query, hidden);
      const b = await refused(AMBER_EDITOR, query, missing);
      expect(a.map((e) => e.code)).toEqual(['NOT_FOUND']);
      const anon = (errors: typeof a, id: string) => errors.map((e) => ({ ...e, message: e.message.replace(id, 'ID') }));
      const hiddenId = Object.values({ ...(hidden.input as object), ...hidden }).find((v) => typeof v === 'string' && MARKED[v] === 'RED') as string;
      const missingId = Object.values({ ...(missing.input as object), ...missing }).find((v) => typeof v === 'string' && v.includes('no-such')) as string;
      expect(anon(a, hiddenId)).toEqual(anon(b, missingId));
    }
  });

  it('an upsert naming a source it may not see is NOT_FOUND for that source', async () => {
    const errors = await refused(GREEN_EDITOR, UPSERT_STATEMENT, { input: statementInput('statement:quoting-amber', { sources: [{ sourceId: SRC.amberPartner }] }) });
    expect(errors).toEqual([expect.objectContaining({ field: ['input', 'sources', '0', 'sourceId'], code: 'NOT_FOUND' })]);
  });

  it('a delete held up by dependents it may not see is refused without naming them', async () => {
    // The wire's only publication is the RED relay.
    const errors = await refused(AMBER_EDITOR, DELETE_ACTOR, { id: A.wire });
    expect(errors[0].code).toBe('HAS_DEPENDENTS');
    expect(errors[0].message).not.toContain(SRC.redRelay);
    const payload = (await h.data(DELETE_ACTOR, { id: A.wire }, AMBER_EDITOR)).deleteActor;
    expect(payload.dependents).toEqual([]);
  });
});

describe('writes leave what the writer may not see alone', () => {
  beforeEach(() => resetToMarkingFixture(h.db));

  const claimSources = async () =>
    (await h.db.read('MATCH (:Statement {id: $id})-[:REPORTED_IN]->(s) RETURN s.id AS id ORDER BY id', { id: S.clearClaim })).records.map((r) => r.get('id'));

  it('an upsert that lists the sources it sees keeps the hidden ones', async () => {
    expect(await claimSources()).toEqual([SRC.clearArticle, SRC.clearOrigin, SRC.redRelay]);
    const result = await h.data(
      UPSERT_STATEMENT,
      { input: statementInput(S.clearClaim, { text: 'Alpha holds the bridge at Northtown.', statedAt: { start: '2024-12-10', end: '2024-12-10', precision: 'DAY' }, sources: [{ sourceId: SRC.clearOrigin }] }) },
      AMBER_EDITOR,
    );
    expect(result.upsertStatement.userErrors).toEqual([]);
    expect(await claimSources()).toEqual([SRC.clearOrigin, SRC.redRelay]);
  });

  it('the last source it can see cannot be unlinked, though a hidden one remains', async () => {
    const input = { type: 'REPORTED_IN', from: S.clearQuote, to: SRC.clearArticle };
    const errors = await refused(GREEN_EDITOR, UNLINK, { input });
    expect(errors[0].code).toBe('REQUIRED');
    // The AMBER editor sees the partner report too: for it, the article is not the last source.
    expect((await h.data(UNLINK, { input }, AMBER_EDITOR)).unlink.userErrors).toEqual([]);
  });

  it('deleting a source it sees unlinks its hidden relationships too, without showing them in the payload', async () => {
    // A fresh CLEAR source that cites the RED relay, with no dependents.
    await h.data(UPSERT_SOURCE, { input: { id: 'source:clear-digest', kind: 'ARTICLE', title: 'Digest' } }, RED_ADMIN);
    await h.data(LINK, { input: { type: 'CITES', from: 'source:clear-digest', to: SRC.redRelay } }, RED_ADMIN);
    const result = await h.data(`mutation { deleteSource(input: { id: "source:clear-digest" }) { deletedId changes { op edge { to } } ${ERRORS} } }`, {}, AMBER_EDITOR);
    expect(result.deleteSource.deletedId).toBe('source:clear-digest');
    expect(result.deleteSource.changes).toEqual([{ op: 'DELETE', edge: null }]);
    // The admin's history of the relay shows the unlink all the same.
    const relay = await h.data(`{ history(id: "${SRC.redRelay}", first: 100, direction: DESC) { edges { node { op edge { from } } } } }`, {}, RED_ADMIN);
    expect(relay.history.edges[0].node).toEqual({ op: 'UNLINK', edge: { from: 'source:clear-digest' } });
  });
});

describe('history follows the marking, also once the node is gone', () => {
  beforeAll(() => resetToMarkingFixture(h.db));

  it('a deleted RED source has no history for those below RED, nor have its relationships', async () => {
    await h.data(UPSERT_SOURCE, { input: { id: 'source:red-leak', kind: 'ARTICLE', title: 'Leak', marking: 'RED' } }, RED_ADMIN);
    await h.data(LINK, { input: { type: 'CITES', from: SRC.clearOrigin, to: 'source:red-leak' } }, RED_ADMIN);
    await h.data(`mutation { unlink(input: { type: CITES, from: "${SRC.clearOrigin}", to: "source:red-leak" }) { ${ERRORS} } }`, {}, RED_ADMIN);
    expect((await h.data(DELETE_SOURCE, { id: 'source:red-leak' }, RED_ADMIN)).deleteSource.deletedId).toBe('source:red-leak');

    const query = `query ($id: ID!) { history(id: $id, first: 50) { totalCount edges { node { op edge { to } } } } }`;
    for (const principal of [CLEAR_READER, GREEN_READER, AMBER_EDITOR]) {
      expect((await h.data(query, { id: 'source:red-leak' }, principal)).history.totalCount).toBe(0);
      const origin = (await h.data(query, { id: SRC.clearOrigin }, principal)).history;
      expect(JSON.stringify(origin)).not.toContain('red-leak');
      const at = new Date().toISOString();
      expect((await h.data(`{ asRecorded(id: "source:red-leak", at: "${at}") { exists } }`, {}, principal)).asRecorded).toBeNull();
    }
    const admin = (await h.data(query, { id: 'source:red-leak' }, RED_ADMIN)).history;
    expect(admin.edges.map((e: any) => e.node.op)).toEqual(['CREATE', 'LINK', 'UNLINK', 'DELETE']);
  });
});

describe('import', () => {
  beforeEach(() => resetToMarkingFixture(h.db));

  const bundle = (nodes: object[], edges: object[] = []) => ({ format: 'claimgraph-bundle', version: 1, nodes, edges });
  const importAs = (principal: Principal, input: unknown, batchSize = 1) =>
    importBundle(h.db, model, input, { who: principal.name, visibility: Visibility.of(principal), batchSize });

  it('records above the importer clearance refuse the whole import, even past the first batch', async () => {
    const before = await fingerprint(h.db);
    const input = bundle([
      { label: 'Source', id: 'source:import-clear', properties: { kind: 'ARTICLE', title: 'Fine' } },
      { label: 'Source', id: 'source:import-amber', properties: { kind: 'ARTICLE', title: 'Fine too', marking: 'AMBER' } },
      { label: 'Source', id: 'source:import-red', properties: { kind: 'ARTICLE', title: 'Too secret', marking: 'RED' } },
    ]);
    const error = await importAs(AMBER_EDITOR, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportForbiddenError);
    expect((error as ImportForbiddenError).issues).toEqual([expect.objectContaining({ path: 'nodes[2].properties.marking' })]);
    expect(await fingerprint(h.db)).toBe(before);
    // The same bundle is the admin's to import.
    expect((await importAs(RED_ADMIN, input)).nodesCreated).toBe(3);
  });

  it('a record over a stored node it may not see is refused, without saying what is stored', async () => {
    const before = await fingerprint(h.db);
    const error = await importAs(GREEN_EDITOR, bundle([{ label: 'Source', id: SRC.amberPartner, properties: { kind: 'ARTICLE', title: 'Overwrite' } }])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportForbiddenError);
    expect((error as Error).message).toContain(SRC.amberPartner);
    expect((error as Error).message).not.toMatch(/AMBER|Partner report/);
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('an edge to a node it may not see is to a missing node', async () => {
    const before = await fingerprint(h.db);
    const error = await importAs(AMBER_EDITOR, bundle([], [{ type: 'CITES', from: SRC.clearOrigin, to: SRC.redIntercept, properties: {} }])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleValidationError);
    expect((error as BundleValidationError).issues[0].message).toContain('neither in the input nor in the database');
    expect(await fingerprint(h.db)).toBe(before);
  });

  it('every export format carries the markings (CLEAR, the default, is left out)', async () => {
    const marked = Object.entries(MARKED).filter(([, m]) => m !== 'CLEAR');
    const ndjson = (await exportString(h.db, model, 'ndjson', {}, RED_ADMIN)).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const ndNodes = new Map(ndjson.filter((r) => r.label).map((r) => [r.id, r.properties.marking]));
    for (const [id, m] of Object.entries(MARKED)) expect(ndNodes.get(id), id).toBe(m === 'CLEAR' ? undefined : m);

    const graphml = await exportString(h.db, model, 'graphml', {}, RED_ADMIN);
    const markingKey = /<key id="([^"]+)" for="node" attr.name="marking"/.exec(graphml)?.[1];
    expect(markingKey).toBeDefined();
    for (const [id, m] of Object.entries(MARKED)) {
      const block = new RegExp(`<node id="${id}">([\\s\\S]*?)</node>`).exec(graphml)?.[1] ?? '';
      expect(block.includes(`<data key="${markingKey}">${m}</data>`), id).toBe(m !== 'CLEAR');
    }

    const gexf = await exportString(h.db, model, 'gexf', {}, RED_ADMIN);
    const gexfKey = /<attribute id="([^"]+)" title="marking"/.exec(gexf)?.[1];
    expect(gexfKey).toBeDefined();
    for (const [id, m] of Object.entries(MARKED)) {
      const block = new RegExp(`<node id="${id}"[^>]*>([\\s\\S]*?)</node>`).exec(gexf)?.[1] ?? '';
      expect(block.includes(`<attvalue for="${gexfKey}" value="${m}"/>`), `gexf ${id}`).toBe(m !== 'CLEAR');
    }

    const cypher = (await exportString(h.db, model, 'cypher', {}, RED_ADMIN)).split('\n');
    for (const [id, m] of marked) expect(cypher.find((l) => l.startsWith('MERGE') && l.includes(`{id: '${id}'}`)), id).toContain(`\`marking\`: '${m}'`);

    const { files } = await exportCsv(h.db, model, {}, undefined, RED_ADMIN);
    const sourcesCsv = files['nodes_Source.csv'].split('\n');
    const column = sourcesCsv[0].split(',').findIndex((c) => c.startsWith('marking'));
    expect(column).toBeGreaterThan(0);
    for (const [id, m] of Object.entries(MARKED).filter(([id]) => id.startsWith('source:'))) {
      const row = sourcesCsv.find((l) => l.startsWith(`${id},`) || l.startsWith(`"${id}",`))!;
      expect(row.split(',')[column].replace(/^"|"$/g, ''), id).toBe(m === 'CLEAR' ? '' : m);
    }
  });

  it('markings survive an export and a re-import into an empty graph', async () => {
    const json = await exportString(h.db, model, 'json', {}, RED_ADMIN);
    await h.db.write('MATCH (n) WHERE NOT n:ApiKey DETACH DELETE n');
    await importBundle(h.db, model, JSON.parse(json), { who: 'round-trip' });
    const stored = await h.db.read('MATCH (n) WHERE n:Statement OR n:Source RETURN n.id AS id, coalesce(n.marking, "CLEAR") AS m');
    expect(Object.fromEntries(stored.records.map((r) => [r.get('id'), r.get('m')]))).toEqual(MARKED);
    expect(await exportString(h.db, model, 'json', {}, RED_ADMIN)).toBe(json);
    expect(JSON.parse(json).nodes).toHaveLength(markingFixture.nodes.length);
  });
});
