import { labelOfId, type Label } from '../../ids.js';
import type { EdgeTypeModel, GraphModel } from '../../model/graphModel.js';
import { canonical, diffProperties, normalise, toStored, type Properties } from '../../changelog/propertyValues.js';
import type { Writer } from '../../changelog/writeTransaction.js';
import { validateProperties } from '../node/propertyInput.js';
import { userError, UserInputProblems, withArticle, type Path, type UserError } from '../node/userErrors.js';
import { createEdge, deleteEdge, edgesFrom, setEdgeProperties, wouldLoop, type EdgeRef } from './edgeCypher.js';

/**
 * Relationship writes with their rules, shared by link / unlink, the typed link mutations, statement
 * upserts and deletes. Each write is logged (LINK, UPDATE_LINK, UNLINK) under its `from` node, with the
 * `to` node as relatedId, so it is in both endpoints' history.
 *
 * Rules:
 * - endpoints must be well-formed ids of the labels the type joins, and exist; never the same node;
 * - properties are validated like a bundle edge's (and the extra rules of propertyInput.ts); a keyed type
 *   needs its key;
 * - single-valued relationships (a statement's speaker, a place's parent, …: an OUT field of cardinality one
 *   in the SDL) are replaced on link: the old edge is unlinked;
 * - hierarchies (PART_OF) never loop;
 * - a statement keeps its speaker (MADE_BY cannot be unlinked, only replaced) and at least one source.
 */

/** A relationship in bundle form. */
export interface EdgeInput {
  type: string;
  from: string;
  to: string;
  props: Properties;
}

/** Where an edge's parts are in the mutation's input, for user errors. */
export interface EdgePaths {
  from: Path;
  to: Path;
  properties: Path;
}

/** Relationship types that form a hierarchy and must not loop. */
export const HIERARCHY_TYPES = new Set(['PART_OF']);
/** Relationships a node must keep: unlinking is refused; link another one instead. */
const KEPT_TYPES: Record<string, string> = { MADE_BY: 'a statement must name its speaker; link another speaker instead (it replaces this one)' };
/** Relationships a node must keep at least one of. */
const AT_LEAST_ONE: Record<string, string> = { REPORTED_IN: 'a statement needs at least one source; link another source first' };

const labelsText = (labels: Label[]) => [...new Set(labels)].join(' or ');

export function edgeModelOf(model: GraphModel, type: string): EdgeTypeModel {
  const edge = model.edges.get(type);
  if (!edge) throw new UserInputProblems([userError(['input', 'type'], `unknown relationship type ${type}`)]);
  return edge;
}

/** True when a node of `fromLabel` has at most one `type` relationship (an OUT field of cardinality one). */
export function isSingleValued(model: GraphModel, type: string, fromLabel: Label): boolean {
  const relations = model.nodes.get(fromLabel)?.relations;
  return [...(relations?.values() ?? [])].some((r) => r.relType === type && r.direction === 'OUT' && r.cardinality === 'one');
}

/** Checks what can be checked without the database. */
export function checkEdge(model: GraphModel, edge: EdgeInput, paths: EdgePaths): UserError[] {
  const errors: UserError[] = [];
  const edgeModel = model.edges.get(edge.type);
  if (!edgeModel) return [userError(['input', 'type'], `unknown relationship type ${edge.type}`)];
  const fromLabel = labelOfId(edge.from);
  const toLabel = labelOfId(edge.to);
  const fromLabels = edgeModel.endpoints.map((e) => e.from);
  const toLabels = edgeModel.endpoints.map((e) => e.to);
  if (!fromLabel) errors.push(userError(paths.from, `"${edge.from.slice(0, 80)}" is not a valid id (like place:kupyansk)`));
  else if (!fromLabels.includes(fromLabel)) {
    errors.push(userError(paths.from, `${edge.type} starts at ${withArticle(labelsText(fromLabels))}, not ${withArticle(fromLabel)}`, 'WRONG_TYPE'));
  }
  if (!toLabel) errors.push(userError(paths.to, `"${edge.to.slice(0, 80)}" is not a valid id (like place:kupyansk)`));
  else if (fromLabel && fromLabels.includes(fromLabel) && !edgeModel.endpoints.some((e) => e.from === fromLabel && e.to === toLabel)) {
    const allowed = edgeModel.endpoints.filter((e) => e.from === fromLabel).map((e) => e.to);
    errors.push(userError(paths.to, `${edge.type} from ${withArticle(fromLabel)} points to ${withArticle(labelsText(allowed))}, not ${withArticle(toLabel)}`, 'WRONG_TYPE'));
  } else if (!toLabels.includes(toLabel)) {
    errors.push(userError(paths.to, `${edge.type} points to ${withArticle(labelsText(toLabels))}, not ${withArticle(toLabel)}`, 'WRONG_TYPE'));
  }
  if (edge.from === edge.to) errors.push(userError(paths.to, 'a node cannot be linked to itself'));
  errors.push(...validateProperties(edgeModel.properties, edge.props, paths.properties));
  if (edgeModel.key && (edge.props[edgeModel.key] === undefined || edge.props[edgeModel.key] === null)) {
    if (!errors.some((e) => e.field.join('.') === [...paths.properties, edgeModel.key].join('.'))) {
      errors.push(userError([...paths.properties, edgeModel.key], `${edge.type} needs ${edgeModel.key}`, 'REQUIRED'));
    }
  }
  return errors;
}

interface ExistingEdge {
  to: string;
  key: string | null;
  /** Canonical bundle form. */
  props: Properties;
}

const keyOf = (edgeModel: EdgeTypeModel, props: Properties): string | null =>
  edgeModel.key && props[edgeModel.key] !== undefined && props[edgeModel.key] !== null ? String(props[edgeModel.key]) : null;

