import { describe, expect, it } from 'vitest';
import { findCycles } from '../../src/validation/graphRules.js';

/** The pure part of the rules spanning records: finding the loops of a hierarchy. */

const graph = (edges: Array<[string, string]>) => {
  const adjacency = new Map<string, string[]>();
  for (const [from, to] of edges) adjacency.set(from, [...(adjacency.get(from) ?? []), to]);
  return adjacency;
};
/** A loop as a set of "from>to" steps, whatever node it was entered at. */
const steps = (cycle: string[]) => cycle.map((n, i) => `${n}>${cycle[(i + 1) % cycle.length]}`).sort();

describe('findCycles', () => {
  it('finds none in a forest', () => {
    expect(findCycles(graph([['a', 'b'], ['c', 'b'], ['b', 'r'], ['d', 'r']]))).toEqual([]);
  });

  it('finds a two-node loop and a self-loop', () => {
    expect(findCycles(graph([['a', 'b'], ['b', 'a']])).map(steps)).toEqual([['a>b', 'b>a']]);
    expect(findCycles(graph([['a', 'a']])).map(steps)).toEqual([['a>a']]);
  });

  it('finds a loop entered from a tail, and only the loop', () => {
    const cycles = findCycles(graph([['t', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'a']]));
    expect(cycles.map(steps)).toEqual([['a>b', 'b>c', 'c>a']]);
  });

  it('finds every separate loop', () => {
    const cycles = findCycles(graph([['a', 'b'], ['b', 'a'], ['x', 'y'], ['y', 'z'], ['z', 'x'], ['q', 'r']]));
    expect(cycles.map(steps).sort()).toEqual([['a>b', 'b>a'], ['x>y', 'y>z', 'z>x']]);
  });

  it('stops at the limit', () => {
    const edges: Array<[string, string]> = [];
    for (let i = 0; i < 50; i++) edges.push([`a${i}`, `b${i}`], [`b${i}`, `a${i}`]);
    expect(findCycles(graph(edges), 7)).toHaveLength(7);
    expect(findCycles(graph(edges))).toHaveLength(50);
  });

  it('does not report a diamond (two paths to one node) as a loop', () => {
    expect(findCycles(graph([['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']]))).toEqual([]);
  });

  it('walks a chain of 200,000 without overflowing the stack, and finds the loop closing it', () => {
    const edges: Array<[string, string]> = [];
    for (let i = 0; i < 200_000; i++) edges.push([`n${i}`, `n${i + 1}`]);
    expect(findCycles(graph(edges))).toEqual([]);
    edges.push(['n200000', 'n0']);
    const [cycle] = findCycles(graph(edges));
    expect(cycle).toHaveLength(200_001);
  });
});
