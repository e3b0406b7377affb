import { databaseIsEmpty, restoreBackup, writeBackup } from '../db/backup';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { APP_VERSION } from '../http/app';
import { AppError } from '../shared/errors';

export async function backupToFile(databaseUrl: string, file: string): Promise<void> {
  const database = openDatabase(databaseUrl);
  try {
    await migrateToLatest(database);
    const counts = await writeBackup(database, file, APP_VERSION);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`backup written to ${file}: ${rows} rows in ${Object.keys(counts).length} tables`);
  } finally {
    await database.close();
  }
}

export async function restoreFromFile(
  databaseUrl: string,
  file: string,
  opts: { yes: boolean },
): Promise<void> {
  const database = openDatabase(databaseUrl);
  try {
    await migrateToLatest(database);
    if (!opts.yes && !(await databaseIsEmpty(database))) {
      throw new AppError('INVALID_STATE', {
        field: '--yes',
        params: { reason: 'the database is not empty; pass --yes to replace its data' },
      });
    }
    const counts = await restoreBackup(database, file);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`restored ${rows} rows from ${file}`);
  } finally {
    await database.close();
  }
}
