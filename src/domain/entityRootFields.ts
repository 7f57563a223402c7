import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import type { Label } from '../ids.js';
import { fetchList, fetchNodeById } from '../planner/runPlan.js';
import type { PageArgs } from '../planner/plan.js';

/** The two root fields every node type has: one by id, and a Relay connection over all of them. */
export function entityRootFields(label: Label) {
  return {
    byId: (_: unknown, args: { id: string }, ctx: Context, info: GraphQLResolveInfo) => fetchNodeById(ctx, info, args.id),
    list: (_: unknown, args: PageArgs, ctx: Context, info: GraphQLResolveInfo) => fetchList(ctx, info, label, args),
  };
}
