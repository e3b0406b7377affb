import type { Locale } from '../../shared/locale';
import { format, issueMessage } from '../../shared/messages';

// Messages of the issues and notes only an import produces, in the caller's language. The
// others come from the shared catalogue (shared/messages.ts).

const IMPORT_MESSAGES: Record<string, Record<Locale, string>> = {
  contract_ambiguous: {
    'zh-CN': '{field}“{value}”有 {count} 份已签合同，请填写合同编号',
    'en-US': '{field} "{value}" has {count} signed contracts: give the contract number',
  },
  row_cut_off: {
    'zh-CN': '文件在第 {row} 行中途截断（{reason}），此行未导入；之前的完整行已保留',
    'en-US':
      'The file is cut off in row {row} ({reason}): this row is not imported; the complete rows before it are kept',
  },
  fuzzy_complete: {
    'zh-CN': '已按名称做模糊查重（{comparisons} 次比较）',
    'en-US': 'Names were checked for fuzzy duplicates ({comparisons} comparisons)',
  },
  fuzzy_skipped_too_large: {
    'zh-CN':
      '名称过多（需 {comparisons} 次比较，上限 {budget}），未做名称模糊查重；精确查重（手机、信用代码、邮箱、名称）照常进行',
    'en-US':
      'Too many names ({comparisons} comparisons needed, limit {budget}): no fuzzy name check was made; exact duplicates (mobile, credit code, e-mail, name) were checked as usual',
  },
};

// Why a job stopped that only an import can say (report.error.code); the others are error codes
// of the shared catalogue.
const IMPORT_ERRORS: Record<string, Record<Locale, string>> = {
  IMPORT_VALIDATION_INTERRUPTED: {
    'zh-CN': '文件校验中途中断（服务器重启或导入进程已停止），未保留任何行：请重新上传文件',
    'en-US':
      'Checking the file was interrupted (the server restarted or the import process stopped) and none of its rows were kept: upload the file again',
  },
  IMPORT_COMMIT_INTERRUPTED: {
    'zh-CN':
      '导入中途中断（服务器重启或导入进程已停止），已处理 {done}/{total} 行：再次提交即可导入其余的行，已导入的行不会重复创建',
    'en-US':
      'The import was interrupted (the server restarted or the import process stopped) after {done} of {total} rows: commit again to import the remaining rows; rows already imported are not created twice',
  },
};

/** The message of an import-only error code, or undefined for a code of the shared catalogue. */
export function importErrorMessage(
  code: string,
  params: Record<string, string | number>,
  locale: Locale,
): string | undefined {
  const own = IMPORT_ERRORS[code];
  return own ? format(own[locale], params) : undefined;
}

export function importIssueMessage(
  code: string,
  field: string,
  params: Record<string, string | number>,
  locale: Locale,
): string {
  const own = IMPORT_MESSAGES[code];
  return own ? format(own[locale], { ...params, field }) : issueMessage(code, field, params, locale);
}

export function importNote(code: string, params: Record<string, string | number>, locale: Locale): string {
  return format(IMPORT_MESSAGES[code]?.[locale] ?? code, params);
}
