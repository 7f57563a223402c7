import { labelOfId, type Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import type { UserErrorCode } from '../generated/graphql.js';
import { HIERARCHY_TYPES, loopMessage, REQUIRED_EDGES, singleValuedField } from './recordRules.js';

/**
 * The rules that span records, applied over what a write brings AND what is already stored:
 *   - a single-valued relationship (a place's or unit's parent, a statement's speaker, …) has one target;
 *   - a hierarchy (PART_OF) never loops, whether the loop is all new or half new and half stored;
 *   - a node keeps the relationships it must have (a statement its speaker and a source), given here or
 *     already stored.
 * A mutation checks the one relationship it writes (`wouldLoop`; a single-valued link replaces the old
 * one, and a statement is written with its speaker and sources); an import feeds every record to a
 * GraphRules and asks it once, after the last record and before the first write. Stored data is read
 * with parameterised queries in UNWIND chunks, never loaded whole; what GraphRules keeps grows with the
 * number of relationships of these few types, not with the size of the records.
 */

/** Runs one read-only, parameterised query; rows as plain objects. */
export type ReadQuery = (cypher: string, params: Record<string, unknown>) => Promise<Array<Record<string, unknown>>>;

interface Runs {
  run(cypher: string, params: Record<string, unknown>): Promise<{ records: Array<{ toObject(): Record<string, unknown> }> }>;
}

/** A ReadQuery over a transaction (a mutation's, so it sees what the mutation has written so far) or anything that runs Cypher. */
export const readQueryOf =
  (runner: Runs): ReadQuery =>
  async (cypher, params) =>
    (await runner.run(cypher, params)).records.map((r) => r.toObject());

/** Ids per stored-data query. */
export const LOOKUP_CHUNK = 5000;

const q = (name: string) => `\`${name}\``;

function* chunks<T>(items: Iterable<T>, size = LOOKUP_CHUNK): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

/** The stored ancestors (one or more `type` hops up, same label) of each of `ids` that has any; only those `keep` says. */
export async function storedAncestors(
  read: ReadQuery,
  type: string,
  label: Label,
  ids: Iterable<string>,
  keep: (ancestor: string) => boolean = () => true,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const chunk of chunks(ids)) {
    const rows = await read(
      `UNWIND $ids AS id
       MATCH (n:${q(label)} {id: id})-[:${q(type)}*1..]->(a:${q(label)})
       RETURN DISTINCT id, a.id AS ancestor`,
      { ids: chunk },
    );
    for (const row of rows) {
      const id = row.id as string;
      const ancestor = row.ancestor as string;
      if (!keep(ancestor)) continue;
      const list = out.get(id);
      if (list) list.push(ancestor);
      else out.set(id, [ancestor]);
    }
  }
  return out;
}

/** True when linking `from` -[type]-> `to` would close a loop: `from` is already above `to`. */
export async function wouldLoop(read: ReadQuery, type: string, from: string, to: string): Promise<boolean> {
  const label = labelOfId(to);
  if (!HIERARCHY_TYPES.has(type) || !label || labelOfId(from) !== label) return false;
  return (await storedAncestors(read, type, label, [to], (a) => a === from)).has(to);
}

/**
 * The loops of a directed graph, one per back edge met by a depth-first walk (so at least one per loop,
 * and each listed node by node from where the walk entered it). Iterative: no depth overflows the stack.
 */
export function findCycles(adjacency: ReadonlyMap<string, readonly string[]>): string[][] {
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const root of adjacency.keys()) {
    if (done.has(root)) continue;
    const stack: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    const onStack = new Map<string, number>([[root, 0]]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const out = adjacency.get(top.node) ?? [];
      if (top.next < out.length) {
        const to = out[top.next++];
        const at = onStack.get(to);
        if (at !== undefined) cycles.push(stack.slice(at).map((f) => f.node));
        else if (!done.has(to)) {
          onStack.set(to, stack.length);
          stack.push({ node: to, next: 0 });
        }
      } else {
        stack.pop();
        onStack.delete(top.node);
        done.add(top.node);
      }
    }
  }
  return cycles;
}

