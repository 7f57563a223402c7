import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('a place page: Kupyansk with its statements, speakers, sources, quotes and rivals', () => {
  it('returns the full-control claim with its speaker, quotes and the claims contradicting it', async () => {
    const data = await h.data(`{
      place(id: "place:kupyansk") {
        name aliases
        statements(first: 100) {
          totalCount
          edges { roles node {
            id kind
            speaker { id name }
            sources { edges { quote charStart charEnd node { id kind } } }
            contradictedBy { edges { note node { id speaker { name } } } }
          } }
        }
      }
    }`);
    const place = data.place;
    expect(place.name).toBe('Kupyansk');
    expect(place.aliases).toEqual(expect.arrayContaining(['Kupiansk', "Куп'янськ", 'Купянск']));
    const control = place.statements.edges.find((e: any) => e.node.id === 'statement:wgf-full-control-2024-12-16');
    // About Kupyansk as OBJECT and as LOCATION: one statement, both roles.
    expect(control.roles).toEqual(['OBJECT', 'LOCATION']);
    expect(place.statements.edges.filter((e: any) => e.node.id === control.node.id)).toHaveLength(1);
    expect(control.node.kind).toBe('CONTROL');
    expect(control.node.speaker).toEqual({ id: 'actor:leonid-sharov', name: 'Leonid Sharov' });
    const report = control.node.sources.edges.find((e: any) => e.node.id === 'source:report-kupyansk');
    expect(report.quote).toContain('full control of Kupyansk');
    expect(report.charEnd - report.charStart).toBe(report.quote.length);
    const rivals = control.node.contradictedBy.edges.map((e: any) => e.node.id);
    expect(rivals).toContain('statement:ngc2-recaptured-northern-districts-2024-w50');
    expect(place.statements.totalCount).toBe(place.statements.edges.length);
  });

  it('costs one database round trip for a 4-level nested query', async () => {
    const queries: string[] = [];
    const off = h.db.onQuery((cypher) => queries.push(cypher));
    try {
      const data = await h.data(`{
        places(first: 10) { edges { node {
          statements(first: 5) { edges { node {
            speaker { ... on Actor { memberships { edges { node { ... on Actor { name } ... on Unit { name } } } } } }
            sources(first: 3) { edges { node { cites { edges { node { publisher { name } } } } } } }
          } } }
        } } }
      }`);
      expect(data.places.edges.length).toBe(10);
    } finally {
      off();
    }
    expect(queries).toHaveLength(1);
  });
});
