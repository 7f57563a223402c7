import type { Resolvers } from '../../generated/graphql.js';
import { contestedClaims } from './contestedClaims.js';
import { corroboration, provenance } from './provenance.js';
import { timeline } from './timeline.js';

// Research queries (schema/research.graphql). Each root field prints one Cypher query whose node positions
// are projected by the planner, so whatever a client selects below a statement, source or actor costs no
// further round trip. Every argument is checked before the database is touched.
export const researchResolvers: Resolvers = {
  Query: {
    contestedClaims: (_parent, args, ctx, info) => contestedClaims(args, ctx, info),
    provenance: (_parent, args, ctx, info) => provenance(args, ctx, info),
    corroboration: (_parent, args, ctx, info) => corroboration(args, ctx, info),
    timeline: (_parent, args, ctx, info) => timeline(args, ctx, info),
  },
};
