import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { mergeResolvers } from '@graphql-tools/merge';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import type { Resolvers } from './generated/graphql.js';
import { actorResolvers } from './domain/actor/actorResolvers.js';
import { unitResolvers } from './domain/unit/unitResolvers.js';
import { placeResolvers } from './domain/place/placeResolvers.js';
import { statementResolvers } from './domain/statement/statementResolvers.js';
import { sourceResolvers } from './domain/source/sourceResolvers.js';
import { nodeResolvers } from './domain/node/nodeResolvers.js';
import { searchResolvers } from './domain/search/searchResolvers.js';
import { graphResolvers } from './domain/graph/graphResolvers.js';
import { cypherResolvers } from './domain/cypher/cypherResolvers.js';
import { researchResolvers } from './domain/research/researchResolvers.js';
import { actorMutationResolvers } from './domain/actor/actorMutations.js';
import { unitMutationResolvers } from './domain/unit/unitMutations.js';
import { placeMutationResolvers } from './domain/place/placeMutations.js';
import { statementMutationResolvers } from './domain/statement/statementMutations.js';
import { sourceMutationResolvers } from './domain/source/sourceMutations.js';
import { edgeMutationResolvers } from './domain/edges/edgeMutations.js';
import { changelogResolvers } from './changelog/changelogResolvers.js';
import { exchangeResolvers } from './domain/exchange/exchangeResolvers.js';
import { PLANNED } from './planner/shapeResult.js';

export const SCHEMA_DIR = fileURLToPath(new URL('../schema', import.meta.url));

/** The SDL files under schema/, in a stable order. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

const scalarResolvers: Resolvers = {
  Date: DateResolver,
  DateTime: DateTimeResolver,
};

export const resolvers = mergeResolvers([
  scalarResolvers,
  nodeResolvers,
  actorResolvers,
  unitResolvers,
  placeResolvers,
  statementResolvers,
  sourceResolvers,
  searchResolvers,
  graphResolvers,
  cypherResolvers,
  researchResolvers,
  actorMutationResolvers,
  unitMutationResolvers,
  placeMutationResolvers,
  statementMutationResolvers,
  sourceMutationResolvers,
  edgeMutationResolvers,
  changelogResolvers,
  exchangeResolvers,
]) as Resolvers;

/**
 * Rows shaped by the planner are keyed by response key (so aliases of one field with different arguments
 * each get their own value); anything else is read by field name, as graphql-js does by default.
 */
export const plannedFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) => {
  if (source === null || typeof source !== 'object') return undefined;
  const record = source as Record<string | symbol, unknown>;
  return record[PLANNED] ? record[info.path.key] : record[info.fieldName];
};

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
}
