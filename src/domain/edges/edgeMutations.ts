import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import type {
  MutationLinkArgs,
  MutationLinkGeolocationArgs,
  MutationLinkMembershipArgs,
  MutationLinkStatementSourceArgs,
  MutationLinkStatementStanceArgs,
  MutationLinkStatementSubjectArgs,
  MutationUnlinkArgs,
  Resolvers,
} from '../../generated/graphql.js';
import { graphModelOf } from '../../model/graphModel.js';
import { fetchNodeById } from '../../planner/runPlan.js';
import type { Row } from '../../planner/row.js';
import type { RecordedChange } from '../../changelog/changeLog.js';
import type { Properties } from '../../changelog/propertyValues.js';
import { runWrite, type Writer } from '../../changelog/writeTransaction.js';
import { existingIds, matchAndLock } from '../node/nodeCypher.js';
import { inputProperties } from '../node/propertyInput.js';
import { userError, UserInputProblems, userProblemsOf, type UserError } from '../node/userErrors.js';
import { labelOfId } from '../../ids.js';
import { checkEdge, checkNoLoop, checkNoStanceClash, edgeModelOf, putEdge, removeEdges, type EdgeInput, type EdgePaths } from './edgeWrites.js';

/**
 * link / unlink and the typed link mutations of schema/mutation.graphql. Every typed input becomes the
 * same bundle-form edge the generic `link` takes, so one set of rules (edgeWrites.ts) applies to all.
 */

/** What a link mutation resolves to; LinkPayload.from / .to fetch the endpoints through the planner. */
type LinkResult = {
  edge: { type: string; from: string; to: string; properties: Properties } | null;
  fromId: string | null;
  toId: string | null;
  changes: RecordedChange[];
  userErrors: UserError[];
};

const refused = (userErrors: UserError[]): LinkResult => ({ edge: null, fromId: null, toId: null, changes: [], userErrors });

/** Locks `from` (so its edges stay as read until commit) and checks both ends exist. */
async function lockEndpoints(w: Writer, edge: EdgeInput, paths: EdgePaths): Promise<void> {
  const fromThere = await matchAndLock(w.tx, labelOfId(edge.from)!, edge.from, w.visibility);
  const present = await existingIds(w.tx, [edge.to], w.visibility);
  const errors: UserError[] = [];
  if (!fromThere) errors.push(userError(paths.from, `there is no node with id ${edge.from}`, 'NOT_FOUND'));
  if (!present.has(edge.to)) errors.push(userError(paths.to, `there is no node with id ${edge.to}`, 'NOT_FOUND'));
  if (errors.length) throw new UserInputProblems(errors);
}

async function linkEdge(ctx: Context, info: GraphQLResolveInfo, via: string, edge: EdgeInput, paths: EdgePaths, before: UserError[] = []): Promise<LinkResult> {
  const model = graphModelOf(info.schema);
  const errors = [...before, ...checkEdge(model, edge, paths)];
  if (errors.length) return refused(errors);
  try {
    const { result, changes } = await runWrite(ctx, model, via, async (w) => {
      await lockEndpoints(w, edge, paths);
      await checkNoLoop(w, edge, paths);
      await checkNoStanceClash(w, edge, paths);
      return putEdge(w, edge);
    });
    return { edge: { type: edge.type, from: edge.from, to: edge.to, properties: result.props }, fromId: edge.from, toId: edge.to, changes, userErrors: [] };
  } catch (error) {
    return refused(userProblemsOf(error).errors);
  }
}

const GENERIC_PATHS: EdgePaths = { from: ['input', 'from'], to: ['input', 'to'], properties: ['input', 'properties'] };

async function link(_: unknown, { input }: MutationLinkArgs, ctx: Context, info: GraphQLResolveInfo): Promise<LinkResult> {
  const raw = input.properties ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return refused([userError(['input', 'properties'], 'must be a JSON object of the relationship\'s properties')]);
  }
  return linkEdge(ctx, info, 'link', { type: input.type, from: input.from, to: input.to, props: raw as Properties }, GENERIC_PATHS);
}

