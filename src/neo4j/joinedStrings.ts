/**
 * A list of strings sent to Neo4j as one string, which Cypher splits back into the list:
 *
 *   tx.run('UNWIND split($ids, $separator) AS id …', joinedParams({ ids }))
 *
 * The driver packs every value of a parameter on its own, asking each of its type transformers in turn
 * whether the value is theirs (a date? a point? …): for an import's lists of ids that costs more than the
 * rest of the write. One string is one value, and split() in Neo4j costs next to nothing.
 *
 * The separator is U+0000, which no stored text holds (text rules refuse control characters; ids and enum
 * values are text; JSON escapes it). split() keeps empty strings, so '' is a value like any other; an empty
 * list cannot be told from [''] and is never sent.
 */
export const SEPARATOR = '\u0000';

export function joinStrings(values: readonly string[]): string {
  if (!values.length) throw new Error('joinStrings: an empty list reads back as [""]; send none');
  for (const value of values) {
    // a broken invariant (every value here passed the text rules), not a client's mistake
    if (value.includes(SEPARATOR)) throw new Error('joinStrings: a value holds the separator (U+0000)');
  }
  return values.join(SEPARATOR);
}

/** Parameters for Cypher: each list joined under its name, and `separator` (`split($name, $separator)`). */
export function joinedParams<K extends string>(lists: Record<K, readonly string[]>): Record<K | 'separator', string> {
  const params = { separator: SEPARATOR } as Record<K | 'separator', string>;
  for (const name in lists) params[name] = joinStrings(lists[name]);
  return params;
}