export interface GraphProblem<W> {
  /** Where to report it: what the caller gave with the record (for an import, its file, line and field). */
  at: W;
  message: string;
  code: UserErrorCode;
}

interface HierarchyEdge<W> {
  to: string;
  at: W;
  seq: number;
}

/**
 * Collects the records of one write (nodes, then or interleaved with relationships, each once) and
 * checks the rules above over them and the stored graph. `W` is the caller's note of where a record is.
 */
export class GraphRules<W> {
  private readonly problems: Array<GraphProblem<W>> = [];
  /** Single-valued relationships given: `${type} ${from}` → the target and where. */
  private readonly single = new Map<string, { type: string; from: string; to: string; field: string; at: W }>();
  /** Hierarchy relationships given, by `${type} ${label}`, then by child. */
  private readonly hierarchy = new Map<string, { type: string; label: Label; edges: Map<string, HierarchyEdge<W>[]> }>();
  /** Nodes given whose label requires relationships, with where (their id). */
  private readonly needy = new Map<string, { label: Label; at: W }>();
  /** For each required relationship type: the nodes given one. */
  private readonly givenFrom = new Map<string, Set<string>>();
  private seq = 0;

  constructor(private readonly model: GraphModel) {}

  /** A node record; `at` points at its id. */
  node(label: Label, id: string, at: W): void {
    if (REQUIRED_EDGES[label]) this.needy.set(id, { label, at });
  }

  /** A relationship record (valid, between well-formed ids); `at` points at its `to`. */
  edge(type: string, from: string, to: string, at: W): void {
    const fromLabel = labelOfId(from)!;
    if (REQUIRED_EDGES[fromLabel]?.some((r) => r.type === type)) {
      let set = this.givenFrom.get(type);
      if (!set) this.givenFrom.set(type, (set = new Set()));
      set.add(from);
    }
    const field = singleValuedField(this.model, type, fromLabel);
    if (field) {
      const key = `${type} ${from}`;
      const first = this.single.get(key);
      if (first && first.to !== to) {
        this.problems.push({ at, message: `${from} already has its ${field} (${type} ${first.to}) in this input; it can have only one`, code: 'INVALID' });
      } else if (!first) this.single.set(key, { type, from, to, field, at });
    }
    if (HIERARCHY_TYPES.has(type) && labelOfId(to) === fromLabel) {
      const groupKey = `${type} ${fromLabel}`;
      let group = this.hierarchy.get(groupKey);
      if (!group) this.hierarchy.set(groupKey, (group = { type, label: fromLabel, edges: new Map() }));
      const list = group.edges.get(from);
      const edge = { to, at, seq: this.seq++ };
      if (list) list.push(edge);
      else group.edges.set(from, [edge]);
    }
  }

  /** The problems the records decide alone (a second target given, a loop made only of what is given). */
  given(): Array<GraphProblem<W>> {
    return [...this.problems, ...[...this.hierarchy.values()].flatMap((group) => this.loops(group, new Map()))];
  }

  /** Every problem, in the records given and against the stored graph (read with `read`). */
  async check(read: ReadQuery): Promise<Array<GraphProblem<W>>> {
    const problems = [...this.problems, ...(await this.storedTargets(read)), ...(await this.missingRequired(read))];
    for (const group of this.hierarchy.values()) {
      const parents = new Set<string>();
      for (const edges of group.edges.values()) for (const e of edges) parents.add(e.to);
      // Only ancestors that are children given here can join two given relationships into a loop.
      problems.push(...this.loops(group, await storedAncestors(read, group.type, group.label, parents, (a) => group.edges.has(a))));
    }
    return problems;
  }

