import { labelOfId } from '../../ids.js';
import type { EdgeTypeModel, GraphModel } from '../../model/graphModel.js';
import { canonical, diffProperties, normalise, toStored, type Properties } from '../../changelog/propertyValues.js';
import type { Writer } from '../../changelog/writeTransaction.js';
import { userError, UserInputProblems, type Path, type UserError } from '../node/userErrors.js';
import { checkEdge as edgeRules, isSingleValued, loopMessage, requiredEdge, stanceClash, STANCE_TYPES } from '../../validation/recordRules.js';
import { readQueryOf, storedStances, wouldLoop } from '../../validation/graphRules.js';
import { createEdge, deleteEdge, edgesFrom, setEdgeProperties, type EdgeRef } from './edgeCypher.js';

/**
 * Relationship writes with their rules, shared by link / unlink, the typed link mutations, statement
 * upserts and deletes. Each write is logged (LINK, UPDATE_LINK, UNLINK) under its `from` node, with the
 * `to` node as relatedId, so it is in both endpoints' history.
 *
 * The rules are the importer's (src/validation/recordRules.ts and graphRules.ts):
 * - endpoints must be well-formed ids of the labels the type joins, and exist; never the same node;
 * - properties are validated like a bundle edge's; a keyed type needs its key;
 * - single-valued relationships (a statement's speaker, a place's parent, …: an OUT field of cardinality one
 *   in the SDL) are replaced on link: the old edge is unlinked (an import, which never unlinks, refuses one);
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

export function edgeModelOf(model: GraphModel, type: string): EdgeTypeModel {
  const edge = model.edges.get(type);
  if (!edge) throw new UserInputProblems([userError(['input', 'type'], `unknown relationship type ${type}`)]);
  return edge;
}

/** Checks what can be checked without the database (src/validation/recordRules.ts), at the input's paths. */
export function checkEdge(model: GraphModel, edge: EdgeInput, paths: EdgePaths): UserError[] {
  const { problems } = edgeRules(model, { type: edge.type, from: edge.from, to: edge.to, props: edge.props });
  return problems.map((p) => {
    const [part, ...rest] = p.path;
    const at = part === 'from' ? paths.from : part === 'to' ? paths.to : part === 'properties' ? [...paths.properties, ...rest] : ['input', 'type'];
    return userError(at, p.message, p.code);
  });
}

interface ExistingEdge {
  to: string;
  key: string | null;
  /** Canonical bundle form. */
  props: Properties;
}

const keyOf = (edgeModel: EdgeTypeModel, props: Properties): string | null =>
  edgeModel.key && props[edgeModel.key] !== undefined && props[edgeModel.key] !== null ? String(props[edgeModel.key]) : null;

/** The node's relationships of one type that the writer may see. */
async function existingFrom(w: Writer, edgeModel: EdgeTypeModel, from: string): Promise<ExistingEdge[]> {
  const rows = await edgesFrom(w.tx, edgeModel.type, labelOfId(from)!, from, w.visibility);
  return rows.filter((r) => r.visible).map((r) => {
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
  const fromLabel = labelOfId(from)!;
  const required = requiredEdge(fromLabel, type);
  if (doomed.length && required && isSingleValued(w.model, type, fromLabel)) {
    throw new UserInputProblems([userError(paths.to, `${required.message}; link another ${required.noun} instead (it replaces this one)`, 'REQUIRED')]);
  }
  if (doomed.length && required && doomed.length === existing.length) {
    throw new UserInputProblems([userError(paths.to, `${to} is the last ${required.noun} of ${from}: ${required.message}; link another ${required.noun} first`, 'REQUIRED')]);
  }
  for (const old of doomed) await unlinkOne(w, edgeModel, from, old);
  return doomed;
}

/**
 * Refuses a stance that clashes with one stored between the same two statements (either direction): support
 * and opposition on the same aspect, or support on the whole claim beside any opposition (CONFLICT).
 */
export async function checkNoStanceClash(w: Writer, edge: EdgeInput, paths: EdgePaths): Promise<void> {
  if (!STANCE_TYPES.has(edge.type)) return;
  const given = { type: edge.type, from: edge.from, to: edge.to, aspect: typeof edge.props.aspect === 'string' ? edge.props.aspect : null };
  for (const stored of await storedStances(readQueryOf(w.tx), [[edge.from, edge.to]])) {
    const clash = stanceClash(given, stored);
    if (clash) throw new UserInputProblems([userError([...paths.properties, 'aspect'], clash, 'CONFLICT')]);
  }
}

/** Refuses a hierarchy link that would loop (read in the write's transaction). */
export async function checkNoLoop(w: Writer, edge: EdgeInput, paths: EdgePaths): Promise<void> {
  if (await wouldLoop(readQueryOf(w.tx), edge.type, edge.from, edge.to)) {
    throw new UserInputProblems([userError(paths.to, loopMessage(edge.type, edge.from, edge.to), 'CYCLE')]);
  }
}
