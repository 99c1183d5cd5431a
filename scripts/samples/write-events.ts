/** `npm run events`: writes the sample inputs and Lambda events of scripts/samples/events.ts under events/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sampleEvents } from './events';

for (const [name, bytes] of await sampleEvents()) {
  mkdirSync(dirname(join('events', name)), { recursive: true });
  writeFileSync(join('events', name), bytes);
}
console.log('events/ written');
