import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import type { Resolvers } from '../../generated/graphql.js';
import { graphModelOf, type GraphModel } from '../../model/graphModel.js';
import type { Properties } from '../../changelog/propertyValues.js';
import type { Writer } from '../../changelog/writeTransaction.js';
import { checkEdge, syncEdgesFrom, type EdgeInput, type EdgePaths } from '../edges/edgeWrites.js';
import { existingIds } from '../node/nodeCypher.js';
import { checkId, failed, keepProtected, payloadNode, upsertId, writeNode, writePayload, type NodePayload } from '../node/nodeMutations.js';
import { applyPatch, inputProperties, validateProperties, writableSpecs } from '../node/propertyInput.js';
import { userError, UserInputProblems, type Path, type UserError } from '../node/userErrors.js';
import { requiredEdge } from '../../validation/recordRules.js';
import { requireWritableMarking } from '../../auth/markingWrites.js';
import { Visibility } from '../../auth/visibility.js';

/**
 * Statement mutations (schema/statement.graphql). A statement is written with its speaker, sources and
 * subjects in one transaction: every referenced id is checked before the first write, and any problem
 * rolls the whole write back, so a statement is never left without its speaker or evidence. Statements
 * are never deleted; retractStatement marks them withdrawn and keeps the claim and its edges.
 */

const LABEL = 'Statement' as const;

interface SourceInput {
  sourceId: string;
  quote?: string | null;
  charStart?: number | null;
  charEnd?: number | null;
}
interface SubjectInput {
  id: string;
  role: string;
}
interface UpsertInput extends Record<string, unknown> {
  id?: string | null;
  speakerId: string;
  onBehalfOfId?: string | null;
  sources: SourceInput[];
  about?: SubjectInput[] | null;
}

/** An edge from the statement with where its parts are in the input; `to` is what gets checked. */
interface PlannedEdge {
  edge: EdgeInput;
  paths: EdgePaths;
}

function planEdge(model: GraphModel, type: string, from: string, to: string, fields: Record<string, unknown>, to_: Path, props_: Path): PlannedEdge {
  const specs = model.edges.get(type)!.properties;
  return { edge: { type, from, to, props: inputProperties(specs, fields) }, paths: { from: ['input', 'id'], to: to_, properties: props_ } };
}

/** Edge errors, leaving out those about the statement's own id (reported once, by the id check). */
function edgeErrors(model: GraphModel, planned: PlannedEdge[]): UserError[] {
  return planned.flatMap((p) => checkEdge(model, p.edge, p.paths).filter((e) => e.field.join('.') !== 'input.id'));
}

/** Every referenced node must exist: NOT_FOUND for each that does not. Nothing has been written yet. */
async function checkReferences(w: Writer, planned: PlannedEdge[]): Promise<void> {
  const present = await existingIds(w.tx, planned.map((p) => p.edge.to), w.visibility);
  const missing = planned.filter((p) => !present.has(p.edge.to));
  if (missing.length) {
    throw new UserInputProblems(missing.map((p) => userError(p.paths.to, `there is no ${labelName(p.edge.to)} with id ${p.edge.to}`, 'NOT_FOUND')));
  }
}
const labelName = (id: string) => id.slice(0, id.indexOf(':')) || 'node';

function duplicates<T>(items: readonly T[], keyOf: (item: T) => string, path: (i: number) => Path, what: string): UserError[] {
  const seen = new Set<string>();
  const errors: UserError[] = [];
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (seen.has(key)) errors.push(userError(path(i), `${what} is listed twice`));
    seen.add(key);
  });
  return errors;
}

async function upsertStatement(_: unknown, { input }: { input: UpsertInput }, ctx: Context, info: GraphQLResolveInfo): Promise<NodePayload> {
  const model = graphModelOf(info.schema);
  const specs = writableSpecs(model, LABEL);
  const { id, errors } = upsertId(LABEL, input);
  const props = inputProperties(specs, input);
  errors.push(...validateProperties(specs, props, ['input']));

  const speaker = [planEdge(model, 'MADE_BY', id, input.speakerId, {}, ['input', 'speakerId'], ['input'])];
  const onBehalf = input.onBehalfOfId ? [planEdge(model, 'ON_BEHALF_OF', id, input.onBehalfOfId, {}, ['input', 'onBehalfOfId'], ['input'])] : [];
  const sources = input.sources.map((s, i) =>
    planEdge(model, 'REPORTED_IN', id, s.sourceId, { ...s }, ['input', 'sources', i, 'sourceId'], ['input', 'sources', i]),
  );
  const about = (input.about ?? []).map((s, i) => planEdge(model, 'ABOUT', id, s.id, { role: s.role }, ['input', 'about', i, 'id'], ['input', 'about', i]));
  if (!sources.length) errors.push(userError(['input', 'sources'], requiredEdge(LABEL, 'REPORTED_IN')!.message, 'REQUIRED'));
  errors.push(...edgeErrors(model, [...speaker, ...onBehalf, ...sources, ...about]));
  errors.push(...duplicates(input.sources, (s) => s.sourceId, (i) => ['input', 'sources', i, 'sourceId'], 'this source'));
  errors.push(...duplicates(input.about ?? [], (s) => `${s.id}|${s.role}`, (i) => ['input', 'about', i, 'id'], 'this subject with this role'));
  if (errors.length) return failed(errors);
  requireWritableMarking(Visibility.of(ctx.principal), LABEL, props.marking, 'input.marking', 'Mutation.upsertStatement');

  return writePayload(ctx, info, 'upsertStatement', id, async (w) => {
    await checkReferences(w, [...speaker, ...onBehalf, ...sources, ...about]);
    await writeNode(w, { label: LABEL, id, mode: 'upsert', desired: (current) => keepProtected(LABEL, props, current), fieldPrefix: ['input'] });
    await syncEdgesFrom(w, id, 'MADE_BY', speaker.map((p) => p.edge));
    await syncEdgesFrom(w, id, 'ON_BEHALF_OF', onBehalf.map((p) => p.edge));
    await syncEdgesFrom(w, id, 'REPORTED_IN', sources.map((p) => p.edge));
    await syncEdgesFrom(w, id, 'ABOUT', about.map((p) => p.edge));
  });
}