  /** Single-valued relationships whose node already has another target stored. */
  private async storedTargets(read: ReadQuery): Promise<Array<GraphProblem<W>>> {
    const problems: Array<GraphProblem<W>> = [];
    const groups = new Map<string, Array<{ from: string; to: string; field: string; at: W }>>();
    for (const s of this.single.values()) {
      const key = `${s.type} ${labelOfId(s.from)}`;
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
    for (const [key, list] of groups) {
      const [type, label] = key.split(' ');
      for (const chunk of chunks(list)) {
        const byFrom = new Map(chunk.map((s) => [s.from, s]));
        const rows = await read(
          `UNWIND $rows AS row
           MATCH (a:${q(label)} {id: row.from})-[:${q(type)}]->(b)
           WHERE b.id <> row.to
           RETURN row.from AS from, b.id AS other ORDER BY from, other`,
          { rows: chunk.map((s) => ({ from: s.from, to: s.to })) },
        );
        for (const row of rows) {
          const s = byFrom.get(row.from as string)!;
          problems.push({
            at: s.at,
            message: `${s.from} already has its ${s.field} (${type} ${String(row.other)}) in the database; it can have only one (an import never removes a relationship: unlink that one first)`,
            code: 'INVALID',
          });
        }
      }
    }
    return problems;
  }

  /** Nodes that would be left without a relationship they must have: not given, and not stored. */
  private async missingRequired(read: ReadQuery): Promise<Array<GraphProblem<W>>> {
    const problems: Array<GraphProblem<W>> = [];
    for (const [label, rules] of Object.entries(REQUIRED_EDGES) as Array<[Label, NonNullable<(typeof REQUIRED_EDGES)[Label]>]>) {
      for (const rule of rules) {
        const given = this.givenFrom.get(rule.type);
        const lacking = (function* (needy: Map<string, { label: Label; at: W }>) {
          for (const [id, n] of needy) if (n.label === label && !given?.has(id)) yield id;
        })(this.needy);
        for (const ids of chunks(lacking)) {
          const rows = await read(
            `UNWIND $ids AS id
             OPTIONAL MATCH (n:${q(label)} {id: id})
             RETURN id, n IS NOT NULL AND EXISTS { (n)-[:${q(rule.type)}]->() } AS stored`,
            { ids },
          );
          for (const row of rows) {
            if (row.stored === true) continue;
            const id = row.id as string;
            problems.push({
              at: this.needy.get(id)!.at,
              message: `${id} has no ${rule.noun} (${rule.type}): ${rule.message}; give one in the input, or have it stored already`,
              code: 'REQUIRED',
            });
          }
        }
      }
    }
    return problems;
  }

  /** Loops of one hierarchy: the relationships given, joined by the stored paths (`ancestors`) between their ends. */
  private loops(group: { type: string; label: Label; edges: Map<string, HierarchyEdge<W>[]> }, ancestors: ReadonlyMap<string, readonly string[]>): Array<GraphProblem<W>> {
    const adjacency = new Map<string, string[]>();
    const add = (from: string, to: string) => {
      const list = adjacency.get(from);
      if (list) list.push(to);
      else adjacency.set(from, [to]);
    };
    for (const [child, edges] of group.edges) for (const e of edges) add(child, e.to);
    // A stored path from a parent given here up to a child given here joins two of these relationships.
    const stored = new Set<string>();
    for (const [parent, above] of ancestors) {
      for (const a of above) {
        if (!group.edges.has(a)) continue;
        add(parent, a);
        stored.add(`${parent} ${a}`);
      }
    }
    const problems: Array<GraphProblem<W>> = [];
    const blamed = new Set<HierarchyEdge<W>>();
    for (const cycle of findCycles(adjacency)) {
      // Blame the relationship given last on the loop: the one that closes it.
      let worst: { from: string; edge: HierarchyEdge<W> } | null = null;
      for (let i = 0; i < cycle.length; i++) {
        const from = cycle[i];
        const to = cycle[(i + 1) % cycle.length];
        const edge = group.edges.get(from)?.find((e) => e.to === to);
        if (edge && !stored.has(`${from} ${to}`) && (!worst || edge.seq > worst.edge.seq)) worst = { from, edge };
      }
      if (!worst || blamed.has(worst.edge)) continue;
      blamed.add(worst.edge);
      const start = cycle.indexOf(worst.from);
      const loop = [...cycle.slice(start), ...cycle.slice(0, start), worst.from];
      const shown = loop.map((id, i) => (i > 0 && stored.has(`${loop[i - 1]} ${id}`) ? `… → ${id}` : id)).join(' → ');
      problems.push({ at: worst.edge.at, message: `${loopMessage(group.type, worst.from, worst.edge.to)} (${shown})`, code: 'CYCLE' });
    }
    return problems;
  }
}
