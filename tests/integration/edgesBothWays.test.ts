import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import type { PropertySpec, RelationFieldModel } from '../../src/model/graphModel.js';
import type { Label } from '../../src/ids.js';
import { byFarNode } from '../../src/planner/plan.js';
import { createHarness, model, schema, type Harness } from '../harness.js';
import { expectedValue, labelOf, sample, sampleNodesOf, selectionOf, type SampleEdge } from '../sample.js';

/**
 * Data-driven from the sample bundle and the graph model: for every relation field of every node type,
 * every node of that type must see, through the field, exactly the far ends (and edge properties) the
 * bundle gives it. OUT fields are seen from an edge's `from`, IN fields from its `to`.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/**
 * Relation fields the sample has no edge for, and why. Each entry is checked to really have none, so a
 * sample edge added later moves the field into the checked set.
 */
const NO_SAMPLE_EDGE: Record<string, string> = {
  // The report never has anyone speak for a person or organisation: every ON_BEHALF_OF in the sample
  // points at a formation (Western Group of Forces, 2nd National Guard Corps).
  'Actor.statementsOnBehalf': 'ON_BEHALF_OF edges in the sample all point at a Unit',
  // A unit may speak for itself (a formation's own announcement), but the sample keeps the report's
  // formations speaking through a spokesman or press service ON_BEHALF_OF them; tests/integration/
  // modelRefinements.test.ts covers unit speakers.
  'Unit.statements': 'the sample has no statement made by a Unit itself',
};

interface Case {
  label: Label;
  relation: RelationFieldModel;
}
const cases: Case[] = [...model.nodes.values()].flatMap((n) => [...n.relations.values()].map((relation) => ({ label: n.label, relation })));
const fieldName = (c: Case) => `${c.label}.${c.relation.field}`;

/** The bundle's edges a field sees, with the near and far end of each. */
function sampleEdgesOf({ label, relation }: Case): Array<{ near: string; far: string; edge: SampleEdge }> {
  return sample.edges
    .filter((e) => e.type === relation.relType)
    .map((edge) => (relation.direction === 'OUT' ? { near: edge.from, far: edge.to, edge } : { near: edge.to, far: edge.from, edge }))
    .filter(({ near, far }) => labelOf(near) === label && relation.targetLabels.includes(labelOf(far)));
}

/** The relationship properties a connection's edge type shows (its fields besides cursor and node). */
function edgePropertySpecs(relation: RelationFieldModel): PropertySpec[] {
  if (!relation.edgeTypeName) return [];
  const edgeType = schema.getType(relation.edgeTypeName);
  if (!isObjectType(edgeType)) throw new Error(`${relation.edgeTypeName} is not an object type`);
  // A computed field (an ABOUT edge's `roles`) is no property: checked on its own below.
  const names = Object.values(edgeType.getFields())
    .filter((f) => f.name !== 'cursor' && f.name !== 'node' && !f.astNode?.directives?.some((d) => d.name.value === 'computed'))
    .map((f) => f.name);
  const specs = model.edges.get(relation.relType)!.properties;
  return names.map((name) => {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new Error(`${relation.edgeTypeName}.${name} is not a property of ${relation.relType}`);
    return spec;
  });
}

function queryFor({ label, relation }: Case): string {
  const far = '__typename ... on Node { id }';
  const selection =
    relation.cardinality === 'one'
      ? `{ ${far} }`
      : `(first: 100) { totalCount pageInfo { hasNextPage } edges { ${edgePropertySpecs(relation).map(selectionOf).join(' ')}${byFarNode(relation, model) ? ' roles' : ''} node { ${far} } } }`;
  return `query ($id: ID!) { node(id: $id) { __typename id ... on ${label} { rel: ${relation.field} ${selection} } } }`;
}

const sortEdges = <T extends { id: string }>(edges: T[]) =>
  [...edges].sort((a, b) => (a.id === b.id ? JSON.stringify(a).localeCompare(JSON.stringify(b)) : a.id < b.id ? -1 : 1));

