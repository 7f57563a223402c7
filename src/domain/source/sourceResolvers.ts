import type { Resolvers } from '../../generated/graphql.js';
import { entityRootFields } from '../entityRootFields.js';

// Source's SDL is schema/source.graphql; its relationship fields are planned into Cypher from their
// @relation directives (src/planner), so they need no resolvers of their own here.
const root = entityRootFields('Source');

export const sourceResolvers: Resolvers = {
  Query: {
    source: root.byId,
    sources: root.list,
  },
};
