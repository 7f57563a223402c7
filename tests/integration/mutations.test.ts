import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, silentLog, TEST_ADMIN, testConfig, type Harness } from '../harness.js';
import { ISO_DATE_TIME, onTheWire } from '../sample.js';

/** Node mutations of every type: upserts, partial updates, deletes, and every validation rule. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/** Runs an operation as the editor key `user` (the writer the change log records; TEST_ADMIN when not given) and returns data and errors as a client sees them. */
async function as(user: string | undefined, query: string, variables?: Record<string, unknown>) {
  const principal = user === undefined ? TEST_ADMIN : ({ kind: 'key', name: `key:${user}`, role: 'editor', clearance: 'RED' } as const);
  const response = await h.apollo.executeOperation({ query, variables }, { contextValue: { db: h.db, log: silentLog, config: testConfig, principal } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return onTheWire(response.body.singleResult) as { data?: any; errors?: any[] };
}
const write = async (query: string, variables?: Record<string, unknown>) => {
  const result = await as('tester', query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
};

const CHANGE = 'id at who op entityId entityLabel via transactionId edge { type from to key } changes { property before after }';
const ERRORS = 'userErrors { field message code }';

const UPSERT_ACTOR = `mutation ($input: UpsertActorInput!) {
  upsertActor(input: $input) { actor { id kind name aliases side description createdAt updatedAt } changes { ${CHANGE} } ${ERRORS} }
}`;
const UPDATE_ACTOR = `mutation ($input: UpdateActorInput!) {
  updateActor(input: $input) { actor { id kind name aliases side description updatedAt } changes { ${CHANGE} } ${ERRORS} }
}`;
const UPSERT_PLACE = `mutation ($input: UpsertPlaceInput!) {
  upsertPlace(input: $input) { place { id kind name location { latitude longitude precisionM } areaKm2 parent { id } } changes { ${CHANGE} } ${ERRORS} }
}`;
const UPSERT_SOURCE = `mutation ($input: UpsertSourceInput!) {
  upsertSource(input: $input) { source { id kind title url language reliability publishedAt { start end precision raw relativeTo } } changes { ${CHANGE} } ${ERRORS} }
}`;
const UPSERT_UNIT = `mutation ($input: UpsertUnitInput!) {
  upsertUnit(input: $input) { unit { id name echelon side aliases } changes { ${CHANGE} } ${ERRORS} }
}`;
const HISTORY = `query ($id: ID!) { history(id: $id, first: 100) { totalCount edges { node { ${CHANGE} } } } }`;

const fieldsOf = (errors: Array<{ field: string[] }>) => errors.map((e) => e.field.join('.'));

describe('upsertActor', () => {
  const input = { id: 'actor:test-analyst', kind: 'PERSON', name: 'Test Analyst', aliases: ['T. Analyst'], side: 'UNKNOWN', description: 'A person made by a test.' };

  it('creates the actor, returns it and the CREATE change with every property after', async () => {
    const { upsertActor } = await write(UPSERT_ACTOR, { input });
    expect(upsertActor.userErrors).toEqual([]);
    expect(upsertActor.actor).toMatchObject({ id: input.id, kind: 'PERSON', name: 'Test Analyst', aliases: ['T. Analyst'], side: 'UNKNOWN' });
    expect(upsertActor.actor.createdAt).toMatch(ISO_DATE_TIME);
    expect(upsertActor.actor.updatedAt).toBe(upsertActor.actor.createdAt);
    expect(upsertActor.changes).toHaveLength(1);
    const [change] = upsertActor.changes;
    expect(change).toMatchObject({ op: 'CREATE', entityId: input.id, entityLabel: 'ACTOR', who: 'key:tester', via: 'upsertActor', edge: null });
    expect(change.at).toBe(upsertActor.actor.createdAt);
    expect(change.changes).toEqual([
      { property: 'kind', before: null, after: 'PERSON' },
      { property: 'name', before: null, after: 'Test Analyst' },
      { property: 'aliases', before: null, after: ['T. Analyst'] },
      { property: 'side', before: null, after: 'UNKNOWN' },
      { property: 'description', before: null, after: 'A person made by a test.' },
    ]);
  });

  it('is idempotent: the same input again changes nothing, records nothing, keeps updatedAt', async () => {
    const before = await h.data(`{ actor(id: "actor:test-analyst") { updatedAt } }`);
    const { upsertActor } = await write(UPSERT_ACTOR, { input });
    expect(upsertActor.userErrors).toEqual([]);
    expect(upsertActor.changes).toEqual([]);
    expect(onTheWire(before).actor.updatedAt).toBe(upsertActor.actor.updatedAt);
    const { history } = await write(HISTORY, { id: input.id });
    expect(history.totalCount).toBe(1);
  });

  it('replaces every property: one not given is removed, and only what changed is recorded', async () => {
    const { upsertActor } = await write(UPSERT_ACTOR, { input: { ...input, description: undefined, name: 'Test Analyst II' } });
    expect(upsertActor.actor.description).toBeNull();
    expect(upsertActor.changes[0].op).toBe('UPDATE');
    expect(upsertActor.changes[0].changes).toEqual([
      { property: 'name', before: 'Test Analyst', after: 'Test Analyst II' },
      { property: 'description', before: 'A person made by a test.', after: null },
    ]);
    expect(Date.parse(upsertActor.actor.updatedAt)).toBeGreaterThan(Date.parse(upsertActor.actor.createdAt));
  });

  it('mints an id from the name when none is given (Cyrillic transliterated), a new one each time', async () => {
    const a = await write(UPSERT_ACTOR, { input: { kind: 'PERSON', name: 'Леонід Шаров' } });
    const b = await write(UPSERT_ACTOR, { input: { kind: 'PERSON', name: 'Леонід Шаров' } });
    expect(a.upsertActor.actor.id).toMatch(/^actor:leonid-sharov-[a-z0-9]{6}$/);
    expect(b.upsertActor.actor.id).not.toBe(a.upsertActor.actor.id);
    const odd = await write(UPSERT_ACTOR, { input: { kind: 'OTHER', name: '!!!' } });
    expect(odd.upsertActor.actor.id).toMatch(/^actor:[a-z0-9]{6}$/);
  });

  it('refuses an id of another type or a malformed one', async () => {
    const wrong = await write(UPSERT_ACTOR, { input: { ...input, id: 'place:test-analyst' } });
    expect(wrong.upsertActor.actor).toBeNull();
    expect(wrong.upsertActor.userErrors).toEqual([{ field: ['input', 'id'], message: 'place:test-analyst is the id of a Place, not an Actor', code: 'WRONG_TYPE' }]);
    const bad = await write(UPSERT_ACTOR, { input: { ...input, id: 'actor:Not Valid' } });
    expect(bad.upsertActor.userErrors).toMatchObject([{ field: ['input', 'id'], code: 'INVALID' }]);
  });

  it('validates every property, reporting all problems at once, and writes nothing', async () => {
    const { upsertActor } = await write(UPSERT_ACTOR, {
      input: { id: 'actor:invalid-one', kind: 'PERSON', name: '   ', aliases: ['ok', ''], side: 'Russia', description: 'bell\u0007' },
    });
    expect(upsertActor.actor).toBeNull();
    expect(upsertActor.changes).toEqual([]);
    expect(fieldsOf(upsertActor.userErrors).sort()).toEqual(['input.aliases.1', 'input.description', 'input.name', 'input.side']);
    expect(upsertActor.userErrors.every((e: any) => e.code === 'INVALID')).toBe(true);
    expect(upsertActor.userErrors.find((e: any) => e.field[1] === 'side').message).toMatch(/ISO 3166-1/);
    expect((await h.data(`{ actor(id: "actor:invalid-one") { id } }`)).actor).toBeNull();
    expect((await write(HISTORY, { id: 'actor:invalid-one' })).history.totalCount).toBe(0);
  });

  it('refuses a name longer than the bundle allows', async () => {
    const { upsertActor } = await write(UPSERT_ACTOR, { input: { kind: 'PERSON', name: 'x'.repeat(100_001) } });
    expect(upsertActor.userErrors).toMatchObject([{ field: ['input', 'name'], code: 'INVALID', message: expect.stringContaining('at most') }]);
  });

  it('an unknown enum value is a malformed request: BAD_USER_INPUT, no stack trace, nothing written', async () => {
    const result = await as('tester', UPSERT_ACTOR, { input: { ...input, id: 'actor:enum-test', kind: 'KING' } });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|at .*\.ts:/);
  });
});

describe('updateActor', () => {
  it('sets what is given, clears what is unset, keeps the rest', async () => {
    await write(UPSERT_ACTOR, { input: { id: 'actor:patchable', kind: 'ORGANISATION', name: 'Patchable', aliases: ['P'], side: 'UA', description: 'Before.' } });
    const { updateActor } = await write(UPDATE_ACTOR, { input: { id: 'actor:patchable', set: { name: 'Patched' }, unset: ['DESCRIPTION', 'ALIASES'] } });
    expect(updateActor.userErrors).toEqual([]);
    expect(updateActor.actor).toMatchObject({ kind: 'ORGANISATION', name: 'Patched', aliases: [], side: 'UA', description: null });
    expect(updateActor.changes[0]).toMatchObject({ op: 'UPDATE', via: 'updateActor' });
    expect(updateActor.changes[0].changes.map((c: any) => c.property)).toEqual(['name', 'aliases', 'description']);
  });

  it('null in set clears an optional property; the same update again records nothing', async () => {
    const first = await write(UPDATE_ACTOR, { input: { id: 'actor:patchable', set: { side: null } } });
    expect(first.updateActor.actor.side).toBeNull();
    expect(first.updateActor.changes[0].changes).toEqual([{ property: 'side', before: 'UA', after: null }]);
    const again = await write(UPDATE_ACTOR, { input: { id: 'actor:patchable', set: { side: null } } });
    expect(again.updateActor.changes).toEqual([]);
    expect(again.updateActor.actor.updatedAt).toBe(first.updateActor.actor.updatedAt);
  });

  it('refuses clearing a required property, setting and unsetting one, bad values, unknown ids', async () => {
    const required = await write(UPDATE_ACTOR, { input: { id: 'actor:patchable', set: { name: null } } });
    expect(required.updateActor.userErrors).toMatchObject([{ field: ['input', 'set', 'name'], code: 'REQUIRED' }]);
    const both = await write(UPDATE_ACTOR, { input: { id: 'actor:patchable', set: { side: 'RU' }, unset: ['SIDE'] } });
    expect(both.updateActor.userErrors).toMatchObject([{ field: ['input', 'unset', '0'], code: 'INVALID' }]);
    const bad = await write(UPDATE_ACTOR, { input: { id: 'actor:patchable', set: { side: 'ru' } } });
    expect(bad.updateActor.userErrors).toMatchObject([{ field: ['input', 'set', 'side'], code: 'INVALID' }]);
    const unknown = await write(UPDATE_ACTOR, { input: { id: 'actor:nobody-at-all', set: { name: 'X' } } });
    expect(unknown.updateActor.userErrors).toMatchObject([{ field: ['input', 'id'], code: 'NOT_FOUND' }]);
    expect((await h.data(`{ actor(id: "actor:nobody-at-all") { id } }`)).actor).toBeNull();
    const wrongType = await write(UPDATE_ACTOR, { input: { id: 'unit:6th-combined-arms-army', set: { name: 'X' } } });
    expect(wrongType.updateActor.userErrors).toMatchObject([{ field: ['input', 'id'], code: 'WRONG_TYPE' }]);
    expect((await h.data(`{ actor(id: "actor:patchable") { name } }`)).actor.name).toBe('Patched');
  });
});

describe('upsertPlace, upsertSource, upsertUnit', () => {
  it('writes a place with a location and precision, areaKm2, and a nested parent selection', async () => {
    const { upsertPlace } = await write(UPSERT_PLACE, {
      input: { id: 'place:test-village', kind: 'CITY', name: 'Test Village', location: { latitude: 49.7, longitude: 37.6, precisionM: 500 }, areaKm2: 2.5 },
    });
    expect(upsertPlace.userErrors).toEqual([]);
    expect(upsertPlace.place).toEqual({
      id: 'place:test-village',
      kind: 'CITY',
      name: 'Test Village',
      location: { latitude: 49.7, longitude: 37.6, precisionM: 500 },
      areaKm2: 2.5,
      parent: null,
    });
    expect(upsertPlace.changes[0].changes).toContainEqual({ property: 'location', before: null, after: { latitude: 49.7, longitude: 37.6 } });
    expect(upsertPlace.changes[0].changes).toContainEqual({ property: 'locationPrecisionM', before: null, after: 500 });
  });

  it('validates coordinates, their precision and the area', async () => {
    const { upsertPlace } = await write(UPSERT_PLACE, {
      input: { kind: 'POINT', name: 'Nowhere', location: { latitude: 91, longitude: -181, precisionM: -1 }, areaKm2: -3 },
    });
    expect(fieldsOf(upsertPlace.userErrors).sort()).toEqual(['input.areaKm2', 'input.location.latitude', 'input.location.longitude', 'input.location.precisionM']);
  });

  it('writes a source with a partial date, and validates URL, language, reliability and date order', async () => {
    const ok = await write(UPSERT_SOURCE, {
      input: {
        id: 'source:test-post',
        kind: 'SOCIAL_POST',
        title: 'A test post',
        url: 'https://example.org/post/1',
        language: 'uk',
        reliability: 'C',
        publishedAt: { start: '2024-12-09', end: '2024-12-15', precision: 'WEEK', raw: 'last week', relativeTo: '2024-12-16' },
      },
    });
    expect(ok.upsertSource.userErrors).toEqual([]);
    expect(ok.upsertSource.source.publishedAt).toEqual({ start: '2024-12-09', end: '2024-12-15', precision: 'WEEK', raw: 'last week', relativeTo: '2024-12-16' });
    const bad = await write(UPSERT_SOURCE, {
      input: { kind: 'ARTICLE', title: 'Bad', url: 'javascript:alert(1)', language: 'english!', publishedAt: { start: '2024-12-15', end: '2024-12-09', precision: 'DAY' } },
    });
    expect(fieldsOf(bad.upsertSource.userErrors).sort()).toEqual(['input.language', 'input.publishedAt.end', 'input.url']);
    const notUrl = await write(UPSERT_SOURCE, { input: { kind: 'ARTICLE', title: 'Bad', url: 'not a url' } });
    expect(notUrl.upsertSource.userErrors).toMatchObject([{ field: ['input', 'url'], code: 'INVALID' }]);
  });

  it('refuses an impossible calendar date as a malformed request (BAD_USER_INPUT), writing nothing', async () => {
    const result = await as('tester', UPSERT_SOURCE, {
      input: { id: 'source:feb-30', kind: 'ARTICLE', title: 'Leap', publishedAt: { start: '2023-02-29', end: '2023-02-29', precision: 'DAY' } },
    });
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await h.data(`{ source(id: "source:feb-30") { id } }`)).source).toBeNull();
  });

  it('writes a unit; an echelon is an enum', async () => {
    const { upsertUnit } = await write(UPSERT_UNIT, { input: { id: 'unit:test-brigade', name: 'Test Brigade', echelon: 'BRIGADE', side: 'UA' } });
    expect(upsertUnit.unit).toEqual({ id: 'unit:test-brigade', name: 'Test Brigade', echelon: 'BRIGADE', side: 'UA', aliases: [] });
    const updated = await write(`mutation { updateUnit(input: {id: "unit:test-brigade", set: {echelon: DIVISION}}) { unit { echelon } changes { op } } }`);
    expect(updated.updateUnit).toEqual({ unit: { echelon: 'DIVISION' }, changes: [{ op: 'UPDATE' }] });
  });

  it('updates a place and a source partially', async () => {
    const place = await write(`mutation { updatePlace(input: {id: "place:test-village", unset: [LOCATION], set: {areaKm2: 3}}) { place { location { latitude } areaKm2 } ${ERRORS} } }`);
    expect(place.updatePlace).toEqual({ place: { location: null, areaKm2: 3 }, userErrors: [] });
    const source = await write(`mutation { updateSource(input: {id: "source:test-post", unset: [URL, PUBLISHED_AT]}) { source { url publishedAt { start } title } ${ERRORS} } }`);
    expect(source.updateSource).toEqual({ source: { url: null, publishedAt: null, title: 'A test post' }, userErrors: [] });
  });
});

