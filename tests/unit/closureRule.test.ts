import { describe, expect, it } from 'vitest';
import { model } from '../harness.js';
import { CLOSURE_RULE, closurePlan } from '../../src/export/closureRule.js';
import { closureQuery, exportQueries, hasClosure, parseSelection, SelectionError } from '../../src/export/selection.js';
import { Visibility } from '../../src/auth/visibility.js';
import type { GraphModel } from '../../src/model/graphModel.js';
import { InvariantError } from '../../src/errors.js';

describe('the closure rule against the graph model', () => {
  it('follows relationships the model has, reaching the labels the model allows', () => {
    const plan = closurePlan(model);
    expect(plan.statement.types).toEqual([...CLOSURE_RULE.statement]);
    // Speakers, subjects and sources: actors, units, places and sources (whatever MADE_BY may point to).
    expect(plan.statement.to).toEqual(expect.arrayContaining(['Actor', 'Place', 'Source', 'Unit']));
    expect(plan.statement.to).not.toContain('Statement');
    expect(plan.source.to).toEqual(['Actor', 'Place']);
    expect(plan.reachedBy.get('Place')).toEqual(['Place']);
    expect(plan.reachedBy.get('Unit')).toEqual(['Unit']);
    expect(plan.reachedBy.get('Statement')).toEqual(['Statement']);
  });

  it('a speaker of another label, once the model allows it, is reached too', () => {
    const madeBy = model.edges.get('MADE_BY')!;
    const widened: GraphModel = {
      nodes: model.nodes,
      edges: new Map([...model.edges, ['MADE_BY', { ...madeBy, endpoints: [...madeBy.endpoints, { from: 'Statement', to: 'Unit' }] }]]),
    };
    expect(closurePlan(widened).statement.to).toContain('Unit');
  });

  it('a model without a relationship the rule follows is a broken invariant, not a silently smaller export', () => {
    const edges = new Map(model.edges);
    edges.delete('PUBLISHED_BY');
    expect(() => closurePlan({ nodes: model.nodes, edges })).toThrow(InvariantError);
  });
});

describe('the closure in a selection', () => {
  it('is context unless the caller says none; anything else is refused naming closure', () => {
    expect(parseSelection({}).closure).toBe('context');
    expect(parseSelection({ seeds: ['place:kupyansk'] }).closure).toBe('context');
    expect(parseSelection({ within: 'place:kupyansk', closure: 'none' }).closure).toBe('none');
    for (const bad of ['all', '', true, false, null, 1]) {
      let caught: unknown;
      try {
        parseSelection({ closure: bad });
      } catch (error) {
        caught = error;
      }
      expect(caught, String(bad)).toBeInstanceOf(SelectionError);
      expect((caught as SelectionError).issues[0].path).toBe('closure');
    }
  });

  const resolved = (input: object, visibility = Visibility.ALL) => ({ ...parseSelection(input), visibility });

  it('applies to seeds and filters, not to the whole graph nor with none', () => {
    expect(hasClosure(parseSelection({}))).toBe(false);
    expect(hasClosure(parseSelection({ labels: ['Place'] }))).toBe(false);
    expect(hasClosure(parseSelection({ seeds: ['place:kupyansk'], closure: 'none' }))).toBe(false);
    expect(hasClosure(parseSelection({ seeds: ['place:kupyansk'] }))).toBe(true);
    expect(hasClosure(parseSelection({ from: '2024-01-01' }))).toBe(true);
    expect(() => closureQuery(model, resolved({}))).toThrow(InvariantError);
    // Exporting a closed selection whose closure was never planned would export the wrong nodes: refused.
    expect(() => exportQueries(model, resolved({ seeds: ['place:kupyansk'] }))).toThrow(InvariantError);
    expect(exportQueries(model, resolved({ seeds: ['place:kupyansk'], closure: 'none' })).length).toBeGreaterThan(5);
  });

  it('is one query following the rule\'s relationships, then PART_OF to the root, narrowed to labels', () => {
    const { cypher } = closureQuery(model, resolved({ seeds: ['place:kupyansk'], labels: ['Place', 'Actor'] }));
    expect(cypher).toContain('[:`MADE_BY`|`ON_BEHALF_OF`|`ABOUT`|`REPORTED_IN`]->(y)');
    expect(cypher).toContain('[:`PUBLISHED_BY`|`AUTHORED_BY`|`GEOLOCATED_AT`]->(y)');
    expect(cypher).toContain('-[:`PART_OF`*0..]->(n)');
    expect(cypher).toContain('(n:`Actor` OR n:`Place`)');
    expect(cypher).not.toContain('$visibleMarkings');
    const ids = exportQueries(model, { ...resolved({ seeds: ['place:kupyansk'] }), exportedElementIds: ['4:x:1'] });
    for (const query of ids) expect(query.params).toEqual({ exported: ['4:x:1'] });
  });

  it('for a principal below RED, every step onto a source carries the visibility predicate', () => {
    const { cypher, params } = closureQuery(model, resolved({ seeds: ['statement:x'] }, new Visibility('GREEN')));
    expect(params.visibleMarkings).toEqual(['CLEAR', 'GREEN']);
    const steps = cypher.split('\n').filter((l) => l.includes(']->(y)'));
    expect(steps).toHaveLength(3);
    const toSources = steps.filter((l) => l.includes('`REPORTED_IN`]->(y)'));
    expect(toSources).toHaveLength(1);
    expect(toSources[0]).toContain("(NOT (y:Source) OR coalesce(y.marking, 'CLEAR') IN $visibleMarkings)");
    expect(cypher).toContain("coalesce(s.marking, 'CLEAR') IN $visibleMarkings");
    // The seed's hops, and the nodes it adds, are visible ones too.
    expect(cypher).toContain("coalesce(hop.marking, 'CLEAR') IN $visibleMarkings");
    expect(cypher).toMatch(/WITH DISTINCT n WHERE .*coalesce\(n\.marking, 'CLEAR'\) IN \$visibleMarkings/);
  });
});
