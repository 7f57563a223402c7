import { badUserInput } from './errors.js';

/** The five node labels, and the id prefix of each. */
export const LABELS = ['Actor', 'Unit', 'Place', 'Statement', 'Source'] as const;
export type Label = (typeof LABELS)[number];

const LABEL_BY_PREFIX: Record<string, Label> = Object.fromEntries(LABELS.map((l) => [l.toLowerCase(), l]));
const ID_PATTERN = /^(actor|unit|place|statement|source):([a-z0-9]+(?:-[a-z0-9]+)*)$/;
export const MAX_ID_LENGTH = 200;

/** The label an id names, or null when it is not a well-formed claimgraph id. */
export function labelOfId(id: string): Label | null {
  if (id.length > MAX_ID_LENGTH) return null;
  const m = ID_PATTERN.exec(id);
  return m ? LABEL_BY_PREFIX[m[1]] : null;
}

/** The label an id names; a malformed id is the caller's error, reported against `argument`. */
export function requireLabelOfId(id: string, argument: string): Label {
  const label = labelOfId(id);
  if (!label) {
    throw badUserInput(
      `"${id.slice(0, 80)}" is not a valid id: ids look like place:kupyansk (a type prefix, a colon, then lowercase letters, digits and hyphens).`,
      argument,
    );
  }
  return label;
}

export function idPrefix(label: Label): string {
  return label.toLowerCase();
}
