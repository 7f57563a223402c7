import { labelOfId, type Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import type { UserErrorCode } from '../generated/graphql.js';
import { HIERARCHY_TYPES, loopMessage, REQUIRED_EDGES, singleValuedField, stanceClash, STANCE_TYPES, type Stance } from './recordRules.js';

/**
 * The rules that span records, applied over what a write brings AND what is already stored:
 *   - a single-valued relationship (a place's or unit's parent, a statement's speaker, …) has one target;
 *   - a hierarchy (PART_OF) never loops, whether the loop is all new or half new and half stored;
 *   - a node keeps the relationships it must have (a statement its speaker and a source), given here or
 *     already stored.
 * A mutation checks the one relationship it writes (`wouldLoop`; a single-valued link replaces the old
 * one, and a statement is written with its speaker and sources); an import feeds every record to a
 * GraphRules and asks it once, after the last record and before the first write. Stored data is read
 * with parameterised queries in UNWIND chunks: the ends of what is given, and the hierarchy above them,
 * never the whole graph; what GraphRules keeps grows with the number of relationships of these few types,
 * not with the size of the records.
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

/** The stored stance edges between each pair of statements (either direction). */
export async function storedStances(read: ReadQuery, pairs: Iterable<readonly [string, string]>): Promise<Stance[]> {
  const out: Stance[] = [];
  for (const chunk of chunks(pairs)) {
    const rows = await read(
      `UNWIND $pairs AS p
       MATCH (a:Statement {id: p[0]})-[r:SUPPORTS|CONTRADICTS|DISPUTES]-(b:Statement {id: p[1]})
       RETURN DISTINCT type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, r.aspect AS aspect ORDER BY type, from, to`,
      { pairs: chunk.map(([a, b]) => [a, b]) },
    );
    for (const row of rows) out.push({ type: row.type as string, from: row.from as string, to: row.to as string, aspect: (row.aspect as string | null) ?? null });
  }
  return out;
}

/** True when linking `from` -[type]-> `to` would close a loop: `from` is already above `to` (stops at the first path found). */
export async function wouldLoop(read: ReadQuery, type: string, from: string, to: string): Promise<boolean> {
  const label = labelOfId(to);
  if (!HIERARCHY_TYPES.has(type) || !label || labelOfId(from) !== label) return false;
  const rows = await read(
    `MATCH (b:${q(label)} {id: $to})
     RETURN EXISTS { MATCH (b)-[:${q(type)}*1..]->(a:${q(label)} {id: $from}) } AS loops`,
    { from, to },
  );
  return rows[0]?.loops === true;
}

/**
 * The stored `type` relationships of `ids` and of everything above them, walked up one level per round
 * (each round one query per chunk of ids), every node read once: rows and memory grow with the nodes
 * above, never with the number of paths to them.
 */
export async function storedAbove(read: ReadQuery, type: string, label: Label, ids: Iterable<string>): Promise<Map<string, string[]>> {
  const above = new Map<string, string[]>();
  const seen = new Set<string>(ids);
  let frontier = [...seen];
  while (frontier.length) {
    const next: string[] = [];
    for (const chunk of chunks(frontier)) {
      const rows = await read(
        `UNWIND $ids AS id
         MATCH (:${q(label)} {id: id})-[:${q(type)}]->(parent:${q(label)})
         RETURN id, parent.id AS parent`,
        { ids: chunk },
      );
      for (const row of rows) {
        const id = row.id as string;
        const parent = row.parent as string;
        const list = above.get(id);
        if (list) list.push(parent);
        else above.set(id, [parent]);
        if (!seen.has(parent)) {
          seen.add(parent);
          next.push(parent);
        }
      }
    }
    frontier = next;
  }
  return above;
}

/**
 * Loops of a directed graph, one per back edge a depth-first walk meets (every part of the graph that
 * loops gives at least one), each listed node by node from where the walk entered it; at most `limit`.
 * Iterative: no depth overflows the stack.
 */
export function findCycles(adjacency: ReadonlyMap<string, readonly string[]>, limit = Infinity): string[][] {
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
        if (at !== undefined) {
          cycles.push(stack.slice(at).map((f) => f.node));
          if (cycles.length >= limit) return cycles;
        } else if (!done.has(to)) {
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
interface HierarchyGroup<W> {
  type: string;
  label: Label;
  /** By child: its parents given (a second one is refused too, but may also close a loop worth naming). */
  edges: Map<string, Array<HierarchyEdge<W>>>;
}

/** Loops reported per hierarchy, at most (each is refused; a few name the problem). */
const MAX_LOOPS = 100;

/**
 * Collects the records of one write (nodes, then or interleaved with relationships, each once) and
 * checks the rules above over them and the stored graph. `W` is the caller's note of where a record is.
 */
export class GraphRules<W> {
  private readonly problems: Array<GraphProblem<W>> = [];
  /** Single-valued relationships given, by `${type} ${label of from}`, then by `from`: the target and where. */
  private readonly single = new Map<string, Map<string, { to: string; at: W }>>();
  /** Hierarchy relationships given, by `${type} ${label}`, then by child. */
  private readonly hierarchy = new Map<string, HierarchyGroup<W>>();
  /** Stance edges given, by their unordered pair of statements. */
  private readonly stances = new Map<string, Array<Stance & { at: W }>>();
  /**
   * Nodes whose label requires relationships: those given still lacking one (`needy`, with where their id
   * is), and ids given a required relationship before their node came (or whose node is stored). `given`
   * has bit i set once the label's i-th required relationship is given. A node given with all it requires
   * is forgotten, so for an input that gives each node with its relationships this stays small.
   */
  private readonly required = new Map<string, { label: Label; given: number; needy: boolean; at?: W }>();
  private seq = 0;

  /** `isNodeGiven` says whether a node record with this id came already (a forgotten one is not needy again). */
  constructor(
    private readonly model: GraphModel,
    private readonly isNodeGiven: (id: string) => boolean = () => false,
  ) {}

  /** A node record; `at` points at its id. */
  node(label: Label, id: string, at: W): void {
    const rules = REQUIRED_EDGES[label];
    if (!rules) return;
    const before = this.required.get(id);
    // deleted and set again: the order of the needy is the order their nodes came in
    if (before) this.required.delete(id);
    const given = before?.given ?? 0;
    if (given !== (1 << rules.length) - 1) this.required.set(id, { label, given, needy: true, at });
  }

  /** A relationship record (valid, between well-formed ids, with its properties); `at` points at its `to`. */
  edge(type: string, from: string, to: string, at: W, props: Record<string, unknown> = {}): void {
    if (STANCE_TYPES.has(type)) {
      const key = [from, to].sort().join(' ');
      const list = this.stances.get(key) ?? [];
      const stance = { type, from, to, aspect: typeof props.aspect === 'string' ? props.aspect : null, at };
      for (const other of list) {
        const clash = stanceClash(stance, other);
        if (clash) this.problems.push({ at, message: `${clash.replace(/ already;/, ' in this input;')}`, code: 'CONFLICT' });
      }
      list.push(stance);
      this.stances.set(key, list);
    }
    const fromLabel = labelOfId(from)!;
    const rules = REQUIRED_EDGES[fromLabel];
    const rule = rules?.findIndex((r) => r.type === type) ?? -1;
    if (rules && rule >= 0) {
      const entry = this.required.get(from);
      if (entry) {
        entry.given |= 1 << rule;
        if (entry.needy && entry.given === (1 << rules.length) - 1) this.required.delete(from);
      } else if (!this.isNodeGiven(from)) this.required.set(from, { label: fromLabel, given: 1 << rule, needy: false });
    }
    const field = singleValuedField(this.model, type, fromLabel);
    if (field) {
      const groupKey = `${type} ${fromLabel}`;
      let group = this.single.get(groupKey);
      if (!group) this.single.set(groupKey, (group = new Map()));
      const first = group.get(from);
      if (first && first.to !== to) {
        this.problems.push({ at, message: `${from} already has its ${field} (${type} ${first.to}) in this input; it can have only one`, code: 'INVALID' });
      } else if (!first) group.set(from, { to, at });
    }
    if (HIERARCHY_TYPES.has(type) && labelOfId(to) === fromLabel) {
      const groupKey = `${type} ${fromLabel}`;
      let group = this.hierarchy.get(groupKey);
      if (!group) this.hierarchy.set(groupKey, (group = { type, label: fromLabel, edges: new Map() }));
      const edge = { to, at, seq: this.seq++ };
      const list = group.edges.get(from);
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
    // The rules read independently of one another: their reads go at once (Neo4j runs them side by side
    // where `read` opens a session per query, as the importer's does), and the problems come in the same
    // order whatever finishes first.
    const hierarchies = [...this.hierarchy.values()].map(async (group) => {
      // Every stored relationship above the nodes given: with those given, the whole hierarchy a loop could run through.
      const ends = new Set(group.edges.keys());
      for (const list of group.edges.values()) for (const e of list) ends.add(e.to);
      return this.loops(group, await storedAbove(read, group.type, group.label, ends));
    });
    const found = await Promise.all([this.storedTargets(read), this.missingRequired(read), this.storedStanceClashes(read), ...hierarchies]);
    return [...this.problems, ...found.flat()];
  }

  /** Stance edges given that clash with one stored (one the input gives again, with new properties, does not count). */
  private async storedStanceClashes(read: ReadQuery): Promise<Array<GraphProblem<W>>> {
    if (!this.stances.size) return [];
    const pairs = [...this.stances.keys()].map((k) => k.split(' ') as [string, string]);
    const problems: Array<GraphProblem<W>> = [];
    for (const stored of await storedStances(read, pairs)) {
      const given = this.stances.get([stored.from, stored.to].sort().join(' '))!;
      if (given.some((g) => g.type === stored.type && g.from === stored.from && g.to === stored.to)) continue;
      for (const g of given) {
        const clash = stanceClash(g, stored);
        if (clash) problems.push({ at: g.at, message: clash.replace(/ already;/, ' in the database;'), code: 'CONFLICT' });
      }
    }
    return problems;
  }

  /** Single-valued relationships whose node already has another target stored. */
  private async storedTargets(read: ReadQuery): Promise<Array<GraphProblem<W>>> {
    const problems: Array<GraphProblem<W>> = [];
    for (const [key, group] of this.single) {
      const [type, label] = key.split(' ');
      const field = singleValuedField(this.model, type, label as Label)!;
      for (const chunk of chunks(group)) {
        const byFrom = new Map(chunk.map(([from, s]) => [from, { from, ...s }]));
        const rows = await read(
          `UNWIND $rows AS row
           MATCH (a:${q(label)} {id: row.from})-[:${q(type)}]->(b)
           WHERE b.id <> row.to
           RETURN row.from AS from, b.id AS other ORDER BY from, other`,
          { rows: chunk.map(([from, s]) => ({ from, to: s.to })) },
        );
        for (const row of rows) {
          const s = byFrom.get(row.from as string)!;
          problems.push({
            at: s.at,
            message: `${s.from} already has its ${field} (${type} ${String(row.other)}) in the database; it can have only one (an import never removes a relationship: unlink that one first)`,
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
        const bit = 1 << rules.indexOf(rule);
        const lacking = (function* (required: GraphRules<W>['required']) {
          for (const [id, n] of required) if (n.needy && n.label === label && !(n.given & bit)) yield id;
        })(this.required);
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
              at: this.required.get(id)!.at as W,
              message: `${id} has no ${rule.noun} (${rule.type}): ${rule.message}; give one in the input, or have it stored already`,
              code: 'REQUIRED',
            });
          }
        }
      }
    }
    return problems;
  }

  /** Loops of one hierarchy: the relationships given with those stored above them (`stored`: child → parents). */
  private loops(group: HierarchyGroup<W>, stored: ReadonlyMap<string, readonly string[]>): Array<GraphProblem<W>> {
    const adjacency = new Map<string, string[]>();
    for (const [child, parents] of stored) adjacency.set(child, [...parents]);
    for (const [child, given] of group.edges) {
      const list = adjacency.get(child) ?? [];
      for (const e of given) if (!list.includes(e.to)) list.push(e.to);
      adjacency.set(child, list);
    }
    const isStored = (from: string, to: string) => stored.get(from)?.includes(to) ?? false;
    const problems: Array<GraphProblem<W>> = [];
    const blamed = new Set<HierarchyEdge<W>>();
    for (const cycle of findCycles(adjacency, MAX_LOOPS)) {
      // Blame the relationship given last on the loop among those not stored yet: the one that closes it.
      let worst: { from: string; edge: HierarchyEdge<W>; isNew: boolean } | null = null;
      for (let i = 0; i < cycle.length; i++) {
        const from = cycle[i];
        const to = cycle[(i + 1) % cycle.length];
        const edge = group.edges.get(from)?.find((e) => e.to === to);
        if (!edge) continue;
        const isNew = !isStored(from, edge.to);
        if (!worst || (isNew && !worst.isNew) || (isNew === worst.isNew && edge.seq > worst.edge.seq)) worst = { from, edge, isNew };
      }
      if (!worst || blamed.has(worst.edge)) continue; // a loop of stored relationships only is not this write's
      blamed.add(worst.edge);
      const start = cycle.indexOf(worst.from);
      const loop = [...cycle.slice(start), ...cycle.slice(0, start), worst.from].join(' → ');
      problems.push({ at: worst.edge.at, message: `${loopMessage(group.type, worst.from, worst.edge.to)} (${loop})`, code: 'CYCLE' });
    }
    return problems;
  }
}