interface UpdateInput {
  id: string;
  set?: (Record<string, unknown> & { speakerId?: string | null; onBehalfOfId?: string | null }) | null;
  unset?: string[] | null;
}

async function updateStatement(_: unknown, { input }: { input: UpdateInput }, ctx: Context, info: GraphQLResolveInfo): Promise<NodePayload> {
  const model = graphModelOf(info.schema);
  const specs = writableSpecs(model, LABEL);
  const { id, set, unset } = input;
  const errors = [...checkId(LABEL, id, ['input', 'id']), ...applyPatch(specs, {}, set, unset, ['input']).errors];
  const planned: Array<{ type: string; edges: PlannedEdge[] }> = [];
  if (set?.speakerId === null) errors.push(userError(['input', 'set', 'speakerId'], requiredEdge(LABEL, 'MADE_BY')!.message, 'REQUIRED'));
  else if (set?.speakerId !== undefined) {
    planned.push({ type: 'MADE_BY', edges: [planEdge(model, 'MADE_BY', id, set.speakerId, {}, ['input', 'set', 'speakerId'], ['input', 'set'])] });
  }
  const clearOnBehalf = (unset ?? []).indexOf('ON_BEHALF_OF');
  if (typeof set?.onBehalfOfId === 'string') {
    if (clearOnBehalf >= 0) errors.push(userError(['input', 'unset', clearOnBehalf], 'onBehalfOfId is both set and unset'));
    planned.push({ type: 'ON_BEHALF_OF', edges: [planEdge(model, 'ON_BEHALF_OF', id, set.onBehalfOfId, {}, ['input', 'set', 'onBehalfOfId'], ['input', 'set'])] });
  } else if (set?.onBehalfOfId === null || clearOnBehalf >= 0) {
    planned.push({ type: 'ON_BEHALF_OF', edges: [] });
  }
  const all = planned.flatMap((p) => p.edges);
  errors.push(...edgeErrors(model, all));
  if (errors.length) return failed(errors);
  requireWritableMarking(Visibility.of(ctx.principal), LABEL, set?.marking, 'input.set.marking', 'Mutation.updateStatement');

  return writePayload(ctx, info, 'updateStatement', id, async (w) => {
    await writeNode(w, {
      label: LABEL,
      id,
      mode: 'update',
      desired: (current) => applyPatch(specs, current ?? {}, set, unset, ['input']).props,
      fieldPrefix: ['input', 'set'],
    });
    await checkReferences(w, all);
    for (const p of planned) await syncEdgesFrom(w, id, p.type, p.edges.map((e) => e.edge));
  });
}

async function retractStatement(_: unknown, { input }: { input: { id: string; reason: string } }, ctx: Context, info: GraphQLResolveInfo): Promise<NodePayload> {
  const model = graphModelOf(info.schema);
  const reasonSpec = model.nodes.get(LABEL)!.properties.filter((s) => s.name === 'retractionReason');
  const errors = [
    ...checkId(LABEL, input.id, ['input', 'id']),
    ...validateProperties(reasonSpec, { retractionReason: input.reason }, ['input']).map((e) => ({ ...e, field: ['input', 'reason'] })),
  ];
  if (errors.length) return failed(errors);
  return writePayload(ctx, info, 'retractStatement', input.id, (w) =>
    writeNode(w, {
      label: LABEL,
      id: input.id,
      mode: 'update',
      op: 'RETRACT',
      fieldPrefix: ['input'],
      desired: (current): Properties => {
        const now = current ?? {};
        if (now.retractedAt === undefined) return { ...now, retractedAt: w.at.toISOString(), retractionReason: input.reason };
        if (now.retractionReason === input.reason) return now;
        throw new UserInputProblems([
          userError(['input', 'reason'], `${input.id} was already retracted at ${String(now.retractedAt)} for another reason: ${String(now.retractionReason ?? '')}`, 'CONFLICT'),
        ]);
      },
    }),
  );
}

export const statementMutationResolvers: Resolvers = {
  Mutation: {
    upsertStatement: upsertStatement,
    updateStatement: updateStatement,
    retractStatement: retractStatement,
  },
  StatementPayload: {
    statement: payloadNode,
  },
};
