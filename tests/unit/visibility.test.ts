import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { MARKINGS, visibleMarkings, type Marking } from '../../src/auth/principal.js';
import { Visibility } from '../../src/auth/visibility.js';
import { requireWritableMarking } from '../../src/auth/markingWrites.js';
import { changeVisible, idVisible } from '../../src/changelog/changeVisibility.js';

/** The visibility predicate as Cypher text, and the write-side marking check: pure logic, no database. */

describe('Visibility', () => {
  it('each clearance sees its own marking and those below it, never those above', () => {
    expect(visibleMarkings('CLEAR')).toEqual(['CLEAR']);
    expect(visibleMarkings('GREEN')).toEqual(['CLEAR', 'GREEN']);
    expect(visibleMarkings('AMBER')).toEqual(['CLEAR', 'GREEN', 'AMBER']);
    expect(visibleMarkings('AMBER_STRICT')).toEqual(['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT']);
    expect(visibleMarkings('RED')).toBeNull();
    for (const clearance of MARKINGS) {
      const v = new Visibility(clearance);
      for (const marking of MARKINGS) expect(v.sees(marking)).toBe(MARKINGS.indexOf(marking) <= MARKINGS.indexOf(clearance));
      // Absent is CLEAR: everyone sees it.
      expect(v.sees(undefined)).toBe(true);
    }
  });

  it('RED writes no predicate and no parameter at all', () => {
    const v = Visibility.of({ clearance: 'RED' });
    expect(v).toBe(Visibility.ALL);
    expect(v.seesAll).toBe(true);
    expect(v.predicate('n', null)).toBeNull();
    expect(v.predicate('n', ['Statement'])).toBeNull();
    expect(v.require('n', ['Source'])).toBe('true');
    expect(v.params()).toEqual({});
  });

  it('below RED: one parameterised predicate; absent reads as CLEAR', () => {
    const v = Visibility.of({ clearance: 'GREEN' });
    expect(v.params()).toEqual({ visibleMarkings: ['CLEAR', 'GREEN'] });
    expect(v.predicate('s', ['Statement'])).toBe(`coalesce(s.marking, 'CLEAR') IN $visibleMarkings`);
    expect(v.predicate('x', ['Statement', 'Source'])).toBe(`coalesce(x.marking, 'CLEAR') IN $visibleMarkings`);
  });

  it('actors, units and places are public: no predicate for them, a label test when a node may be either', () => {
    const v = new Visibility('CLEAR');
    expect(v.predicate('a', ['Actor', 'Unit', 'Place'])).toBeNull();
    expect(v.require('a', ['Actor'])).toBe('true');
    expect(v.predicate('n', null)).toBe(`(NOT (n:Statement OR n:Source) OR coalesce(n.marking, 'CLEAR') IN $visibleMarkings)`);
    expect(v.predicate('n', ['Place', 'Source'])).toBe(`(NOT (n:Source) OR coalesce(n.marking, 'CLEAR') IN $visibleMarkings)`);
  });
});

describe('requireWritableMarking', () => {
  const refusal = (clearance: Marking, marking: unknown, label: 'Statement' | 'Source' | 'Actor' = 'Source') => {
    try {
      requireWritableMarking(new Visibility(clearance), label, marking, 'input.marking', 'Mutation.upsertSource');
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      return error as GraphQLError;
    }
  };

  it('at or below the clearance, or no marking at all, passes', () => {
    expect(refusal('AMBER', 'AMBER')).toBeNull();
    expect(refusal('AMBER', 'CLEAR')).toBeNull();
    expect(refusal('CLEAR', undefined)).toBeNull();
    expect(refusal('CLEAR', null)).toBeNull();
    expect(refusal('RED', 'RED')).toBeNull();
  });

  it('above it is 403 FORBIDDEN naming the argument and the field', () => {
    const e = refusal('AMBER', 'AMBER_STRICT')!;
    expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'input.marking', field: 'Mutation.upsertSource', clearance: 'AMBER', http: { status: 403 } });
    expect(e.message).toContain('AMBER_STRICT');
    expect(refusal('CLEAR', 'GREEN', 'Statement')?.extensions.code).toBe('FORBIDDEN');
  });

  it('leaves unknown values to input validation, and unmarked labels alone', () => {
    expect(refusal('CLEAR', 'PURPLE')).toBeNull();
    expect(refusal('CLEAR', 'RED', 'Actor')).toBeNull();
  });
});

describe('change-log visibility', () => {
  it('RED sees the whole log: no predicate', () => {
    expect(idVisible('$id', Visibility.ALL)).toBeNull();
    expect(changeVisible('c', '$id', Visibility.ALL)).toBeNull();
  });

  it('below RED, a node is judged by its marking, or by the one its last change recorded once deleted', () => {
    const v = new Visibility('GREEN');
    const node = idVisible('$id', v)!;
    expect(node).toContain(`WHEN $id STARTS WITH 'statement:' THEN coalesce(head(COLLECT { MATCH (markedNode:Statement {id: $id})`);
    expect(node).toContain(`WHEN $id STARTS WITH 'source:'`);
    expect(node).toContain('loggedChange.marking');
    expect(node).toMatch(/ELSE 'CLEAR' END IN \$visibleMarkings$/);
    // A relationship's entry is shown only when the node at its other end may be seen.
    expect(changeVisible('c', '$id', v)).toMatch(/^\(c\.edgeType IS NULL OR CASE WHEN CASE WHEN c\.entityId = \$id THEN c\.edgeTo ELSE c\.entityId END STARTS WITH/);
  });
});
