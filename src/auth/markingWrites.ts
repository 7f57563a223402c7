import type { GraphQLError } from 'graphql';
import type { Label } from '../ids.js';
import { forbidden } from './accessErrors.js';
import { isMarking } from './principal.js';
import { MARKED_LABELS, type Visibility } from './visibility.js';

/**
 * What a writer may write, by marking. An editor writes statements and sources at or below its clearance
 * (material it could not read back is not its to write); anything above is 403 FORBIDDEN naming the input
 * field. The refusal is about the input alone: it is decided before the database is read, so it says
 * nothing about what is stored.
 */

/**
 * Refuses a marking above the writer's clearance. `marking` is what the input asks for (absent: CLEAR);
 * `argument` is where it is in the input (input.marking, input.set.marking), `field` the mutation.
 */
export function requireWritableMarking(visibility: Visibility, label: Label, marking: unknown, argument: string, field: string): void {
  if (!MARKED_LABELS.includes(label) || marking === undefined || marking === null) return;
  // An unknown value is the input validation's to report (BAD_USER_INPUT), not a refusal.
  if (!isMarking(marking) || visibility.sees(marking)) return;
  throw forbidden(`${argument}: ${marking} is above the writer's clearance (${visibility.clearance}); a ${label.toLowerCase()} may be marked at most ${visibility.clearance}.`, {
    argument,
    field,
    clearance: visibility.clearance,
  });
}

/**
 * An upsert whose id names a node the writer may not see: refused without saying more (not what the node
 * is, not its marking), and without writing anything.
 */
export function hiddenNodeForbidden(id: string, argument: string, field: string): GraphQLError {
  return forbidden(`${argument}: ${id} cannot be written by this principal.`, { argument, field });
}
