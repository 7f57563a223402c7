import { describe, expect, it } from 'vitest';
import { keysInOrder } from '../../src/planner/shapeResult.js';
import { model } from '../harness.js';

const role = model.edges.get('ABOUT')!.properties.find((p) => p.name === 'role')!;

describe('keysInOrder: an edge\'s roles as a client reads them', () => {
  it('follows the enum\'s declared order, whatever order the edges were read in', () => {
    expect(role.kind).toBe('enum');
    const declared = role.kind === 'enum' ? [...role.values] : [];
    expect(keysInOrder([...declared].reverse(), role)).toEqual(declared);
    expect(keysInOrder(['LOCATION', 'OBJECT'], role)).toEqual(['OBJECT', 'LOCATION']);
  });

  it('lists each key once, and drops what is not a key', () => {
    expect(keysInOrder(['LOCATION', 'LOCATION', null, 3, 'SUBJECT'], role)).toEqual(['SUBJECT', 'LOCATION']);
    expect(keysInOrder(null, role)).toEqual([]);
  });

  it('puts a value the enum does not (yet) declare after those it does, by name; a string key sorts by name', () => {
    expect(keysInOrder(['ZULU', 'LOCATION', 'ALPHA'], role)).toEqual(['LOCATION', 'ALPHA', 'ZULU']);
    expect(keysInOrder(['head', 'deputy'], { name: 'role', kind: 'scalar', scalar: 'string', required: false })).toEqual(['deputy', 'head']);
  });
});
