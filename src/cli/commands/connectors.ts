import type { Command } from 'commander';

function pairs(values: string[], flag: string, program: Command): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) program.error(`${flag} takes name=value, got "${v}"`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}
const collect = (v: string, acc: string[]) => [...acc, v];

export function registerConnectorCommands(program: Command): void {
  const cmd = program.command('connectors').description('provider credentials of an account');
  cmd
    .command('set')
    .description('set the credentials of a connector for an account and mode (replaces what was there)')
    .argument('<connector>', 'e.g. checkout_com')
    .requiredOption('--account <id>', 'account id (acct_...)')
    .option('--mode <mode>', 'test or live', 'live')
    .option('--credential <name=value>', 'a secret, e.g. secret_key=sk_...; repeatable', collect, [])
    .option('--setting <name=value>', 'a setting, e.g. base_url=https://api.checkout.com; repeatable', collect, [])
    .option('--priority <n>', 'lower is tried first', '100')
    .action(
      async (
        id: string,
        opts: { account: string; mode: string; credential: string[]; setting: string[]; priority: string },
      ) => {
        const { loadConfig } = await import('../../config.ts');
        const { createConnectors } = await import('../../outbound.ts');
        const { openCore } = await import('../../open-core.ts');
        const config = { ...loadConfig(), logLevel: 'warn' };
        const connector = createConnectors(config).get(id);
        if (!connector) program.error(`unknown connector "${id}"`);
        if (opts.mode !== 'test' && opts.mode !== 'live') program.error('--mode must be test or live');
        const credentials = pairs(opts.credential, '--credential', program);
        const settings = pairs(opts.setting, '--setting', program);
        const spec = connector.configuration;
        for (const name of spec.credentials.required)
          if (!credentials[name]) program.error(`--credential ${name}=... is required for ${id}`);
        for (const name of Object.keys(credentials)) {
          if (![...spec.credentials.required, ...spec.credentials.optional].includes(name))
            program.error(`${id} has no credential "${name}"`);
        }
        for (const name of Object.keys(settings))
          if (!spec.settings.includes(name)) program.error(`${id} has no setting "${name}"`);
        const core = await openCore(config);
        try {
          if (!(await core.repos.accounts.getAccount(opts.account))) program.error(`no account ${opts.account}`);
          const mode = opts.mode as 'test' | 'live';
          const existing = await core.repos.connectorAccounts.find(opts.account, mode, id);
          const now = core.clock.now();
          const saved = await core.repos.connectorAccounts.upsert({
            id: existing?.id ?? core.ids.next('ca'),
            accountId: opts.account,
            mode,
            connector: id,
            credentials,
            settings,
            priority: Number(opts.priority),
            createdAt: existing?.createdAt ?? now,
            updatedAt: now,
          });
          process.stdout.write(`${saved.id}: ${id} configured for ${opts.account} (${mode} mode)\n`);
        } finally {
          await core.database.close();
        }
      },
    );
}
