import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import { labelOfId, type Label } from '../../ids.js';
import { graphModelOf } from '../../model/graphModel.js';
import { fetchNodeById } from '../../planner/runPlan.js';
import type { Row } from '../../planner/row.js';
import type { ChangeOp, RecordedChange } from '../../changelog/changeLog.js';
import { canonical, diffProperties, normalise, toStored, type Properties } from '../../changelog/propertyValues.js';
import { runWrite, type Writer } from '../../changelog/writeTransaction.js';
import { detachDelete, edgesOf, findDependents, matchAndLock, mergeAndLock, writeProperties } from './nodeCypher.js';
import { mintId } from './mintId.js';
import { applyPatch, inputProperties, PROTECTED_PROPERTIES, validateProperties, writableSpecs } from './propertyInput.js';
import { assertNoErrors, userError, UserInputProblems, userProblemsOf, type Dependent, type Path, type UserError } from './userErrors.js';
import { idProblem } from '../../validation/recordRules.js';
import { hiddenNodeForbidden, requireWritableMarking } from '../../auth/markingWrites.js';
import { Visibility } from '../../auth/visibility.js';

/**
 * Node writes shared by every type: upsert (create or replace by id), update (set / unset some
 * properties), delete (refused while others depend on the node). Each runs in one transaction with its
 * change-log entries, and returns a payload whose object field is fetched through the query planner, so a
 * client selects nested fields as on any query.
 *
 * An upsert or update that changes nothing writes nothing: no updatedAt bump, no change-log entry.
 */

/** The property a minted id's slug is made from. */
export const NAME_PROPERTY: Record<Label, string> = {
  Actor: 'name',
  Unit: 'name',
  Place: 'name',
  Statement: 'text',
  Source: 'title',
};

export interface NodeWrite {
  label: Label;
  id: string;
  /** upsert creates the node when there is none; update requires it. */
  mode: 'upsert' | 'update';
  /** The properties the node should have (bundle form), given what it has now (canonical; null when new). */
  desired: (current: Properties | null) => Properties;
  /** Where property errors point in the input. */
  fieldPrefix: Path;
  /** The op to log for a change to an existing node (default UPDATE). */
  op?: ChangeOp;
}

/** A node's marking in canonical form, for the change log (absent: CLEAR, which the log leaves out). */
const markingOf = (props: Properties | null): string | null => (typeof props?.marking === 'string' ? props.marking : null);

export const notFound = (label: Label, id: string, field: Path = ['input', 'id']) =>
  new UserInputProblems([userError(field, `there is no ${label} with id ${id}`, 'NOT_FOUND')]);

/** Writes a node's properties under its lock and logs what changed. */
export async function writeNode(w: Writer, o: NodeWrite): Promise<{ created: boolean; changed: boolean }> {
  const specs = w.model.nodes.get(o.label)!.properties;
  let current: Properties | null;
  let created = false;
  const field = `Mutation.${w.via}`;
  const markingPath = [...o.fieldPrefix, 'marking'].join('.');
  if (o.mode === 'upsert') {
    const merged = await mergeAndLock(w.tx, o.label, o.id, w.visibility);
    // An id taken by a node the writer may not see: neither replaced nor described (the lock goes with the rollback).
    if (!merged.visible) throw hiddenNodeForbidden(o.id, 'input.id', field);
    created = merged.isNew;
    current = created ? null : canonical(specs, merged.stored);
  } else {
    const stored = await matchAndLock(w.tx, o.label, o.id, w.visibility);
    if (!stored) throw notFound(o.label, o.id);
    current = canonical(specs, stored);
  }
  const desired = o.desired(current);
  assertNoErrors(validateProperties(specs, desired, o.fieldPrefix));
  // What is written must stay visible to its writer, however the marking was arrived at (the resolvers
  // have refused a marking asked for above the clearance already, before reading anything).
  requireWritableMarking(w.visibility, o.label, desired.marking, markingPath, field);
  const after = normalise(specs, desired);
  const changes = diffProperties(specs, current, after);
  if (!created && !changes.length) return { created, changed: false };
  await writeProperties(w.tx, o.label, o.id, toStored(specs, desired), w.now, created);
  w.log({ op: created ? 'CREATE' : (o.op ?? 'UPDATE'), entityId: o.id, entityLabel: o.label, changes, marking: markingOf(after) });
  return { created, changed: true };
}

/** The properties a mutation keeps from the node as it is (a statement's retraction). */
export function keepProtected(label: Label, props: Properties, current: Properties | null): Properties {
  const kept: Properties = { ...props };
  for (const name of PROTECTED_PROPERTIES[label] ?? []) {
    if (current && current[name] !== undefined) kept[name] = current[name];
  }
  return kept;
}

/**
 * Deletes a node: refused (HAS_DEPENDENTS, with the dependents) while a relationship from another node
 * points at it, except a REPORTED_IN from a statement with other sources. Its remaining relationships are
 * unlinked and logged, then the node is, with its last properties as `before`.
 */
