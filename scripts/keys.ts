import { parseArgs } from 'node:util';
import { API_KEY_STORE, ROLES, type ApiKeyStore, type Role } from '../src/auth/api-key.js';
import { createCliContext } from '../src/cli.module.js';
import { PARTY_PATTERN } from '../src/agreements/domain/agreement.values.js';

const USAGE = `Usage:
  npm run keys -- create --role admin|recorder|viewer --name "Treaty office" [--parties USA,JPN]
  npm run keys -- list
  npm run keys -- revoke <key id>`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, parties: { type: 'string' } },
  });
  const [command, ...rest] = positionals;
  if (!command || !['create', 'list', 'revoke'].includes(command))
    fail('Say what to do: create, list or revoke.');

  const app = await createCliContext();
  try {
    const keys = app.get<ApiKeyStore>(API_KEY_STORE);
    if (command === 'create') {
      const role = values.role as Role | undefined;
      if (!role || !ROLES.includes(role)) fail('--role must be admin, recorder or viewer.');
      const name = values.name?.trim();
      if (!name || name.length > 100) fail('--name is required (at most 100 characters).');
      const parties = (values.parties ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      if (role === 'recorder' && parties.length === 0)
        fail('A recorder needs --parties, e.g. --parties USA,JPN.');
      if (role !== 'recorder' && parties.length > 0) fail('--parties applies to recorder keys only.');
      const bad = parties.find((p) => !PARTY_PATTERN.test(p));
      if (bad) fail(`--parties: ${bad} is not a party code (ISO 3166-1 alpha-3, or COW-<abbrev>).`);
      const { key, record } = await keys.create({ name, role, parties });
      console.log(
        `Created ${record.role} key ${record.keyId} "${record.name}"${parties.length ? ` for ${parties.join(', ')}` : ''}.`,
      );
      console.log('The key is shown only now; store it safely:');
      console.log(key);
    } else if (command === 'list') {
      for (const k of await keys.list()) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        console.log(
          `${k.keyId}  ${k.role.padEnd(8)}  ${state.padEnd(32)}  ${k.name}${k.parties.length ? `  [${k.parties.join(', ')}]` : ''}`,
        );
      }
    } else {
      const id = rest[0];
      if (!id) fail('revoke needs the key id (see `npm run keys -- list`).');
      if (!(await keys.revoke(id))) {
        console.error(`No active key with id ${id}.`);
        process.exitCode = 1;
      } else console.log(`Revoked key ${id}: it is refused from now on.`);
    }
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(`keys: ${(error as Error).message}`);
  process.exit(1);
});
