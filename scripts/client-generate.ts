import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientSources, openApiDocument } from './client-sources.js';

/** `npm run client:generate`: writes client/openapi.json and client/schema.d.ts from the application. */
const dir = join(import.meta.dirname, '..', '..', 'client');
const sources = await clientSources(await openApiDocument());
for (const [name, text] of Object.entries(sources)) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote client/${name} (${text.length} characters)`);
}