const DELETE = (type: string) => `mutation ($id: ID!) {
  delete${type}(input: {id: $id}) { deletedId changes { ${CHANGE} } dependents { relationship nodeId label name } ${ERRORS} }
}`;

describe('deletes', () => {
  it('refuses to delete an actor who made statements, listing them; nothing is deleted', async () => {
    const { deleteActor } = await write(DELETE('Actor'), { id: 'actor:leonid-sharov' });
    expect(deleteActor.deletedId).toBeNull();
    expect(deleteActor.changes).toEqual([]);
    expect(deleteActor.userErrors).toMatchObject([{ field: ['input', 'id'], code: 'HAS_DEPENDENTS' }]);
    expect(deleteActor.userErrors[0].message).toContain('statement:wgf-full-control-2024-12-16 (MADE_BY)');
    expect(deleteActor.dependents).toContainEqual({
      relationship: 'MADE_BY',
      nodeId: 'statement:wgf-full-control-2024-12-16',
      label: 'STATEMENT',
      name: "Russia's 6th Combined Arms Army has full control of Kupyansk.",
    });
    expect((await h.data(`{ actor(id: "actor:leonid-sharov") { id memberships { totalCount } } }`)).actor).toEqual({
      id: 'actor:leonid-sharov',
      memberships: { totalCount: 1 },
    });
  });

  it('refuses to delete a place with children, listing them with statements about it', async () => {
    const { deletePlace } = await write(DELETE('Place'), { id: 'place:kupyansk' });
    expect(deletePlace.userErrors[0].code).toBe('HAS_DEPENDENTS');
    const children = deletePlace.dependents.filter((d: any) => d.relationship === 'PART_OF').map((d: any) => d.nodeId);
    expect(children.sort()).toEqual(['place:kupyansk-city-cemetery', 'place:kupyansk-northern-districts', 'place:kupyansk-southwest-entrance', 'place:yubileiny-street-kupyansk']);
    expect(deletePlace.dependents.some((d: any) => d.relationship === 'ABOUT')).toBe(true);
    expect(deletePlace.dependents.some((d: any) => d.relationship === 'GEOLOCATED_AT')).toBe(true);
  });

  it('refuses to delete a unit with sub-units', async () => {
    const { deleteUnit } = await write(DELETE('Unit'), { id: 'unit:western-group-of-forces' });
    expect(deleteUnit.dependents).toContainEqual(expect.objectContaining({ relationship: 'PART_OF', nodeId: 'unit:6th-combined-arms-army', label: 'UNIT' }));
  });

  it('refuses to delete a source that is the only evidence of a statement, but not for statements with others', async () => {
    const { deleteSource } = await write(DELETE('Source'), { id: 'source:report-kupyansk' });
    const ids = deleteSource.dependents.map((d: any) => d.nodeId);
    expect(ids).toContain('statement:ru-kupyansk-captured-2024-11'); // its only source
    expect(ids).not.toContain('statement:ngc2-recaptured-northern-districts-2024-w50'); // also reported by the NGC announcement
    expect(deleteSource.dependents.every((d: any) => d.relationship === 'REPORTED_IN')).toBe(true);
  });

  it('refuses to delete a source another source cites', async () => {
    const { deleteSource } = await write(DELETE('Source'), { id: 'source:wgf-press-briefing-2024-12-16' });
    expect(deleteSource.dependents.map((d: any) => `${d.relationship} ${d.nodeId}`)).toEqual([
      'CITES source:afp-report-kupyansk-2024-12',
      'CITES source:ria-novosti-report-kupyansk-2024-12',
      'CITES source:tass-report-kupyansk-2024-12',
    ]);
  });

  it('deletes a source with the REPORTED_IN of statements that keep other sources, logged on both sides', async () => {
    await write(UPSERT_SOURCE, { input: { id: 'source:extra-copy', kind: 'ARTICLE', title: 'Extra copy' } });
    const statement = 'statement:ngc2-recaptured-northern-districts-2024-w50';
    const linked = await write(`mutation { linkStatementSource(input: {statementId: "${statement}", sourceId: "source:extra-copy", quote: "recaptured", charStart: 0, charEnd: 10}) { ${ERRORS} } }`);
    expect(linked.linkStatementSource.userErrors).toEqual([]);
    const { deleteSource } = await write(DELETE('Source'), { id: 'source:extra-copy' });
    expect(deleteSource.userErrors).toEqual([]);
    expect(deleteSource.deletedId).toBe('source:extra-copy');
    expect(deleteSource.changes.map((c: any) => c.op)).toEqual(['UNLINK', 'DELETE']);
    expect(deleteSource.changes[0].edge).toEqual({ type: 'REPORTED_IN', from: statement, to: 'source:extra-copy', key: null });
    expect(deleteSource.changes[1].changes).toContainEqual({ property: 'title', before: 'Extra copy', after: null });
    const after = await h.data(`{ source(id: "source:extra-copy") { id } statement(id: "${statement}") { sources { totalCount } } }`);
    expect(after).toEqual({ source: null, statement: { sources: { totalCount: 2 } } });
    // The statement's own history (leaving out how the sample was imported): the link, then the unlink.
    const statementHistory = (await write(HISTORY, { id: statement })).history.edges.filter((e: any) => e.node.via !== 'import').map((e: any) => e.node.op);
    expect(statementHistory).toEqual(['LINK', 'UNLINK']);
    // The deleted source's history outlives it.
    const sourceHistory = (await write(HISTORY, { id: 'source:extra-copy' })).history.edges.map((e: any) => e.node.op);
    expect(sourceHistory).toEqual(['CREATE', 'LINK', 'UNLINK', 'DELETE']);
  });

  it('deletes an actor with its own memberships', async () => {
    await write(UPSERT_ACTOR, { input: { id: 'actor:short-lived', kind: 'PERSON', name: 'Short Lived' } });
    await write(`mutation { linkMembership(input: {memberId: "actor:short-lived", organisationId: "actor:wgf-press-service", role: "intern"}) { ${ERRORS} } }`);
    const { deleteActor } = await write(DELETE('Actor'), { id: 'actor:short-lived' });
    expect(deleteActor.userErrors).toEqual([]);
    expect(deleteActor.changes.map((c: any) => c.op)).toEqual(['UNLINK', 'DELETE']);
    const members = await h.data(`{ actor(id: "actor:wgf-press-service") { members { edges { node { id } } } } }`);
    expect(members.actor.members.edges.map((e: any) => e.node.id)).toEqual(['actor:leonid-sharov']);
  });

  it('deleting an unknown node is NOT_FOUND; a malformed id is INVALID', async () => {
    expect((await write(DELETE('Place'), { id: 'place:atlantis' })).deletePlace.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
    expect((await write(DELETE('Place'), { id: 'Atlantis' })).deletePlace.userErrors).toMatchObject([{ code: 'INVALID' }]);
  });
});

const UPSERT_STATEMENT = `mutation ($input: UpsertStatementInput!) {
  upsertStatement(input: $input) {
    statement { id text kind credibility speaker { id } onBehalfOf { ... on Node { id } } sources { edges { quote charStart charEnd node { id } } } about { edges { role node { ... on Node { id } } } } }
    changes { ${CHANGE} } ${ERRORS}
  }
}`;
const UPDATE_STATEMENT = `mutation ($input: UpdateStatementInput!) {
  updateStatement(input: $input) { statement { id text credibility speaker { id } onBehalfOf { ... on Node { id } } } changes { ${CHANGE} } ${ERRORS} }
}`;
const LINK = `mutation ($input: LinkInput!) { link(input: $input) { edge { type from to properties } changes { ${CHANGE} } ${ERRORS} } }`;
const UNLINK = `mutation ($input: UnlinkInput!) { unlink(input: $input) { edge { type from to properties } changes { ${CHANGE} } ${ERRORS} } }`;

describe('statements', () => {
  const claim = {
    id: 'statement:test-claim',
    text: 'A test claim about Kupyansk.',
    kind: 'CONTROL',
    statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' },
    credibility: 3,
    speakerId: 'actor:leonid-sharov',
    onBehalfOfId: 'unit:western-group-of-forces',
    sources: [{ sourceId: 'source:wgf-press-briefing-2024-12-16', quote: 'full control', charStart: 4, charEnd: 16 }],
    about: [{ id: 'place:kupyansk', role: 'LOCATION' }, { id: 'unit:6th-combined-arms-army', role: 'SUBJECT' }],
  };

  it('writes a statement with its speaker, onBehalfOf, sources and subjects in one transaction', async () => {
    const { upsertStatement } = await write(UPSERT_STATEMENT, { input: claim });
    expect(upsertStatement.userErrors).toEqual([]);
    expect(upsertStatement.statement).toMatchObject({
      id: claim.id,
      speaker: { id: 'actor:leonid-sharov' },
      onBehalfOf: { id: 'unit:western-group-of-forces' },
      sources: { edges: [{ quote: 'full control', charStart: 4, charEnd: 16, node: { id: 'source:wgf-press-briefing-2024-12-16' } }] },
    });
    expect(upsertStatement.statement.about.edges.map((e: any) => `${e.role} ${e.node.id}`).sort()).toEqual(['LOCATION place:kupyansk', 'SUBJECT unit:6th-combined-arms-army']);
    expect(upsertStatement.changes.map((c: any) => `${c.op} ${c.edge?.type ?? ''}`.trim())).toEqual([
      'CREATE',
      'LINK MADE_BY',
      'LINK ON_BEHALF_OF',
      'LINK REPORTED_IN',
      'LINK ABOUT',
      'LINK ABOUT',
    ]);
    expect(new Set(upsertStatement.changes.map((c: any) => c.transactionId)).size).toBe(1);
  });

  it('an upsert makes sources and subjects exactly those given, and keeps stances', async () => {
    await write(LINK, { input: { type: 'DISPUTES', from: claim.id, to: 'statement:ngc2-recaptured-northern-districts-2024-w50', properties: { note: 'test' } } });
    const { upsertStatement } = await write(UPSERT_STATEMENT, {
      input: { ...claim, sources: [{ sourceId: 'source:report-kupyansk' }], about: [{ id: 'place:kupyansk', role: 'LOCATION' }] },
    });
    expect(upsertStatement.userErrors).toEqual([]);
    expect(upsertStatement.changes.map((c: any) => `${c.op} ${c.edge.type} ${c.edge.to}`)).toEqual([
      'UNLINK REPORTED_IN source:wgf-press-briefing-2024-12-16',
      'LINK REPORTED_IN source:report-kupyansk',
      'UNLINK ABOUT unit:6th-combined-arms-army',
    ]);
    const stances = await h.data(`{ statement(id: "${claim.id}") { disputes { edges { node { id } } } } }`);
    expect(stances.statement.disputes.edges.map((e: any) => e.node.id)).toEqual(['statement:ngc2-recaptured-northern-districts-2024-w50']);
  });

  it('refuses a statement without a speaker of the right type, without sources, or with unknown references, writing nothing', async () => {
    const input = { ...claim, id: 'statement:test-refused' };
    const wrongSpeaker = await write(UPSERT_STATEMENT, { input: { ...input, speakerId: 'place:kupyansk' } });
    expect(wrongSpeaker.upsertStatement.userErrors).toMatchObject([{ field: ['input', 'speakerId'], code: 'WRONG_TYPE' }]);
    const noSources = await write(UPSERT_STATEMENT, { input: { ...input, sources: [] } });
    expect(noSources.upsertStatement.userErrors).toMatchObject([{ field: ['input', 'sources'], code: 'REQUIRED' }]);
    const unknown = await write(UPSERT_STATEMENT, {
      input: { ...input, speakerId: 'actor:nobody-known', sources: [{ sourceId: 'source:report-kupyansk' }, { sourceId: 'source:nowhere' }] },
    });
    expect(fieldsOf(unknown.upsertStatement.userErrors)).toEqual(['input.speakerId', 'input.sources.1.sourceId']);
    expect(unknown.upsertStatement.userErrors.every((e: any) => e.code === 'NOT_FOUND')).toBe(true);
    const missingSpeaker = await as('tester', UPSERT_STATEMENT, { input: { ...input, speakerId: undefined } });
    expect(missingSpeaker.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await h.data(`{ statement(id: "statement:test-refused") { id } }`)).statement).toBeNull();
    expect((await write(HISTORY, { id: 'statement:test-refused' })).history.totalCount).toBe(0);
  });

  it('validates credibility, date order, duplicate sources and quote offsets', async () => {
    const { upsertStatement } = await write(UPSERT_STATEMENT, {
      input: {
        ...claim,
        id: 'statement:test-invalid',
        text: '',
        credibility: 7,
        validFrom: { start: '2024-12-10', end: '2024-12-10', precision: 'DAY' },
        validTo: { start: '2024-12-01', end: '2024-12-01', precision: 'DAY' },
        sources: [
          { sourceId: 'source:report-kupyansk', quote: 'abc', charStart: 0, charEnd: 5 },
          { sourceId: 'source:report-kupyansk' },
        ],
      },
    });
    expect(fieldsOf(upsertStatement.userErrors).sort()).toEqual(['input.credibility', 'input.sources.0.charEnd', 'input.sources.1.sourceId', 'input.text', 'input.validTo']);
  });

  it('updateStatement replaces the speaker (UNLINK + LINK), clears onBehalfOf, and refuses to remove the speaker', async () => {
    const { updateStatement } = await write(UPDATE_STATEMENT, {
      input: { id: claim.id, set: { speakerId: 'actor:wgf-press-service', credibility: 2 }, unset: ['ON_BEHALF_OF'] },
    });
    expect(updateStatement.userErrors).toEqual([]);
    expect(updateStatement.statement).toMatchObject({ credibility: 2, speaker: { id: 'actor:wgf-press-service' }, onBehalfOf: null });
    expect(updateStatement.changes.map((c: any) => `${c.op} ${c.edge?.type ?? ''} ${c.edge?.to ?? ''}`.trim())).toEqual([
      'UPDATE',
      'UNLINK MADE_BY actor:leonid-sharov',
      'LINK MADE_BY actor:wgf-press-service',
      'UNLINK ON_BEHALF_OF unit:western-group-of-forces',
    ]);
    const cleared = await write(UPDATE_STATEMENT, { input: { id: claim.id, set: { speakerId: null } } });
    expect(cleared.updateStatement.userErrors).toMatchObject([{ field: ['input', 'set', 'speakerId'], code: 'REQUIRED' }]);
    const unlinked = await write(UNLINK, { input: { type: 'MADE_BY', from: claim.id, to: 'actor:wgf-press-service' } });
    expect(unlinked.unlink.userErrors).toMatchObject([{ code: 'REQUIRED' }]);
  });

  it('retracts once; the same reason again changes nothing, another reason is a CONFLICT', async () => {
    const RETRACT = `mutation ($reason: String!) { retractStatement(input: {id: "${claim.id}", reason: $reason}) { statement { retractedAt retractionReason } changes { op } ${ERRORS} } }`;
    const first = await write(RETRACT, { reason: 'Withdrawn.' });
    expect(first.retractStatement.changes).toEqual([{ op: 'RETRACT' }]);
    expect(first.retractStatement.statement.retractedAt).toMatch(ISO_DATE_TIME);
    const same = await write(RETRACT, { reason: 'Withdrawn.' });
    expect(same.retractStatement).toMatchObject({ changes: [], userErrors: [], statement: first.retractStatement.statement });
    const other = await write(RETRACT, { reason: 'Another reason.' });
    expect(other.retractStatement.userErrors).toMatchObject([{ field: ['input', 'reason'], code: 'CONFLICT' }]);
    expect(other.retractStatement.statement).toBeNull();
  });
});