export async function deleteNode(w: Writer, label: Label, id: string): Promise<void> {
  const stored = await matchAndLock(w.tx, label, id, w.visibility);
  if (!stored) throw notFound(label, id);
  const { total: seen, dependents, hidden } = await findDependents(w.tx, label, id, w.visibility);
  // Dependents the writer may not see refuse the delete all the same (deleting would cut them off); they
  // are counted, never named.
  const total = seen + hidden;
  if (total > 0) {
    const listed = [
      ...dependents.slice(0, 10).map((d) => `${d.nodeId} (${d.relationship})`),
      ...(seen > 10 ? ['…'] : []),
      ...(hidden > 0 ? [`${hidden} this principal may not see`] : []),
    ].join(', ');
    throw new UserInputProblems(
      [userError(['input', 'id'], `${id} cannot be deleted: ${total} record${total === 1 ? '' : 's'} depend${total === 1 ? 's' : ''} on it: ${listed}`, 'HAS_DEPENDENTS')],
      dependents,
    );
  }
  // Its own relationships go with it, those to nodes the writer may not see too: logged, not shown to it.
  for (const edge of await edgesOf(w.tx, label, id, w.visibility)) {
    const edgeModel = w.model.edges.get(edge.type);
    const props = edgeModel ? canonical(edgeModel.properties, edge.props) : {};
    const key = edgeModel?.key && props[edgeModel.key] != null ? String(props[edgeModel.key]) : null;
    w.log(
      {
        op: 'UNLINK',
        entityId: edge.from,
        entityLabel: labelOfId(edge.from)!,
        edge: { type: edge.type, from: edge.from, to: edge.to, key },
        changes: edgeModel ? diffProperties(edgeModel.properties, props, null) : [],
      },
      edge.visible,
    );
  }
  const specs = w.model.nodes.get(label)!.properties;
  const last = canonical(specs, stored);
  w.log({ op: 'DELETE', entityId: id, entityLabel: label, changes: diffProperties(specs, last, null), marking: markingOf(last) });
  await detachDelete(w.tx, label, id);
}

/** What a node mutation resolves to; the payload's object field fetches `writtenId` through the planner. */
export type NodePayload = {
  writtenId: string | null;
  changes: RecordedChange[];
  userErrors: UserError[];
};

export const failed = (userErrors: UserError[]): NodePayload => ({ writtenId: null, changes: [], userErrors });

/** Runs a write for a payload: user problems found on the way become userErrors (and nothing is written). */
export async function writePayload(
  ctx: Context,
  info: GraphQLResolveInfo,
  via: string,
  id: string,
  work: (w: Writer) => Promise<unknown>,
): Promise<NodePayload> {
  try {
    const { changes } = await runWrite(ctx, graphModelOf(info.schema), via, work);
    return { writtenId: id, changes, userErrors: [] };
  } catch (error) {
    return failed(userProblemsOf(error).errors);
  }
}

/** An input id checked against the label; a user error when it is malformed or of another type. */
export function checkId(label: Label, id: string, field: Path): UserError[] {
  const problem = idProblem(label, id);
  return problem ? [userError(field, problem.message, problem.code)] : [];
}

/** The id an upsert writes: the input's, or a new one minted from the name. */
export function upsertId(label: Label, input: Record<string, unknown>): { id: string; errors: UserError[] } {
  if (typeof input.id === 'string') return { id: input.id, errors: checkId(label, input.id, ['input', 'id']) };
  const name = input[NAME_PROPERTY[label]];
  return { id: mintId(label, typeof name === 'string' ? name : ''), errors: [] };
}

type Args<T> = { input: T };

/** Resolvers for one type whose mutations write only its properties (Actor, Unit, Place, Source). */
export function nodeMutations(label: Label) {
  return {
    upsert: async (_: unknown, { input }: Args<object>, ctx: Context, info: GraphQLResolveInfo): Promise<NodePayload> => {
      const specs = writableSpecs(graphModelOf(info.schema), label);
      const fields = input as Record<string, unknown>;
      const { id, errors } = upsertId(label, fields);
      const props = inputProperties(specs, fields);
      errors.push(...validateProperties(specs, props, ['input']));
      if (errors.length) return failed(errors);
      requireWritableMarking(Visibility.of(ctx.principal), label, props.marking, 'input.marking', `Mutation.upsert${label}`);
      return writePayload(ctx, info, `upsert${label}`, id, (w) =>
        writeNode(w, { label, id, mode: 'upsert', desired: (current) => keepProtected(label, props, current), fieldPrefix: ['input'] }),
      );
    },

    update: async (_: unknown, { input }: Args<object>, ctx: Context, info: GraphQLResolveInfo): Promise<NodePayload> => {
      const specs = writableSpecs(graphModelOf(info.schema), label);
      const { id, set, unset } = input as { id: string; set?: Record<string, unknown> | null; unset?: string[] | null };
      const errors = [...checkId(label, id, ['input', 'id']), ...applyPatch(specs, {}, set, unset, ['input']).errors];
      if (errors.length) return failed(errors);
      requireWritableMarking(Visibility.of(ctx.principal), label, set?.marking, 'input.set.marking', `Mutation.update${label}`);
      return writePayload(ctx, info, `update${label}`, id, (w) =>
        writeNode(w, {
          label,
          id,
          mode: 'update',
          desired: (current) => applyPatch(specs, current ?? {}, set, unset, ['input']).props,
          fieldPrefix: ['input', 'set'],
        }),
      );
    },

    remove: async (_: unknown, { input }: Args<{ id: string }>, ctx: Context, info: GraphQLResolveInfo) => {
      const errors = checkId(label, input.id, ['input', 'id']);
      if (errors.length) return { deletedId: null, changes: [], dependents: [], userErrors: errors };
      try {
        const { changes } = await runWrite(ctx, graphModelOf(info.schema), `delete${label}`, (w) => deleteNode(w, label, input.id));
        return { deletedId: input.id, changes, dependents: [] as Dependent[], userErrors: [] };
      } catch (error) {
        const problems = userProblemsOf(error);
        return { deletedId: null, changes: [], dependents: problems.dependents, userErrors: problems.errors };
      }
    },
  };
}

/** The payload's object field: the written node through the query planner (nested selections included). */
export const payloadNode = (parent: Row, _args: unknown, ctx: Context, info: GraphQLResolveInfo) =>
  typeof parent.writtenId === 'string' ? fetchNodeById(ctx, info, parent.writtenId) : null;
