// Writes docs/openapi.json from the app's route schemas: `node --import tsx scripts/dump-openapi.ts`.
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../test/support/openapi.ts';

const path = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
