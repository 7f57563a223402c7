import { isEnumType, type GraphQLSchema } from 'graphql';
import type { NodeLabel, RelationshipType } from '../../generated/graphql.js';
import { badUserInput, InvariantError } from '../../errors.js';
import { LABELS, type Label } from '../../ids.js';
import { graphModelOf } from '../../model/graphModel.js';

/**
 * The NodeLabel and RelationshipType enums of the API, mapped to the graph model's labels and relationship
 * types. Cypher only ever gets names that the model knows; the enums are checked against the model once per
 * schema, so an SDL change that adds a relationship to one and not the other fails loudly.
 */

export interface ResearchVocabulary {
  labelOf: ReadonlyMap<NodeLabel, Label>;
  relTypeOf: ReadonlyMap<RelationshipType, string>;
  /** Every relationship type of the model. */
  allRelTypes: readonly string[];
}

const checked = new WeakMap<GraphQLSchema, ResearchVocabulary>();

function enumValues(schema: GraphQLSchema, name: string): string[] {
  const type = schema.getType(name);
  if (!type || !isEnumType(type)) throw new InvariantError(`schema has no enum ${name}`);
  return type.getValues().map((v) => v.name);
}

/** The vocabulary of a schema; throws InvariantError when the enums and the graph model disagree. */
export function researchVocabulary(schema: GraphQLSchema): ResearchVocabulary {
  const cached = checked.get(schema);
  if (cached) return cached;
  const model = graphModelOf(schema);

  const labelValues = enumValues(schema, 'NodeLabel');
  const labelOf = new Map<NodeLabel, Label>();
  for (const value of labelValues) {
    const label = LABELS.find((l) => l.toUpperCase() === value);
    if (!label || !model.nodes.has(label)) throw new InvariantError(`NodeLabel.${value} is not a label of the graph model`);
    labelOf.set(value as NodeLabel, label);
  }
  const missingLabels = [...model.nodes.keys()].filter((l) => !labelValues.includes(l.toUpperCase()));
  if (missingLabels.length) throw new InvariantError(`NodeLabel lacks ${missingLabels.join(', ')}`);

  const relValues = enumValues(schema, 'RelationshipType');
  const relTypeOf = new Map<RelationshipType, string>();
  for (const value of relValues) {
    if (!model.edges.has(value)) throw new InvariantError(`RelationshipType.${value} is not a relationship type of the graph model`);
    relTypeOf.set(value as RelationshipType, value);
  }
  const missingTypes = [...model.edges.keys()].filter((t) => !relValues.includes(t));
  if (missingTypes.length) throw new InvariantError(`RelationshipType lacks ${missingTypes.join(', ')}`);

  const vocabulary = { labelOf, relTypeOf, allRelTypes: [...model.edges.keys()] };
  checked.set(schema, vocabulary);
  return vocabulary;
}

/** Model labels for a `labels` argument; null when absent (all labels). An empty list is BAD_USER_INPUT. */
export function labelsArgument(schema: GraphQLSchema, labels: readonly NodeLabel[] | null | undefined, argument = 'labels'): Label[] | null {
  if (labels == null) return null;
  if (labels.length === 0) throw badUserInput(`${argument} must name at least one label; omit it for all labels.`, argument);
  const { labelOf } = researchVocabulary(schema);
  return [...new Set(labels.map((l) => labelOf.get(l) as Label))];
}

/** Model relationship types for a `relationshipTypes` argument; all types when absent. Empty is BAD_USER_INPUT. */
export function relTypesArgument(schema: GraphQLSchema, types: readonly RelationshipType[] | null | undefined, argument = 'relationshipTypes'): string[] {
  const vocabulary = researchVocabulary(schema);
  if (types == null) return [...vocabulary.allRelTypes];
  if (types.length === 0) throw badUserInput(`${argument} must name at least one type; omit it for all types.`, argument);
  return [...new Set(types.map((t) => vocabulary.relTypeOf.get(t) as string))];
}

/** Backtick-quotes a label or relationship type that came from the model. */
export const quoteName = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** Checks an integer argument against its range before any query runs. */
export function intInRange(value: number | null | undefined, fallback: number, min: number, max: number, argument: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw badUserInput(`${argument} must be between ${min} and ${max}; got ${n}.`, argument);
  return n;
}