describe('every relation field of the model is covered by the sample', () => {
  it('has sample edges for every field except the ones listed, and none for those', () => {
    const uncovered = cases.filter((c) => sampleEdgesOf(c).length === 0).map(fieldName).sort();
    expect(uncovered).toEqual(Object.keys(NO_SAMPLE_EDGE).sort());
  });

  it('lists no field that does not exist', () => {
    const fields = new Set(cases.map(fieldName));
    for (const name of Object.keys(NO_SAMPLE_EDGE)) expect(fields.has(name), name).toBe(true);
  });
});

describe.each(cases.map((c) => [fieldName(c), c] as const))('%s', (_name, c) => {
  it(`shows every node of ${c.label} exactly the far ends the sample gives it`, async () => {
    const edges = sampleEdgesOf(c);
    if (!(fieldName(c) in NO_SAMPLE_EDGE)) expect(edges.length, 'sample edges for this field').toBeGreaterThan(0);
    const specs = edgePropertySpecs(c.relation);
    const query = queryFor(c);
    const nodes = sampleNodesOf(c.label);
    expect(nodes.length).toBeGreaterThan(0);

    await Promise.all(
      nodes.map(async (near) => {
        const data = await h.data(query, { id: near.id });
        expect(data.node, near.id).not.toBeNull();
        expect(data.node.__typename).toBe(c.label);
        expect(data.node.id).toBe(near.id);
        const mine = edges.filter((e) => e.near === near.id);

        if (c.relation.cardinality === 'one') {
          if (mine.length === 0) {
            expect(data.node.rel, `${near.id}.${c.relation.field}`).toBeNull();
          } else {
            expect(data.node.rel, `${near.id}.${c.relation.field}`).not.toBeNull();
            expect(mine.map((e) => e.far)).toContain(data.node.rel.id);
            expect(data.node.rel.__typename).toBe(labelOf(data.node.rel.id));
          }
          return;
        }

        // A relationship whose edges hold only their key (ABOUT) is one edge per far node, with every key
        // in the key enum's declared order; `role` is the first of them. The others: one edge per edge.
        const keyed = byFarNode(c.relation, model);
        const declared = (specs.find((s) => s.name === c.relation.edgeKey) as { values?: readonly string[] } | undefined)?.values ?? [];
        const expected = sortEdges(
          keyed
            ? [...new Set(mine.map((e) => e.far))].map((far) => {
                const roles = mine
                  .filter((e) => e.far === far)
                  .map((e) => e.edge.properties[c.relation.edgeKey!] as string)
                  .sort((a, b) => declared.indexOf(a) - declared.indexOf(b));
                return { id: far, __typename: labelOf(far), [c.relation.edgeKey!]: roles[0], roles };
              })
            : mine.map((e) => ({
                id: e.far,
                __typename: labelOf(e.far),
                ...Object.fromEntries(specs.map((s) => [s.name, expectedValue(s, e.edge.properties)])),
              })),
        );
        const conn = data.node.rel;
        const actual = sortEdges(
          conn.edges.map((edge: any) => {
            const { node, ...props } = edge;
            return { id: node.id, __typename: node.__typename, ...props };
          }),
        );
        expect(actual, `${near.id}.${c.relation.field}`).toEqual(expected);
        expect(conn.totalCount).toBe(keyed ? new Set(mine.map((e) => e.far)).size : mine.length);
        expect(conn.pageInfo.hasNextPage).toBe(false);
      }),
    );
  });
});

