import { it } from 'vitest';
import { connectTestDatabase, model, resetToSample } from '../harness.js';
import { exportQueries } from '../../src/export/selection.js';
import { resolveSelection } from '../../src/export/streamSubgraph.js';

it('profile', async () => {
  const db = connectTestDatabase();
  let t = Date.now();
  await resetToSample(db);
  console.log('reset', Date.now() - t);
  for (const sel of [{}, {}, { seeds: ['place:kupyansk'], depth: 2 }, { seeds: ['place:kupyansk'], depth: 2 }, { within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' }]) {
    const r = await resolveSelection(db, sel);
    const times: string[] = [];
    const t0 = Date.now();
    for (const q of exportQueries(model, r)) {
      t = Date.now();
      const res = await db.read(q.cypher, q.params);
      times.push(`${q.name}:${Date.now() - t}`);
    }
    console.log(JSON.stringify(sel), Date.now() - t0, times.join(' '));
  }
  await db.close();
}, 300000);
