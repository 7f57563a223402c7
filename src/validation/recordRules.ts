import { labelOfId, type Label } from '../ids.js';
import type { GraphModel } from '../model/graphModel.js';
import { problem, type Problem } from './problem.js';
import { checkProperties } from './propertyRules.js';

/**
 * The rules of one record: a node's id, and a relationship's type, ends and properties. Mutations
 * (upserts, link, the typed links, a statement's edges) and imports call the same functions. Also the
 * relationship rules that need more than one record (graphRules.ts applies them): which relationships a
 * node has at most one of, which it must have, and which must not loop.
 */

/** "a Place", "an Actor": for messages that name a label. */
export const withArticle = (word: string) => `${/^[AEIOU]/i.test(word) ? 'an' : 'a'} ${word}`;

/** The problem with an id that should name a node of `label` (path []), or null. */
export function idProblem(label: Label, id: string): Problem | null {
  const actual = labelOfId(id);
  if (!actual) return problem([], `"${id.slice(0, 80)}" is not a valid id: ids look like ${label.toLowerCase()}:some-name (lowercase letters, digits, hyphens)`);
  if (actual !== label) return problem([], `${id} is the id of ${withArticle(actual)}, not ${withArticle(label)}`, 'WRONG_TYPE');
  return null;
}

/** A relationship as a record: type, ends, properties (bundle form). */
export interface EdgeRecord {
  type: string;
  from: string;
  to: string;
  props: unknown;
}

const labelsText = (labels: Label[]) => [...new Set(labels)].join(' or ');

/**
 * Every problem with a relationship record, at paths type, from, to and properties.…: a known type, ends
 * that are well-formed ids of labels the type joins, never the same node, properties valid for the type,
 * a keyed type's key. Returns the parsed properties when there is no problem.
 */
export function checkEdge(model: GraphModel, edge: EdgeRecord): { props: Record<string, unknown> | null; problems: Problem[] } {
  const edgeModel = model.edges.get(edge.type);
  if (!edgeModel) {
    return { props: null, problems: [problem(['type'], `unknown edge type ${edge.type.slice(0, 80)}; known: ${[...model.edges.keys()].join(', ')}`)] };
  }
  const problems: Problem[] = [];
  const fromLabel = labelOfId(edge.from);
  const toLabel = labelOfId(edge.to);
  const fromLabels = edgeModel.endpoints.map((e) => e.from);
  const toLabels = edgeModel.endpoints.map((e) => e.to);
  if (!fromLabel) problems.push(problem(['from'], `"${edge.from.slice(0, 80)}" is not a valid id (like place:kupyansk)`));
  else if (!fromLabels.includes(fromLabel)) {
    problems.push(problem(['from'], `${edge.type} starts at ${withArticle(labelsText(fromLabels))}, not ${withArticle(fromLabel)}`, 'WRONG_TYPE'));
  }
  if (!toLabel) problems.push(problem(['to'], `"${edge.to.slice(0, 80)}" is not a valid id (like place:kupyansk)`));
  else if (fromLabel && fromLabels.includes(fromLabel) && !edgeModel.endpoints.some((e) => e.from === fromLabel && e.to === toLabel)) {
    const allowed = edgeModel.endpoints.filter((e) => e.from === fromLabel).map((e) => e.to);
    problems.push(problem(['to'], `${edge.type} from ${withArticle(fromLabel)} points to ${withArticle(labelsText(allowed))}, not ${withArticle(toLabel)}`, 'WRONG_TYPE'));
  } else if (!toLabels.includes(toLabel)) {
    problems.push(problem(['to'], `${edge.type} points to ${withArticle(labelsText(toLabels))}, not ${withArticle(toLabel)}`, 'WRONG_TYPE'));
  }
  if (edge.from === edge.to) problems.push(problem(['to'], `a node cannot be linked to itself (${edge.type} from ${edge.from.slice(0, 80)} to itself)`));
  const checked = checkProperties(edgeModel.properties, edge.props);
  problems.push(...checked.problems.map((p) => ({ ...p, path: ['properties', ...p.path] })));
  const key = edgeModel.key;
  const props = edge.props;
  const isObject = typeof props === 'object' && props !== null && !Array.isArray(props);
  const keyValue = isObject ? (props as Record<string, unknown>)[key ?? ''] : undefined;
  if (key && isObject && checked.problems.every((p) => p.path[0] !== key) && (keyValue === undefined || keyValue === null)) {
    problems.push(problem(['properties', key], `${edge.type} needs ${key}`, 'REQUIRED'));
  }
  return { props: problems.length ? null : checked.data, problems };
}

