import type { Resolvers } from '../../generated/graphql.js';
import { entityRootFields } from '../entityRootFields.js';

// Unit's SDL is schema/unit.graphql; its relationship fields are planned into Cypher from their
// @relation directives (src/planner), so they need no resolvers of their own here.
const root = entityRootFields('Unit');

export const unitResolvers: Resolvers = {
  Query: {
    unit: root.byId,
    units: root.list,
  },
};
