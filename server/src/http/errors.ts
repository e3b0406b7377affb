import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, httpStatusOf } from '../shared/errors';
import { localeFromHeader } from '../shared/locale';
import { errorMessage, issueMessage } from '../shared/messages';

/** The JSON every error answers with: a code for programs, a message for people, the field. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  issues?: Array<{ field: string; code: string; message: string }>;
  details?: unknown;
}

function fromFramework(err: FastifyError): AppError | undefined {
  const status = err.statusCode ?? 500;
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415 || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 400 && (err instanceof SyntaxError || /JSON/i.test(`${err.code} ${err.message}`))) {
    return new AppError('INVALID_JSON', { field: 'body' });
  }
  if (status >= 400 && status < 500) return new AppError('VALIDATION_FAILED', { field: 'body' });
  return undefined;
}

export function toErrorBody(err: AppError, acceptLanguage: string | undefined, bodyLimit: number): ErrorBody {
  const locale = localeFromHeader(acceptLanguage);
  const issues = err.issues?.map((i) => ({
    field: i.field,
    code: i.code,
    message: issueMessage(i.code, i.field, i.params ?? {}, locale),
  }));
  const params: Record<string, string | number> = {
    ...err.params,
    limit: `${Math.round(bodyLimit / 1024)} KB`,
  };
  if (issues?.length) params.detail = issues.map((i) => i.message).join('；');
  if (err.field && params.field === undefined) params.field = err.field;
  // Rule evaluators give each violation in both languages; answer in the caller's.
  let details = err.details;
  const violations = (details as { violations?: Array<{ message: Record<string, string> }> } | undefined)
    ?.violations;
  if (Array.isArray(violations)) {
    const localised = violations.map((v) => ({ ...v, message: v.message[locale] ?? String(v.message) }));
    details = { ...(details as object), violations: localised };
    params.detail = localised.map((v) => v.message).join('；');
  }
  const body: ErrorBody = { code: err.code, message: errorMessage(err.code, params, locale) };
  if (err.field) body.field = err.field;
  if (issues?.length) body.issues = issues;
  if (details !== undefined) body.details = details;
  return body;
}

export function makeErrorHandler(bodyLimit: number) {
  return (error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) => {
    const appError =
      error instanceof AppError
        ? error
        : (fromFramework(error as FastifyError) ?? new AppError('INTERNAL', { cause: error }));
    const status = httpStatusOf(appError.code);
    if (status >= 500) req.log.error({ err: error }, 'unhandled error');
    else req.log.debug({ code: appError.code, field: appError.field }, 'request refused');
    return reply.code(status).send(toErrorBody(appError, req.headers['accept-language'], bodyLimit));
  };
}
