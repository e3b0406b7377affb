// One error type for the whole server. Codes are stable strings; messages come from the
// catalogue in messages.ts so that log text and user text stay apart.
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'TOO_MANY_ATTEMPTS',
  'CSRF_TOKEN_INVALID',
  'FORBIDDEN',
  'RECORD_NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'REFERENCE_NOT_FOUND',
  'DUPLICATE_CUSTOMER',
  'ALREADY_EXISTS',
  'VERSION_MISMATCH',
  'PRECONDITION_REQUIRED',
  'IDEMPOTENCY_KEY_REUSED',
  'INVALID_STATE',
  'ALREADY_CLAIMED',
  'CLAIM_QUOTA_REACHED',
  'CUSTOMER_CAP_REACHED',
  'STAGE_GATE_UNMET',
  'PLAYBOOK_INVALID',
  'IMPORT_FILE_TOO_LARGE',
  'IMPORT_FILE_UNREADABLE',
  'IMPORT_ENCODING_INVALID',
  'IMPORT_COLUMNS_MISSING',
  'LATE_STAGE_CREATE_FORBIDDEN',
  'KPI_NOT_FOUND',
  'KPI_NOT_AVAILABLE',
  'QUOTE_INVALID',
  'CURRENCY_MISMATCH',
  'APPROVAL_CLOSED',
  'APPROVAL_SELF',
  'APPROVAL_NOT_APPROVER',
  'APPROVAL_OUT_OF_TURN',
  'APPROVAL_ALREADY_DECIDED',
  'APPROVAL_RETURN_TARGET',
  'APPROVAL_COMMENT_REQUIRED',
  'APPROVAL_NO_APPROVER',
  'CONTRACT_SIGNED',
  'PAYMENT_TERMS_INVALID',
  'RECEIPT_EXCEEDS_RECEIVABLE',
  'SHIPMENT_INVALID',
  'SHIPMENT_ACCEPTED',
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_TYPE_NOT_ALLOWED',
  'ATTACHMENT_RAW_BODY_REQUIRED',
  'ATTACHMENT_TYPE_MISMATCH',
  'ATTACHMENT_STORAGE_FAILED',
  'ATTACHMENT_INFECTED',
  'ATTACHMENT_SCAN_FAILED',
  'TARGET_INVALID',
  'SAVED_VIEW_LIMIT_REACHED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly params: Record<string, string | number>;
  readonly details?: unknown;
  readonly issues?: FieldIssue[];

  constructor(
    code: ErrorCode,
    opts: {
      field?: string;
      params?: Record<string, string | number>;
      details?: unknown;
      issues?: FieldIssue[];
      cause?: unknown;
    } = {},
  ) {
    super(code, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.params = opts.params ?? {};
    this.details = opts.details;
    this.issues = opts.issues;
  }
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'INVALID_JSON':
      return 400;
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
      return 401;
    case 'CSRF_TOKEN_INVALID':
    case 'FORBIDDEN':
    case 'LATE_STAGE_CREATE_FORBIDDEN':
      return 403;
    case 'RECORD_NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
    case 'KPI_NOT_FOUND':
      return 404;
    case 'DUPLICATE_CUSTOMER':
    case 'ALREADY_EXISTS':
    case 'INVALID_STATE':
    case 'ALREADY_CLAIMED':
    case 'CLAIM_QUOTA_REACHED':
    case 'CUSTOMER_CAP_REACHED':
    case 'KPI_NOT_AVAILABLE':
    case 'SAVED_VIEW_LIMIT_REACHED':
      return 409;
    case 'VERSION_MISMATCH':
      return 412;
    case 'PAYLOAD_TOO_LARGE':
    case 'IMPORT_FILE_TOO_LARGE':
    case 'ATTACHMENT_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'ATTACHMENT_TYPE_NOT_ALLOWED':
    case 'ATTACHMENT_RAW_BODY_REQUIRED':
      return 415;
    case 'REFERENCE_NOT_FOUND':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'STAGE_GATE_UNMET':
    case 'PLAYBOOK_INVALID':
    case 'TARGET_INVALID':
    case 'IMPORT_FILE_UNREADABLE':
    case 'IMPORT_ENCODING_INVALID':
    case 'IMPORT_COLUMNS_MISSING':
      return 422;
    case 'PRECONDITION_REQUIRED':
      return 428;
    case 'TOO_MANY_ATTEMPTS':
      return 429;
    case 'APPROVAL_SELF':
    case 'APPROVAL_NOT_APPROVER':
      return 403;
    case 'APPROVAL_CLOSED':
    case 'APPROVAL_OUT_OF_TURN':
    case 'APPROVAL_ALREADY_DECIDED':
      return 409;
    case 'QUOTE_INVALID':
    case 'CURRENCY_MISMATCH':
    case 'APPROVAL_RETURN_TARGET':
    case 'APPROVAL_COMMENT_REQUIRED':
    case 'APPROVAL_NO_APPROVER':
      return 422;
    case 'CONTRACT_SIGNED':
    case 'SHIPMENT_ACCEPTED':
    case 'RECEIPT_EXCEEDS_RECEIVABLE':
      return 409;
    case 'PAYMENT_TERMS_INVALID':
    case 'SHIPMENT_INVALID':
    case 'ATTACHMENT_TYPE_MISMATCH':
    case 'ATTACHMENT_INFECTED':
      return 422;
    case 'INTERNAL':
      return 500;
    case 'ATTACHMENT_STORAGE_FAILED':
    case 'ATTACHMENT_SCAN_FAILED':
      return 503;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}
