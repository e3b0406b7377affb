import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { type ExportFormat, writeTable } from '../export/spreadsheet';
import { findRows } from './import.repository';
import { headerLabels, loadJobOrThrow, localiseIssues } from './import.service';

/** The header of the error column; a re-import ignores it (it matches no field). */
export const ERROR_COLUMN = '错误 Errors';

/**
 * The rejected rows as the user sent them (original columns, original text) plus one column with
 * what is wrong, ready to fix in Excel and import again.
 */
export async function rejectedFile(database: Database, actor: Actor, id: string, format: ExportFormat) {
  const job = await loadJobOrThrow(database.db, actor, id);
  const headers = (JSON.parse(job.headers) as string[]).filter((h) => h !== ERROR_COLUMN);
  const rows = await findRows(database.db, job.id, { status: ['rejected'] });
  const labels = headerLabels(job);
  const body = rows.map((r) => {
    const cells = (JSON.parse(r.raw) as string[]).slice(0, headers.length);
    while (cells.length < headers.length) cells.push('');
    const errors = localiseIssues(r.errors, actor, labels)
      .map((i) => i.message)
      .join('；');
    return [...cells, errors];
  });
  const buffer = await writeTable(format, [...headers, ERROR_COLUMN], body, 'rejected');
  const base = job.fileName.replace(/\.(csv|xlsx|xls|txt)$/i, '');
  return { buffer, fileName: `${base}.rejected.${format}` };
}