describe('link and unlink', () => {
  it('a single-valued relationship is replaced: a place gets a new parent, the old link is logged as unlinked', async () => {
    await write(UPSERT_PLACE, { input: { id: 'place:test-hamlet', kind: 'POINT', name: 'Test Hamlet' } });
    const first = await write(LINK, { input: { type: 'PART_OF', from: 'place:test-hamlet', to: 'place:kupyansk' } });
    expect(first.link).toMatchObject({ edge: { type: 'PART_OF', from: 'place:test-hamlet', to: 'place:kupyansk', properties: {} }, userErrors: [] });
    const second = await write(LINK, { input: { type: 'PART_OF', from: 'place:test-hamlet', to: 'place:kharkiv-province' } });
    expect(second.link.changes.map((c: any) => `${c.op} ${c.edge.to}`)).toEqual(['UNLINK place:kupyansk', 'LINK place:kharkiv-province']);
    expect((await h.data(`{ place(id: "place:test-hamlet") { parent { id } } }`)).place.parent).toEqual({ id: 'place:kharkiv-province' });
  });

  it('refuses a hierarchy loop, a self-link, wrong endpoint types, unknown endpoints and bad properties', async () => {
    const loop = await write(LINK, { input: { type: 'PART_OF', from: 'place:kharkiv-province', to: 'place:kupyansk' } });
    expect(loop.link.userErrors).toMatchObject([{ field: ['input', 'to'], code: 'CYCLE' }]);
    const self = await write(LINK, { input: { type: 'PART_OF', from: 'place:kupyansk', to: 'place:kupyansk' } });
    expect(self.link.userErrors).toMatchObject([{ field: ['input', 'to'] }]);
    const wrongType = await write(LINK, { input: { type: 'MADE_BY', from: 'statement:wgf-full-control-2024-12-16', to: 'place:kupyansk' } });
    expect(wrongType.link.userErrors).toMatchObject([{ field: ['input', 'to'], code: 'WRONG_TYPE' }]);
    const unknown = await write(LINK, { input: { type: 'PART_OF', from: 'place:test-hamlet', to: 'place:atlantis' } });
    expect(unknown.link.userErrors).toMatchObject([{ field: ['input', 'to'], code: 'NOT_FOUND' }]);
    const bearing = await write(`mutation { linkGeolocation(input: {sourceId: "source:report-kupyansk", placeId: "place:test-hamlet", bearing: 360, offsetM: -1}) { ${ERRORS} } }`);
    expect(fieldsOf(bearing.linkGeolocation.userErrors).sort()).toEqual(['input.bearing', 'input.offsetM']);
    const notObject = await write(LINK, { input: { type: 'SUPPORTS', from: 'statement:test-claim', to: 'statement:wgf-full-control-2024-12-16', properties: [1] } });
    expect(notObject.link.userErrors).toMatchObject([{ field: ['input', 'properties'], code: 'INVALID' }]);
    const unknownProperty = await write(LINK, { input: { type: 'SUPPORTS', from: 'statement:test-claim', to: 'statement:wgf-full-control-2024-12-16', properties: { weight: 3 } } });
    expect(unknownProperty.link.userErrors[0].field.slice(0, 2)).toEqual(['input', 'properties']);
    const membership = await write(`mutation { linkMembership(input: {memberId: "actor:amk-mapping", organisationId: "actor:afp", role: "  ", from: {start: "2024-05-01", end: "2024-05-31", precision: MONTH}, to: {start: "2024-01-01", end: "2024-01-31", precision: MONTH}}) { ${ERRORS} } }`);
    expect(fieldsOf(membership.linkMembership.userErrors).sort()).toEqual(['input.role', 'input.to']);
    expect((await write(HISTORY, { id: 'place:atlantis' })).history.totalCount).toBe(0);
  });

  it('keyed relationships: one ABOUT per role; unlink with a key removes only that one', async () => {
    const add = (role: string) => write(`mutation { linkStatementSubject(input: {statementId: "statement:test-claim", subjectId: "place:kupyansk", role: ${role}}) { changes { op } ${ERRORS} } }`);
    expect((await add('SUBJECT')).linkStatementSubject.changes).toEqual([{ op: 'LINK' }]);
    expect((await add('SUBJECT')).linkStatementSubject.changes).toEqual([]);
    // Two ABOUT edges to one place are one subject of the statement, listing both roles.
    const roles = async () => {
      const edges = (await h.data(`{ statement(id: "statement:test-claim") { about { edges { roles node { ... on Node { id } } } } } }`)).statement.about.edges;
      const kupyansk = edges.filter((e: any) => e.node.id === 'place:kupyansk');
      expect(kupyansk).toHaveLength(1);
      return kupyansk[0].roles;
    };
    expect(await roles()).toEqual(['SUBJECT', 'LOCATION']);
    const one = await write(UNLINK, { input: { type: 'ABOUT', from: 'statement:test-claim', to: 'place:kupyansk', key: 'SUBJECT' } });
    expect(one.unlink.changes).toMatchObject([{ op: 'UNLINK', edge: { key: 'SUBJECT' }, changes: [{ property: 'role', before: 'SUBJECT', after: null }] }]);
    expect(await roles()).toEqual(['LOCATION']);
    const nothing = await write(UNLINK, { input: { type: 'ABOUT', from: 'statement:test-claim', to: 'place:kupyansk', key: 'SUBJECT' } });
    expect(nothing.unlink).toMatchObject({ edge: null, changes: [], userErrors: [] });
    const keyless = await write(UNLINK, { input: { type: 'PART_OF', from: 'place:test-hamlet', to: 'place:kharkiv-province', key: 'x' } });
    expect(keyless.unlink.userErrors).toMatchObject([{ field: ['input', 'key'] }]);
  });

  it('refuses to unlink the last source of a statement, and allows it when another remains', async () => {
    const last = await write(UNLINK, { input: { type: 'REPORTED_IN', from: 'statement:test-claim', to: 'source:report-kupyansk' } });
    expect(last.unlink.userErrors).toMatchObject([{ code: 'REQUIRED' }]);
    await write(`mutation { linkStatementSource(input: {statementId: "statement:test-claim", sourceId: "source:afp-report-kupyansk-2024-12"}) { ${ERRORS} } }`);
    const ok = await write(UNLINK, { input: { type: 'REPORTED_IN', from: 'statement:test-claim', to: 'source:report-kupyansk' } });
    expect(ok.unlink).toMatchObject({ userErrors: [], edge: { type: 'REPORTED_IN', to: 'source:report-kupyansk' }, changes: [{ op: 'UNLINK' }] });
  });
});
