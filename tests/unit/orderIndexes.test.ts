import { describe, expect, it } from 'vitest';
import { isEnumType } from 'graphql';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { LABELS } from '../../src/ids.js';
import { MIGRATIONS, ORDER_FIELDS } from '../../src/neo4j/migrations.js';

/**
 * Every field a list can be ordered by has its composite (field…, id) index: without it, the planner's
 * index hint under a dense node would fail and a page would sort the whole list.
 */
const schema = buildSchema();
const model = graphModelOf(schema);

describe('order indexes', () => {
  it.each(LABELS)('%s: one index per order field (ID and DISTANCE aside), ending in id', (label) => {
    const orderField = schema.getType(`${label}OrderField`);
    expect(isEnumType(orderField)).toBe(true);
    if (!isEnumType(orderField)) return;
    const fields = orderField.getValues().map((v) => v.name).filter((name) => name !== 'ID' && name !== 'DISTANCE');
    for (const field of fields) {
      const property = field.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      const spec = model.nodes.get(label)!.properties.find((p) => p.name === property);
      const stored = spec?.kind === 'partialDate' ? [`${property}Start`, `${property}End`] : [property];
      const indexed = [['createdAt'], ['updatedAt'], ...ORDER_FIELDS[label]];
      expect(indexed, `${label}.${field}`).toContainEqual(stored);
      const statement = MIGRATIONS.find((m) => m.includes(`FOR (n:${label}) ON (${[...stored, 'id'].map((p) => `n.${p}`).join(', ')})`));
      expect(statement, `${label}.${field}`).toBeDefined();
    }
  });
});
