import { z } from 'zod';
import { LABELS, labelOfId, type Label } from '../ids.js';
import { InvariantError } from '../errors.js';
import { storedProperties, type GraphModel } from '../model/graphModel.js';
import type { Visibility } from '../auth/visibility.js';
import { CLOSURES, DEFAULT_CLOSURE, closurePlan, type Closure } from './closureRule.js';

/**
 * Which subgraph to export. Either
 *   - seeds and a depth: every node within `depth` hops of a seed, over any relationship, either way; or
 *   - a filter: statements whose statedAt overlaps [from, to] and/or that are ABOUT a place within
 *     `within`'s PART_OF hierarchy (at any depth), plus every node those statements touch;
 *   - or neither: the whole graph.
 * Then, unless `closure` is 'none', the closure rule (closureRule.ts) adds what makes the selection read on
 * its own: the speakers, subjects and sources of its statements, the publishers, authors and geolocations
 * of its sources, and the PART_OF ancestors of every place and unit. `labels` narrows the result to nodes
 * with those labels. Edges are those of the induced subgraph: every relationship whose two ends are both
 * exported.
 */
export interface Selection {
  seeds?: string[];
  depth?: number;
  labels?: Label[];
  from?: string;
  to?: string;
  within?: string;
  /** 'context' (absent) applies the closure rule; 'none' exports exactly the selection. */
  closure?: Closure;
}

export const MAX_DEPTH = 10;
export const MAX_SEEDS = 1000;
export const DEFAULT_DEPTH = 1;

export interface SelectionIssue {
  path: string;
  message: string;
}

/** The caller asked for something that is not a selection; `issues` say which argument and why. */
export class SelectionError extends Error {
  override name = 'SelectionError';
  constructor(
    readonly issues: SelectionIssue[],
    /** NOT_FOUND when the selection is well-formed but names nodes that do not exist. */
    readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND' = 'BAD_USER_INPUT',
  ) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const day = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(s);
  }, 'is not a calendar date');
const id = z.string().refine((s) => labelOfId(s) !== null, 'is not a valid id (like place:kupyansk)');