async function existingFrom(w: Writer, edgeModel: EdgeTypeModel, from: string): Promise<ExistingEdge[]> {
  const rows = await edgesFrom(w.tx, edgeModel.type, labelOfId(from)!, from);
  return rows.map((r) => {
    const props = canonical(edgeModel.properties, r.props);
    return { to: r.to, key: keyOf(edgeModel, props), props };
  });
}

function refOf(edgeModel: EdgeTypeModel, from: string, to: string, key: string | null): EdgeRef {
  return { type: edgeModel.type, from, fromLabel: labelOfId(from)!, to, toLabel: labelOfId(to)!, keyName: edgeModel.key, key };
}

async function unlinkOne(w: Writer, edgeModel: EdgeTypeModel, from: string, old: ExistingEdge): Promise<void> {
  await deleteEdge(w.tx, refOf(edgeModel, from, old.to, old.key));
  w.log({
    op: 'UNLINK',
    entityId: from,
    entityLabel: labelOfId(from)!,
    edge: { type: edgeModel.type, from, to: old.to, key: old.key },
    changes: diffProperties(edgeModel.properties, old.props, null),
  });
}

async function linkOne(w: Writer, edgeModel: EdgeTypeModel, edge: EdgeInput, after: Properties, existing: ExistingEdge | undefined): Promise<boolean> {
  const key = keyOf(edgeModel, after);
  const ref = refOf(edgeModel, edge.from, edge.to, key);
  const logged = { entityId: edge.from, entityLabel: labelOfId(edge.from)!, edge: { type: edge.type, from: edge.from, to: edge.to, key } };
  if (existing) {
    const changes = diffProperties(edgeModel.properties, existing.props, after);
    if (!changes.length) return false;
    await setEdgeProperties(w.tx, ref, toStored(edgeModel.properties, edge.props));
    w.log({ op: 'UPDATE_LINK', ...logged, changes });
    return true;
  }
  if (!(await createEdge(w.tx, ref, toStored(edgeModel.properties, edge.props)))) {
    throw new UserInputProblems([userError(['input'], `${edge.from} or ${edge.to} no longer exists`, 'NOT_FOUND')]);
  }
  w.log({ op: 'LINK', ...logged, changes: diffProperties(edgeModel.properties, null, after) });
  return true;
}

/**
 * Creates the relationship or sets its properties. A single-valued relationship replaces the node's other
 * one. The `from` node must be locked by the caller (lockEndpoints). Returns the edge's canonical properties.
 */
export async function putEdge(w: Writer, edge: EdgeInput): Promise<{ changed: boolean; props: Properties }> {
  const edgeModel = edgeModelOf(w.model, edge.type);
  const after = normalise(edgeModel.properties, edge.props);
  const key = keyOf(edgeModel, after);
  const existing = await existingFrom(w, edgeModel, edge.from);
  const same = existing.find((e) => e.to === edge.to && e.key === key);
  let changed = false;
  if (!same && isSingleValued(w.model, edge.type, labelOfId(edge.from)!)) {
    for (const old of existing) await unlinkOne(w, edgeModel, edge.from, old);
    changed = existing.length > 0;
  }
  changed = (await linkOne(w, edgeModel, edge, after, same)) || changed;
  return { changed, props: after };
}

/**
 * Makes the node's `type` relationships exactly `targets` (unlinking the others, linking or updating
 * these). The node must be locked by the caller.
 */
export async function syncEdgesFrom(w: Writer, from: string, type: string, targets: readonly EdgeInput[]): Promise<void> {
  const edgeModel = edgeModelOf(w.model, type);
  const existing = await existingFrom(w, edgeModel, from);
  const wanted = targets.map((t) => {
    const after = normalise(edgeModel.properties, t.props);
    return { input: t, after, key: keyOf(edgeModel, after) };
  });
  for (const old of existing) {
    if (!wanted.some((t) => t.input.to === old.to && t.key === old.key)) await unlinkOne(w, edgeModel, from, old);
  }
  for (const t of wanted) {
    await linkOne(w, edgeModel, t.input, t.after, existing.find((e) => e.to === t.input.to && e.key === t.key));
  }
}

/**
 * Removes the relationship (with `key`: the one edge with that key; without: every edge of the type
 * between the two). Removing nothing is not an error. Refused when the node must keep it.
 */
export async function removeEdges(w: Writer, type: string, from: string, to: string, key: string | null, paths: EdgePaths & { key: Path }): Promise<ExistingEdge[]> {
  const edgeModel = edgeModelOf(w.model, type);
  const existing = await existingFrom(w, edgeModel, from);
  const doomed = existing.filter((e) => e.to === to && (key === null || e.key === key));
  if (doomed.length && KEPT_TYPES[type]) throw new UserInputProblems([userError(paths.to, KEPT_TYPES[type], 'REQUIRED')]);
  if (doomed.length && AT_LEAST_ONE[type] && doomed.length === existing.length) {
    throw new UserInputProblems([userError(paths.to, `${to} is the last source of ${from}: ${AT_LEAST_ONE[type]}`, 'REQUIRED')]);
  }
  for (const old of doomed) await unlinkOne(w, edgeModel, from, old);
  return doomed;
}

/** Refuses a hierarchy link that would loop. */
export async function checkNoLoop(w: Writer, edge: EdgeInput, paths: EdgePaths): Promise<void> {
  if (!HIERARCHY_TYPES.has(edge.type)) return;
  if (await wouldLoop(w.tx, edge.type, labelOfId(edge.from)!, edge.from, labelOfId(edge.to)!, edge.to)) {
    throw new UserInputProblems([userError(paths.to, `${edge.to} is already part of ${edge.from}: ${edge.type} would loop`, 'CYCLE')]);
  }
}
