import { describe, expect, it } from 'vitest';
import { model } from '../harness.js';
import { CLOSURE_RULE, closurePlan } from '../../src/export/closureRule.js';
import { exportQueries, parseSelection, SelectionError } from '../../src/export/selection.js';
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

  const cypherOf = (input: object, visibility = Visibility.ALL) =>
    exportQueries(model, { ...parseSelection(input), visibility })
      .map((q) => q.cypher)
      .join('\n');

  it('adds no query text for the whole graph or with none; adds the steps otherwise', () => {
    expect(cypherOf({})).not.toContain('PART_OF`*0..]->');
    expect(cypherOf({ seeds: ['place:kupyansk'], closure: 'none' })).not.toContain('UNION');
    const closed = cypherOf({ seeds: ['place:kupyansk'] });
    expect(closed).toContain('[:`MADE_BY`|`ON_BEHALF_OF`|`ABOUT`|`REPORTED_IN`]->');
    expect(closed).toContain('[:`PUBLISHED_BY`|`AUTHORED_BY`|`GEOLOCATED_AT`]->');
    expect(closed).toContain('[:`PART_OF`*0..]->');
  });

  it('for a principal below RED, every step onto a marked node carries the visibility predicate', () => {
    const cypher = cypherOf({ seeds: ['statement:x'] }, new Visibility('GREEN'));
    const toSources = cypher.split('\n').filter((l) => l.includes('->(y) WHERE (y:`Source`)'));
    expect(toSources.length).toBeGreaterThan(0);
    for (const line of toSources) expect(line).toContain("coalesce(y.marking, 'CLEAR') IN $visibleMarkings");
    expect(cypher).toContain("coalesce(s.marking, 'CLEAR') IN $visibleMarkings");
  });
});
