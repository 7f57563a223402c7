import type { Resolvers } from '../../generated/graphql.js';
import { entityRootFields } from '../entityRootFields.js';

// Statement's SDL is schema/statement.graphql; its relationship fields are planned into Cypher from their
// @relation directives (src/planner), so they need no resolvers of their own here.
const root = entityRootFields('Statement');

export const statementResolvers: Resolvers = {
  Query: {
    statement: root.byId,
    statements: root.list,
  },
};