/** True when a node of `fromLabel` has at most one `type` relationship (an OUT field of cardinality one). */
export function isSingleValued(model: GraphModel, type: string, fromLabel: Label): boolean {
  return singleValuedField(model, type, fromLabel) !== null;
}

/** The field of a single-valued relationship (Place.parent for PART_OF), or null when it may be many. */
export function singleValuedField(model: GraphModel, type: string, fromLabel: Label): string | null {
  for (const r of model.nodes.get(fromLabel)?.relations.values() ?? []) {
    if (r.relType === type && r.direction === 'OUT' && r.cardinality === 'one') return r.field;
  }
  return null;
}

/** Stance types: SUPPORTS agrees, CONTRADICTS and DISPUTES oppose. */
export const STANCE_TYPES: ReadonlySet<string> = new Set(['SUPPORTS', 'CONTRADICTS', 'DISPUTES']);

/** A stance edge between two statements, with its aspect (null: the whole claim). */
export interface Stance {
  type: string;
  from: string;
  to: string;
  aspect: string | null;
}

/**
 * Why two stance edges between the same pair (either direction) cannot both stand, or null when they can:
 * one supports and the other opposes on the same aspect, or the support is on the whole claim (no aspect)
 * and so covers every aspect the other opposes. Support on OUTCOME beside a contradiction on TIMING is fine.
 */
export function stanceClash(given: Stance, other: Stance): string | null {
  const pair = new Set([given.from, given.to]);
  if (!STANCE_TYPES.has(given.type) || !STANCE_TYPES.has(other.type) || !pair.has(other.from) || !pair.has(other.to)) return null;
  const supports = [given, other].filter((s) => s.type === 'SUPPORTS');
  if (supports.length !== 1) return null;
  const [support] = supports;
  const opposing = support === given ? other : given;
  if (support.aspect !== null && support.aspect !== opposing.aspect) return null;
  const on = support.aspect === null ? 'the whole claim' : `the same aspect (${support.aspect})`;
  return `${other.from} ${other.type} ${other.to}${other.aspect ? ` on ${other.aspect}` : ''} already; one statement cannot both support and oppose another on ${on}`;
}

/** Relationship types that form a hierarchy and must not loop. */
export const HIERARCHY_TYPES: ReadonlySet<string> = new Set(['PART_OF']);

export const loopMessage = (type: string, from: string, to: string) => `${to} is already part of ${from}: ${type} would loop`;

/**
 * Relationships a node must have, by label: at least one of each type, once it is written (a mutation
 * writes them with the node; an import may bring them in any batch, or find them stored).
 */
export interface RequiredEdge {
  type: string;
  /** What one such relationship is, in messages: speaker, source. */
  noun: string;
  message: string;
}
export const REQUIRED_EDGES: Partial<Record<Label, readonly RequiredEdge[]>> = {
  Statement: [
    { type: 'MADE_BY', noun: 'speaker', message: 'a statement must name its speaker' },
    { type: 'REPORTED_IN', noun: 'source', message: 'a statement needs at least one source' },
  ],
};

/** Why a node of `label` may not lose (or go without) its `type` relationships, or null when it may. */
export function requiredEdge(label: Label, type: string): RequiredEdge | null {
  return REQUIRED_EDGES[label]?.find((r) => r.type === type) ?? null;
}
