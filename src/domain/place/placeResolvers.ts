import type { Resolvers } from '../../generated/graphql.js';
import { entityRootFields } from '../entityRootFields.js';

// Place's SDL is schema/place.graphql; its relationship fields are planned into Cypher from their
// @relation directives (src/planner), so they need no resolvers of their own here.
const root = entityRootFields('Place');

export const placeResolvers: Resolvers = {
  Query: {
    place: root.byId,
    places: root.list,
  },
};
