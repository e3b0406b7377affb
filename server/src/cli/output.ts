import { AppError } from '../shared/errors';
import { DEFAULT_LOCALE, localeFromHeader } from '../shared/locale';
import { errorMessage, issueMessage } from '../shared/messages';

const locale = process.env.LANG?.startsWith('zh')
  ? 'zh-CN'
  : localeFromHeader(process.env.SALESOPS_LANG ?? 'en-US');

/** Prints an error as `error CODE: message (field)` and sets a failing exit code. */
export function reportError(err: unknown): void {
  process.exitCode = 1;
  if (err instanceof AppError) {
    const lines = err.issues?.length
      ? err.issues.map(
          (i) => `  ${i.field}: ${issueMessage(i.code, i.field, i.params ?? {}, locale ?? DEFAULT_LOCALE)}`,
        )
      : [];
    const detail = lines.length ? lines.map((l) => l.trim()).join('; ') : '';
    const message = errorMessage(
      err.code,
      { ...err.params, detail, field: err.field ?? '' },
      locale ?? DEFAULT_LOCALE,
    );
    console.error(`error ${err.code}: ${message}${err.field ? ` (${err.field})` : ''}`);
    for (const l of lines) console.error(l);
    return;
  }
  console.error(`error INTERNAL: ${err instanceof Error ? err.message : String(err)}`);
}