const selectionSchema = z
  .object({
    seeds: z.array(id).min(1, 'give at least one seed').max(MAX_SEEDS, `at most ${MAX_SEEDS} seeds`).optional(),
    depth: z.number().int('must be a whole number').min(0).max(MAX_DEPTH, `must be at most ${MAX_DEPTH}`).optional(),
    labels: z
      .array(z.enum(LABELS, { errorMap: () => ({ message: `must be one of ${LABELS.join(', ')}` }) }))
      .min(1, 'give at least one label')
      .optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    within: id.refine((s) => labelOfId(s) === 'Place', 'must be a place id').optional(),
    closure: z.enum(CLOSURES, { errorMap: () => ({ message: `must be one of ${CLOSURES.join(', ')}` }) }).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.depth !== undefined && !s.seeds) ctx.addIssue({ code: 'custom', path: ['depth'], message: 'depth needs seeds' });
    if (s.seeds && (s.from || s.to || s.within)) {
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'select by seeds or by a filter (from, to, within), not both' });
    }
    if (s.from && s.to && s.from > s.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

/** Checks a selection from any caller (HTTP query, CLI flags, GraphQL arguments). */
export function parseSelection(input: unknown): Selection {
  const parsed = selectionSchema.safeParse(input);
  if (!parsed.success) throw new SelectionError(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(selection)', message: i.message })));
  const s = parsed.data;
  return {
    ...s,
    ...(s.seeds ? { seeds: [...new Set(s.seeds)], depth: s.depth ?? DEFAULT_DEPTH } : {}),
    ...(s.labels ? { labels: [...new Set(s.labels)].sort() as Label[] } : {}),
    closure: s.closure ?? DEFAULT_CLOSURE,
  };
}

/**
 * A selection as one principal sees it: its seeds found in the database among the nodes the principal may
 * see (their element ids are what the Cypher uses), and what it may see, which every query of the export
 * keeps to.
 */
export interface ResolvedSelection extends Selection {
  seedElementIds?: string[];
  /**
   * With a closure: the element ids of every node the export holds (closureQuery), planned once, so that
   * every query of the export (counts, each CSV file) holds the same nodes.
   */
  exportedElementIds?: string[];
  visibility: Visibility;
}

const q = (name: string) => `\`${name}\``;

/** One streaming query of an export, in the order its rows must be written. */
export interface ExportQuery {
  kind: 'node' | 'edge';
  /** The label of the nodes, or the relationship type of the edges. */
  name: string;
  cypher: string;
  count: string;
  params: Record<string, unknown>;
}

interface SelectionCypher {
  labels: Label[];
  anyRel: string;
  params: Record<string, unknown>;
  /** Clauses that bind `v` to each selected node with the label, once. */
  source: (v: string, label: Label) => string;
  /** A predicate true when the node bound to `v` is selected. */
  member: (v: string) => string;
  /** Clauses that bind `v` to each selected node of any label, once; null for the whole graph. */
  any: ((v: string) => string) | null;
}

/**
 * The selection in Cypher, for the principal the selection was resolved for: nodes it may not see are never
 * selected, and never stepped through (a seed's hops and a filter's statements go through visible nodes
 * only), so no edge reaches them either. This is the selection alone, before the closure rule.
 */
function coreCypher(model: GraphModel, selection: ResolvedSelection): SelectionCypher {
  const labels = [...model.nodes.keys()].filter((l) => !selection.labels || selection.labels.includes(l)).sort();
  const anyRel = [...model.edges.keys()].sort().map(q).join('|');
  const { visibility } = selection;
  const params: Record<string, unknown> = {
    seedIds: selection.seedElementIds ?? [],
    from: selection.from ?? null,
    to: selection.to ?? null,
    within: selection.within ?? null,
    ...visibility.params(),
  };
  const visible = (v: string, label: Label | null) => visibility.predicate(v, label ? [label] : null);
  const andVisible = (v: string, label: Label | null) => {
    const p = visible(v, label);
    return p ? ` AND ${p}` : '';
  };
  if (selection.seeds) {
    const depth = Number(selection.depth ?? DEFAULT_DEPTH);
    if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH) throw new InvariantError('depth was not checked');
    // Each hop lands on a node the principal may see: a hidden node is neither selected nor passed through.
    const step = visibility.seesAll || depth === 0 ? `-[:${anyRel}*0..${depth}]-` : `(()-[:${anyRel}]-(hop) WHERE ${visible('hop', null)}){0,${depth}}`;
    return {
      labels,
      anyRel,
      params,
      source: (v, label) =>
        `MATCH (seed) WHERE elementId(seed) IN $seedIds
       MATCH (seed)${step}(${v}:${q(label)})
       WITH DISTINCT ${v}`,
      member: (v) =>
        visibility.seesAll
          ? `EXISTS { MATCH (${v})${step}(other) WHERE elementId(other) IN $seedIds }`
          : `${visible(v, null)} AND EXISTS { MATCH (other)${step}(${v}) WHERE elementId(other) IN $seedIds }`,
      any: (v) =>
        `MATCH (seed) WHERE elementId(seed) IN $seedIds
       MATCH (seed)${step}(${v})
       WITH DISTINCT ${v}`,
    };
  }
  if (selection.from || selection.to || selection.within) {
    const statement = statementFilter(model, selection);
    return {
      labels,
      anyRel,
      params,
      source: (v, label) =>
        `${statement.source('st', andVisible('st', 'Statement'))}
       MATCH (st)-[:${anyRel}*0..1]-(${v}:${q(label)})
       WITH DISTINCT ${v}${visibility.seesAll ? '' : ` WHERE ${visibility.require(v, [label])}`}`,
      member: (v) =>
        `${visibility.seesAll ? '' : `${visibility.require(v, null)} AND `}EXISTS { MATCH (${v})-[:${anyRel}*0..1]-(st2:${q('Statement')}) WHERE ${statement.predicate('st2')}${andVisible('st2', 'Statement')} }`,
      any: (v) =>
        `${statement.source('st', andVisible('st', 'Statement'))}
       MATCH (st)-[:${anyRel}*0..1]-(${v})
       WITH DISTINCT ${v}${visibility.seesAll ? '' : ` WHERE ${visibility.require(v, null)}`}`,
    };
  }
  return {
    labels,
    anyRel,
    params,
    source: (v, label) => `MATCH (${v}:${q(label)}) WHERE ${v}.id IS NOT NULL${andVisible(v, label)}`,
    member: (v) => visible(v, null) ?? 'true',
    any: null,
  };
}

/** Whether the closure rule adds anything to this selection: not for the whole graph, nor with closure 'none'. */
export function hasClosure(selection: Selection): boolean {
  return (selection.closure ?? DEFAULT_CLOSURE) !== 'none' && Boolean(selection.seeds || selection.from || selection.to || selection.within);
}

/**
 * The one query that plans a closed export: the element ids of every node it will hold, the selection
 * with its closure (closureRule.ts), narrowed to `labels`. Every step keeps to what the principal may see,
 * inside this Cypher: a hidden source is not added, and neither are its publisher and geolocation (unless
 * something visible brings them in). The export's own queries then read those nodes, and the edges
 * between them.
 */
export function closureQuery(model: GraphModel, selection: ResolvedSelection): { cypher: string; params: Record<string, unknown> } {
  const core = coreCypher(model, selection);
  if (!hasClosure(selection) || !core.any) throw new InvariantError('closureQuery is for a selection with a closure');
  const plan = closurePlan(model);
  const { visibility } = selection;
  const where = (...predicates: Array<string | null>) => {
    const kept = predicates.filter((p): p is string => Boolean(p));
    return kept.length ? ` WHERE ${kept.join(' AND ')}` : '';
  };
  const types = (list: readonly string[]) => list.map(q).join('|');
  const branches = [
    'WITH x RETURN x AS y',
    `WITH x MATCH (x:${q('Statement')})-[:${types(plan.statement.types)}]->(y)${where(visibility.predicate('y', plan.statement.to))} RETURN y`,
    `WITH x MATCH (x:${q('Source')})-[:${types(plan.source.types)}]->(y)${where(visibility.predicate('y', plan.source.to))} RETURN y`,
  ];
  if (plan.statement.to.includes('Source')) {
    branches.push(
      `WITH x MATCH (x:${q('Statement')})-[:${types(plan.statement.types)}]->(s:${q('Source')})-[:${types(plan.source.types)}]->(y)${where(
        visibility.predicate('s', ['Source']),
        visibility.predicate('y', plan.source.to),
      )} RETURN y`,
    );
  }
  const labels = selection.labels ? `(${selection.labels.map((l) => `n:${q(l)}`).join(' OR ')})` : null;
  return {
    cypher: `${core.any('x')}
       CALL {
         ${branches.join('\n         UNION\n         ')}
       }
       WITH DISTINCT y
       MATCH (y)-[:${q(plan.hierarchy)}*0..]->(n)
       WITH DISTINCT n${where(labels, visibility.predicate('n', null))}
       RETURN elementId(n) AS element`,
    params: core.params,
  };
}

/**
 * The selection in Cypher: the selection alone, or, once its closure was planned (`exportedElementIds`),
 * exactly the nodes planned.
 */
function selectionCypher(model: GraphModel, selection: ResolvedSelection): SelectionCypher {
  const core = coreCypher(model, selection);
  if (!hasClosure(selection)) return core;
  if (!selection.exportedElementIds) throw new InvariantError('a selection with a closure is planned (planClosure) before it is exported');
  return {
    ...core,
    params: { exported: selection.exportedElementIds },
    source: (v, label) => `MATCH (${v}:${q(label)}) WHERE elementId(${v}) IN $exported`,
    member: (v) => `elementId(${v}) IN $exported`,
    any: (v) => `MATCH (${v}) WHERE elementId(${v}) IN $exported`,
  };
}

/**
 * Queries finding, per label, one selected node with a list element holding `delimiter` (the CSV array
 * delimiter, which such an element cannot be written with).
 */
export function listDelimiterQueries(model: GraphModel, selection: ResolvedSelection, delimiter: string): Array<{ cypher: string; params: Record<string, unknown> }> {
  const s = selectionCypher(model, selection);
  const out: Array<{ cypher: string; params: Record<string, unknown> }> = [];
  for (const label of s.labels) {
    const lists = model.nodes.get(label)!.properties.filter((p) => p.kind === 'stringList');
    if (!lists.length) continue;
    const test = lists.map((p) => `any(x IN coalesce(n.${q(p.name)}, []) WHERE x CONTAINS $delimiter)`).join(' OR ');
    out.push({ cypher: `${s.source('n', label)} WITH n WHERE ${test} RETURN n.id AS id LIMIT 1`, params: { ...s.params, delimiter } });
  }
  return out;
}

/** The Cypher of one export: nodes by label then id, edges by type, from, to and key. */
export function exportQueries(model: GraphModel, selection: ResolvedSelection, only?: { labels?: Label[]; types?: string[] }): ExportQuery[] {
  const { labels, params, source, member } = selectionCypher(model, selection);
  const allTypes = [...model.edges.keys()].sort();
  const out: ExportQuery[] = [];
  for (const label of labels) {
    if (only && !only.labels?.includes(label)) continue;
    const from = source('n', label);
    out.push({
      kind: 'node',
      name: label,
      cypher: `${from}
       RETURN n.id AS id, properties(n) AS props
       ORDER BY id`,
      count: `${from} RETURN count(*) AS count`,
      params,
    });
  }
  for (const type of allTypes) {
    if (only && !only.types?.includes(type)) continue;
    const edge = model.edges.get(type)!;
    const fromLabels = [...new Set(edge.endpoints.map((e) => e.from))].filter((l) => labels.includes(l)).sort();
    for (const fromLabel of fromLabels) {
      const toLabels = [...new Set(edge.endpoints.filter((e) => e.from === fromLabel).map((e) => e.to))].filter((l) => labels.includes(l)).sort();
      if (!toLabels.length) continue;
      const match = `${source('a', fromLabel)}
       MATCH (a)-[r:${q(type)}]->(b)
       WHERE (${toLabels.map((l) => `b:${q(l)}`).join(' OR ')}) AND ${member('b')}`;
      out.push({
        kind: 'edge',
        name: type,
        cypher: `${match}
       RETURN a.id AS from, b.id AS to, properties(r) AS props
       ORDER BY from, to${edge.key ? `, r.${q(edge.key)}` : ''}`,
        count: `${match} RETURN count(*) AS count`,
        params,
      });
    }
  }
  return out;
}

/** Cypher for "statements matching the filter": a source clause binding `v`, and the same test as a predicate. */
function statementFilter(model: GraphModel, selection: Selection) {
  const statedAt = model.nodes.get('Statement')?.properties.find((p) => p.name === 'statedAt' && p.kind === 'partialDate');
  if (!statedAt || !model.edges.get('ABOUT') || !model.edges.get('PART_OF')) {
    throw new InvariantError('the statement filter needs Statement.statedAt, ABOUT and PART_OF in the model');
  }
  const [start, end] = storedProperties(statedAt);
  const dates = (v: string) => [
    ...(selection.from ? [`${v}.${q(end)} >= date($from)`] : []),
    ...(selection.to ? [`${v}.${q(start)} <= date($to)`] : []),
  ];
  const within = (v: string) =>
    `EXISTS { MATCH (${v})-[:ABOUT]->(:Place)-[:PART_OF*0..]->(w:Place) WHERE w.id = $within }`;
  return {
    /** Clauses binding `v` to each matching statement; `also` (" AND …") narrows them further. */
    source(v: string, also = '') {
      if (selection.within) {
        const d = dates(v);
        const where = d.length ? `WHERE ${d.join(' AND ')}${also}` : also ? `WHERE ${also.slice(' AND '.length)}` : '';
        return `MATCH (w:Place {id: $within})<-[:PART_OF*0..]-(:Place)<-[:ABOUT]-(${v}:Statement)
         ${where}
         WITH DISTINCT ${v}`;
      }
      return `MATCH (${v}:Statement) WHERE ${dates(v).join(' AND ')}${also}`;
    },
    predicate(v: string) {
      return [...dates(v), ...(selection.within ? [within(v)] : [])].join(' AND ');
    },
  };
}