describe('edge properties come through from both ends', () => {
  it('ABOUT: the roles, both on one edge when a statement is about one place in two roles', async () => {
    const id = 'statement:report-kupyansk-size-location';
    const data = await h.data(`{
      statement(id: "${id}") { about { edges { role roles node { ... on Node { id } } } } }
      place(id: "place:kupyansk") { statements(first: 100) { edges { role roles node { id } } } }
    }`);
    const fromStatement = data.statement.about.edges.filter((e: any) => e.node.id === 'place:kupyansk');
    expect(fromStatement).toEqual([{ role: 'SUBJECT', roles: ['SUBJECT', 'LOCATION'], node: { id: 'place:kupyansk' } }]);
    const fromPlace = data.place.statements.edges.filter((e: any) => e.node.id === id);
    expect(fromPlace).toEqual([{ role: 'SUBJECT', roles: ['SUBJECT', 'LOCATION'], node: { id } }]);
    expect(data.statement.about.edges.find((e: any) => e.node.id === 'place:kharkiv')).toMatchObject({ role: 'OBJECT', roles: ['OBJECT'] });
  });

  it('REPORTED_IN: quote, charStart and charEnd', async () => {
    const id = 'statement:zelensky-at-kupyansk-entrance-2024-12-12';
    const data = await h.data(`{
      statement(id: "${id}") { sources { edges { quote charStart charEnd node { id } } } }
      source(id: "source:report-kupyansk") { statements(first: 100) { edges { quote charStart charEnd node { id } } } }
    }`);
    const expected = { quote: 'stating he was at the entrance to Kupyansk', charStart: 1127, charEnd: 1169 };
    expect(data.statement.sources.edges).toContainEqual({ ...expected, node: { id: 'source:report-kupyansk' } });
    expect(data.source.statements.edges).toContainEqual({ ...expected, node: { id } });
    // The video itself carries no quote: absent properties are null, not missing or invented.
    expect(data.statement.sources.edges).toContainEqual({ quote: null, charStart: null, charEnd: null, node: { id: 'source:zelensky-video-2024-12-12' } });
  });

  it('stance edges: the note', async () => {
    const data = await h.data(`{
      statement(id: "statement:amk-mapping-ukraine-repelled-2024-12") { disputes { edges { note node { id } } } }
      counter: statement(id: "statement:ngc2-recaptured-northern-districts-2024-w50") { disputedBy { edges { note node { id } } } }
    }`);
    const out = data.statement.disputes.edges.find((e: any) => e.node.id === 'statement:ngc2-recaptured-northern-districts-2024-w50');
    expect(out.note).toMatch(/^AMK Mapping: Ukraine could not consolidate new positions/);
    const back = data.counter.disputedBy.edges.find((e: any) => e.node.id === 'statement:amk-mapping-ukraine-repelled-2024-12');
    expect(back.note).toBe(out.note);
  });

  it('GEOLOCATED_AT: by, offsetM and bearing', async () => {
    const data = await h.data(`{
      source(id: "source:zelensky-video-2024-12-12") { geolocatedAt { edges { by offsetM bearing node { id } } } }
      place(id: "place:kupyansk") { geolocatedSources { edges { by offsetM bearing node { id } } } }
    }`);
    const expected = { by: 'geolocational data (the report does not say whose)', offsetM: 3000, bearing: 225 };
    expect(data.source.geolocatedAt.edges).toContainEqual({ ...expected, node: { id: 'place:kupyansk' } });
    expect(data.place.geolocatedSources.edges).toContainEqual({ ...expected, node: { id: 'source:zelensky-video-2024-12-12' } });
    // At the entrance itself: offset 0 and no bearing.
    expect(data.source.geolocatedAt.edges).toContainEqual({
      by: expected.by,
      offsetM: 0,
      bearing: null,
      node: { id: 'place:kupyansk-southwest-entrance' },
    });
  });

  it('MEMBER_OF: the role, seen from the member and from the organisation', async () => {
    const data = await h.data(`{
      actor(id: "actor:leonid-sharov") { memberships { edges { role node { ... on Node { id } } } } }
      press: actor(id: "actor:wgf-press-service") { members { edges { role node { id } } } }
      unit(id: "unit:western-group-of-forces") { members { edges { role node { id } } } }
    }`);
    expect(data.actor.memberships.edges).toEqual([{ role: 'head', node: { id: 'actor:wgf-press-service' } }]);
    expect(data.press.members.edges).toEqual([{ role: 'head', node: { id: 'actor:leonid-sharov' } }]);
    expect(data.unit.members.edges).toEqual([{ role: 'press service', node: { id: 'actor:wgf-press-service' } }]);
  });
});
