import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_TENANT_NAME, seedDemo } from '../db/seed/demo';

export function printDemoLogins(): void {
  console.log(`\nDemo logins 演示账号 (password 密码: ${DEMO_PASSWORD})`);
  for (const l of DEMO_LOGINS) console.log(`  ${l.email.padEnd(32)} ${l.role.padEnd(10)} ${l.note}`);
  console.log(
    '  … and rep01–rep30, manager.sh1/hz1/sz1/gz1/bj1/tj1, manager.east/south/north, finance, legal, delivery, service\n',
  );
}

export async function loadDemo(databaseUrl: string, seed = 20261122): Promise<boolean> {
  const database = openDatabase(databaseUrl);
  try {
    await migrateToLatest(database);
    const existing = await database.db
      .selectFrom('tenants')
      .select('id')
      .where('name', '=', DEMO_TENANT_NAME)
      .executeTakeFirst();
    if (existing) {
      console.log(`The demo company ${DEMO_TENANT_NAME} is already loaded (${existing.id}); nothing added.`);
      return false;
    }
    const started = Date.now();
    const counts = await seedDemo(database, {
      seed,
      onProgress: (step) => process.stderr.write(`  demo: ${step}…\n`),
    });
    console.log(
      `Loaded ${DEMO_TENANT_NAME} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`,
    );
    return true;
  } finally {
    await database.close();
  }
}

export async function seedCommand(databaseUrl: string, seed: number): Promise<void> {
  if (await loadDemo(databaseUrl, seed)) printDemoLogins();
}
