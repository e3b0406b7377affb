import { actorForUserId } from '../server/src/auth/auth.service';
import { BRAND, CITIES, GIVEN, INDUSTRY_WORDS, SURNAMES } from '../server/src/db/seed/demo-data';
import { seededRandom } from '../server/src/db/seed/random';
import { normalizeCompanyName } from '../server/src/domain/company-name';
import { buildSearchText } from '../server/src/shared/search-text';
import { BARE_TENANT_ID, type Company, LEAD_COLUMNS } from './generate';
import { type ImportCounts, importFile } from './import-adapter';
import type { BenchTarget } from './target';

export interface ImportResult {
  rows: number;
  counts: ImportCounts;
  pipelineSeconds: number;
  pipelineRowsPerSecond: number;
  bareSeconds: number;
  bareRowsPerSecond: number;
  /** pipeline rows/s ÷ bare rows/s. */
  ratio: number;
}

const SOURCE_LABELS = ['官网', '展会', '转介绍', '电话营销', '网络广告', 'website', 'exhibition', 'referral'];
const SOURCE_KEYS: Record<string, string> = {
  官网: 'website',
  展会: 'exhibition',
  转介绍: 'referral',
  电话营销: 'cold_call',
  网络广告: 'online_ad',
};
const toFullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/**
 * A lead list as people send it: Chinese headers, mobiles written five ways (+86, dashes,
 * spaces, full-width digits), sources in Chinese or English, and 3 % bad rows: repeats of
 * an earlier row, mobiles of existing leads, and mobiles that are not mobiles.
 */
export function leadCsv(rows: number, seed: number, ownerEmails: string[]) {
  const r = seededRandom(seed + 7);
  const lines = ['姓名,公司名称,手机,来源,职位,行业,地区,等级,负责人'];
  const clean: unknown[][] = [];
  const at = new Date().toISOString();
  const industries = Object.keys(INDUSTRY_WORDS);
  for (let i = 0; i < rows; i++) {
    const name = r.pick(SURNAMES) + r.pick(GIVEN) + (r.chance(0.6) ? r.pick(GIVEN) : '');
    const industry = r.pick(industries);
    const region = r.pick(['华东', '华南', '华北'] as const);
    const company = `${r.pick(CITIES[region])}${r.pick(BRAND)}${r.pick(BRAND)}${r.pick(INDUSTRY_WORDS[industry]!)}${i}厂有限公司`;
    let mobile = `15${String(i).padStart(9, '0')}`;
    // Three bad rows in every hundred, at fixed places.
    if (i % 100 === 37)
      mobile = `15${String(r.int(0, i - 1)).padStart(9, '0')}`; // repeated in the file
    else if (i % 100 === 61)
      mobile = `13${String(r.int(0, 99)).padStart(9, '0')}`; // an existing lead's
    else if (i % 100 === 83) mobile = `12${String(i).padStart(7, '0')}`; // not a mobile
    const written = r.weighted([
      [mobile, 4],
      [`+86 ${mobile}`, 1],
      [`${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`, 1],
      [`${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`, 1],
      [toFullWidth(mobile), 1],
    ] as const);
    const source = r.pick(SOURCE_LABELS);
    const grade = r.pick(['A', 'B', 'C', 'D']);
    const owner = r.pick(ownerEmails);
    lines.push([name, ` ${company} `, written, source, '采购经理', industry, region, grade, owner].join(','));
    clean.push([
      `lead_bare${i}`,
      BARE_TENANT_ID,
      1,
      at,
      at,
      null,
      name,
      company,
      normalizeCompanyName(company),
      buildSearchText([name, company, mobile]),
      '采购经理',
      mobile,
      SOURCE_KEYS[source] ?? source,
      grade,
      'new',
      industry,
      region,
      null,
      null,
      null,
      null,
    ]);
  }
  return { csv: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'), clean };
}

/**
 * Import rows/s: a CSV of new leads through the whole pipeline as an admin, against a bare
 * bulk insert of the same rows into the same table (another tenant), timed in the same run.
 */
export async function benchImport(
  target: BenchTarget,
  company: Company,
  rows: number,
  seed: number,
  ownerEmails: string[],
): Promise<ImportResult> {
  const actor = await actorForUserId(target.database.db, company.adminId, 'system');
  if (!actor) throw new Error('the bench admin is missing');
  const { csv, clean } = leadCsv(rows, seed, ownerEmails);
  let started = performance.now();
  const counts = await importFile(target.database, actor, 'leads', '展会线索.csv', csv);
  const pipelineSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  for (let i = 0; i < clean.length; i += 5_000) {
    await target.bulk.insert('leads', LEAD_COLUMNS, clean.slice(i, i + 5_000));
  }
  const bareSeconds = (performance.now() - started) / 1000;
  const pipelineRowsPerSecond = rows / pipelineSeconds;
  const bareRowsPerSecond = rows / bareSeconds;
  return {
    rows,
    counts,
    pipelineSeconds,
    pipelineRowsPerSecond,
    bareSeconds,
    bareRowsPerSecond,
    ratio: pipelineRowsPerSecond / bareRowsPerSecond,
  };
}