async function unlink(_: unknown, { input }: MutationUnlinkArgs, ctx: Context, info: GraphQLResolveInfo): Promise<LinkResult> {
  const model = graphModelOf(info.schema);
  const edge: EdgeInput = { type: input.type, from: input.from, to: input.to, props: {} };
  const paths = { ...GENERIC_PATHS, key: ['input', 'key'] };
  // Endpoint checks only: an unlink has no properties to validate (a keyed type's key is optional here).
  const errors = checkEdge(model, edge, paths).filter((e) => e.field[1] !== 'properties');
  if (errors.length) return refused(errors);
  const edgeModel = edgeModelOf(model, input.type);
  if (input.key !== null && input.key !== undefined && !edgeModel.key) {
    return refused([userError(['input', 'key'], `${input.type} has no key; leave key out`)]);
  }
  try {
    const { result, changes } = await runWrite(ctx, model, 'unlink', async (w) => {
      await lockEndpoints(w, edge, paths);
      return removeEdges(w, input.type, input.from, input.to, input.key ?? null, paths);
    });
    const first = result[0];
    return {
      edge: first ? { type: input.type, from: input.from, to: input.to, properties: first.props } : null,
      fromId: input.from,
      toId: input.to,
      changes,
      userErrors: [],
    };
  } catch (error) {
    return refused(userProblemsOf(error).errors);
  }
}

/** A typed input's property fields, as the model's edge type names them. */
function typedProps(info: GraphQLResolveInfo, type: string, fields: Record<string, unknown>): Properties {
  return inputProperties(graphModelOf(info.schema).edges.get(type)!.properties, fields);
}

const linkStatementSource = (_: unknown, { input }: MutationLinkStatementSourceArgs, ctx: Context, info: GraphQLResolveInfo) =>
  linkEdge(
    ctx,
    info,
    'linkStatementSource',
    { type: 'REPORTED_IN', from: input.statementId, to: input.sourceId, props: typedProps(info, 'REPORTED_IN', input) },
    { from: ['input', 'statementId'], to: ['input', 'sourceId'], properties: ['input'] },
  );

const linkStatementSubject = (_: unknown, { input }: MutationLinkStatementSubjectArgs, ctx: Context, info: GraphQLResolveInfo) =>
  linkEdge(
    ctx,
    info,
    'linkStatementSubject',
    { type: 'ABOUT', from: input.statementId, to: input.subjectId, props: { role: input.role } },
    { from: ['input', 'statementId'], to: ['input', 'subjectId'], properties: ['input'] },
  );

const linkStatementStance = (_: unknown, { input }: MutationLinkStatementStanceArgs, ctx: Context, info: GraphQLResolveInfo) =>
  linkEdge(
    ctx,
    info,
    'linkStatementStance',
    { type: input.stance, from: input.fromStatementId, to: input.toStatementId, props: typedProps(info, input.stance, input) },
    { from: ['input', 'fromStatementId'], to: ['input', 'toStatementId'], properties: ['input'] },
  );

const linkGeolocation = (_: unknown, { input }: MutationLinkGeolocationArgs, ctx: Context, info: GraphQLResolveInfo) =>
  linkEdge(
    ctx,
    info,
    'linkGeolocation',
    { type: 'GEOLOCATED_AT', from: input.sourceId, to: input.placeId, props: typedProps(info, 'GEOLOCATED_AT', input) },
    { from: ['input', 'sourceId'], to: ['input', 'placeId'], properties: ['input'] },
  );

const linkMembership = (_: unknown, { input }: MutationLinkMembershipArgs, ctx: Context, info: GraphQLResolveInfo) =>
  linkEdge(
    ctx,
    info,
    'linkMembership',
    { type: 'MEMBER_OF', from: input.memberId, to: input.organisationId, props: typedProps(info, 'MEMBER_OF', input) },
    { from: ['input', 'memberId'], to: ['input', 'organisationId'], properties: ['input'] },
  );

const endpoint = (key: 'fromId' | 'toId') => (parent: Row, _args: unknown, ctx: Context, info: GraphQLResolveInfo) =>
  typeof parent[key] === 'string' ? fetchNodeById(ctx, info, parent[key] as string) : null;

export const edgeMutationResolvers: Resolvers = {
  Mutation: {
    link: link,
    unlink: unlink,
    linkStatementSource: linkStatementSource,
    linkStatementSubject: linkStatementSubject,
    linkStatementStance: linkStatementStance,
    linkGeolocation: linkGeolocation,
    linkMembership: linkMembership,
  },
  LinkPayload: {
    from: endpoint('fromId'),
    to: endpoint('toId'),
  },
};
