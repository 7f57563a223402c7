import type { Resolvers } from '../generated/graphql.js';
import { graphModelOf } from '../model/graphModel.js';
import { badUserInput } from '../errors.js';
import { fetchHistory } from './history.js';
import { fetchAsRecorded } from './asRecorded.js';

// schema/changelog.graphql: a node's history and its state as recorded at a past time. Change objects are
// plain (read by field name); they are shaped as the GraphQL type when read or recorded (changeLog.ts).

/** The DateTime scalar parses into a JS Date; a string is accepted too. */
function instant(value: unknown): Date {
  const at = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(at.getTime())) throw badUserInput('at must be an ISO-8601 date-time.', 'at');
  return at;
}

export const changelogResolvers: Resolvers = {
  Query: {
    history: (_, args, ctx) => fetchHistory(ctx, args),
    asRecorded: (_, args, ctx, info) => fetchAsRecorded(ctx, graphModelOf(info.schema), args.id, instant(args.at)),
  },
};
