import type { z } from 'zod';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import { IMPORT_ENTITIES } from '../import/import-fields';
import type { ListParams } from '../records/record.repository';
import { listRecords } from '../records/record.service';
import type { RecordDefinition } from '../records/record-definition';
import { type Cell, type ExportFormat, writeTable } from './spreadsheet';

/** An export stops here; the response says so in `X-Export-Truncated`. */
export const EXPORT_MAX_ROWS = 50_000;
const PAGE = 500;

const MONEY_FIELDS = new Set(['amount', 'listPrice', 'cost']);
const COMMON_LABELS: Record<string, [string, string]> = {
  id: ['编号', 'ID'],
  createdAt: ['创建时间', 'Created at'],
  updatedAt: ['更新时间', 'Updated at'],
  createdBy: ['创建人', 'Created by'],
  deletedAt: ['删除时间', 'Deleted at'],
  status: ['状态', 'Status'],
  ownerName: ['负责人', 'Owner'],
  firstContactAt: ['首次触达时间', 'First contact at'],
  convertedAt: ['转化时间', 'Converted at'],
  closedAt: ['关闭时间', 'Closed at'],
  stageEnteredAt: ['进入阶段时间', 'Stage entered at'],
  productIds: ['产品', 'Products'],
  accountId: ['客户编号', 'Account id'],
  contactId: ['联系人编号', 'Contact id'],
  leadId: ['线索编号', 'Lead id'],
  dealId: ['商机编号', 'Deal id'],
};

function exportPathOf(def: RecordDefinition): string | undefined {
  return Object.keys(IMPORT_ENTITIES).find((k) => IMPORT_ENTITIES[k]!.def.entity === def.entity);
}

/**
 * Column headers in the caller's language, using the same words the importer recognises, so an
 * exported file imports again as is. Money columns are in 元 (the importer reads 元 too).
 */
export function exportColumns(def: RecordDefinition, actor: Actor): Array<{ key: string; label: string }> {
  const shape = (def.dtoSchema as unknown as z.ZodObject<any>).shape ?? {};
  const keys = Object.keys(shape).filter((k) => k !== 'version' && k !== 'ownerId' && k !== 'deletedAt');
  if (def.owned) keys.push('ownerName');
  const spec = IMPORT_ENTITIES[exportPathOf(def) ?? ''];
  const zh = actor.locale === 'zh-CN';
  return keys
    .filter((k) => k !== 'cost' || ROLE_POLICIES[actor.role].seesCost)
    .map((key) => {
      const common = COMMON_LABELS[key];
      const synonyms = spec?.fields[key === 'ownerName' ? 'ownerId' : key]?.synonyms ?? [];
      const chinese = synonyms.find((s) => /[\u4e00-\u9fff]/.test(s));
      const english = synonyms.find((s) => /^[a-z]/i.test(s));
      const label = zh ? (chinese ?? common?.[0] ?? key) : english ? title(english) : (common?.[1] ?? key);
      return { key, label: MONEY_FIELDS.has(key) ? `${label}${zh ? '（元）' : ' (yuan)'}` : label };
    });
}

function title(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function cellOf(key: string, value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (MONEY_FIELDS.has(key) && typeof value === 'number') return value / 100;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Every row of a list view the caller can see, with its filters, as CSV or XLSX. */
export async function exportList(
  database: Database,
  def: RecordDefinition,
  actor: Actor,
  params: Omit<ListParams, 'cursor' | 'limit' | 'includeTotal'>,
  format: ExportFormat,
): Promise<{ buffer: Buffer; fileName: string; rows: number; truncated: boolean }> {
  const columns = exportColumns(def, actor);
  const rows: Cell[][] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (;;) {
    const page = await listRecords(database.db, def, actor, { ...params, cursor, limit: PAGE });
    for (const item of page.items as Array<Record<string, unknown>>) {
      // The DTO decides what the caller may see (product cost only for roles that see cost).
      rows.push(columns.map((c) => (c.key in item ? cellOf(c.key, item[c.key]) : null)));
    }
    if (rows.length >= EXPORT_MAX_ROWS) {
      truncated = !!page.nextCursor || rows.length > EXPORT_MAX_ROWS;
      rows.length = Math.min(rows.length, EXPORT_MAX_ROWS);
      break;
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const buffer = await writeTable(
    format,
    columns.map((c) => c.label),
    rows,
    def.path,
  );
  const stamp = new Date().toISOString().slice(0, 10);
  return { buffer, fileName: `${def.path}-${stamp}.${format}`, rows: rows.length, truncated };
}
