import type { ErrorCode } from './errors';
import type { Locale } from './locale';

type Catalogue = Record<string, Record<Locale, string>>;

// User-facing text for every error code, with {placeholders}.
export const ERROR_MESSAGES: Record<ErrorCode, Record<Locale, string>> = {
  VALIDATION_FAILED: { 'zh-CN': '输入有误：{detail}', 'en-US': 'Invalid input: {detail}' },
  INVALID_JSON: { 'zh-CN': '请求体不是有效的 JSON', 'en-US': 'The request body is not valid JSON' },
  PAYLOAD_TOO_LARGE: {
    'zh-CN': '请求体过大（上限 {limit}）',
    'en-US': 'The request body is too large (limit {limit})',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    'zh-CN': '不支持的内容类型，请使用 application/json',
    'en-US': 'Unsupported content type; send application/json',
  },
  UNAUTHENTICATED: { 'zh-CN': '请先登录', 'en-US': 'Please sign in first' },
  INVALID_CREDENTIALS: { 'zh-CN': '邮箱或密码不正确', 'en-US': 'Wrong email or password' },
  TOO_MANY_ATTEMPTS: {
    'zh-CN': '尝试次数过多，请 {minutes} 分钟后再试',
    'en-US': 'Too many attempts; try again in {minutes} minutes',
  },
  CSRF_TOKEN_INVALID: {
    'zh-CN': '安全令牌缺失或无效，请刷新页面后重试',
    'en-US': 'Missing or invalid CSRF token; reload the page and try again',
  },
  FORBIDDEN: { 'zh-CN': '您没有执行此操作的权限', 'en-US': 'You are not allowed to do this' },
  RECORD_NOT_FOUND: { 'zh-CN': '{entity}不存在或无权访问', 'en-US': '{entity} not found' },
  ROUTE_NOT_FOUND: { 'zh-CN': '接口不存在', 'en-US': 'No such endpoint' },
  REFERENCE_NOT_FOUND: {
    'zh-CN': '字段 {field} 引用的{entity}不存在',
    'en-US': 'Field {field} refers to a {entity} that does not exist',
  },
  DUPLICATE_CUSTOMER: {
    'zh-CN': '疑似重复客户：已存在「{name}」，负责人 {owner}',
    'en-US': 'Possible duplicate customer: "{name}" already exists, owned by {owner}',
  },
  ALREADY_EXISTS: { 'zh-CN': '{field} 已被使用', 'en-US': '{field} is already in use' },
  VERSION_MISMATCH: {
    'zh-CN': '记录已被他人修改，请基于最新版本重试',
    'en-US': 'The record was changed by someone else; retry on the current version',
  },
  PRECONDITION_REQUIRED: {
    'zh-CN': '修改需要携带 If-Match 版本号',
    'en-US': 'Updates must carry the version read, in If-Match',
  },
  IDEMPOTENCY_KEY_REUSED: {
    'zh-CN': '该 Idempotency-Key 已用于另一个不同的请求',
    'en-US': 'This Idempotency-Key was already used for a different request',
  },
  INVALID_STATE: {
    'zh-CN': '当前状态不允许此操作：{reason}',
    'en-US': 'Not allowed in this state: {reason}',
  },
  ALREADY_CLAIMED: {
    'zh-CN': '该记录已被他人领取',
    'en-US': 'Someone else has already claimed this record',
  },
  CLAIM_QUOTA_REACHED: {
    'zh-CN': '今日公海领取已达上限（{quota} 条）',
    'en-US': "You have reached today's pool claim quota ({quota})",
  },
  CUSTOMER_CAP_REACHED: {
    'zh-CN': '{name} 持有的客户数已达上限（{cap} 个）',
    'en-US': '{name} already holds the maximum number of customers ({cap})',
  },
  STAGE_GATE_UNMET: {
    'zh-CN': '不满足阶段推进条件：{detail}',
    'en-US': 'The stage gate is not met: {detail}',
  },
  PLAYBOOK_INVALID: {
    'zh-CN': '流程定义有 {count} 处问题，未保存',
    'en-US': 'The playbook has {count} problems and was not saved',
  },
  LATE_STAGE_CREATE_FORBIDDEN: {
    'zh-CN': '只有管理员或销售运营（导入）可以直接在「{stage}」阶段新建，请从第一阶段开始并逐步推进',
    'en-US':
      'Only admins and sales ops (imports) may create a record directly in stage {stage}; start at the first stage and move it on',
  },
  IMPORT_FILE_TOO_LARGE: {
    'zh-CN': '导入文件过大（上限 {max}），请拆分后再导入',
    'en-US': 'The import file is too large (limit {max}); split it and import the parts',
  },
  IMPORT_FILE_UNREADABLE: {
    'zh-CN': '无法读取导入文件：{reason}',
    'en-US': 'The import file cannot be read: {reason}',
  },
  IMPORT_ENCODING_INVALID: {
    'zh-CN': '文件编码无法识别（{encoding}），请另存为 UTF-8 或 GBK 编码的 CSV',
    'en-US': 'The file encoding is not recognised ({encoding}); save it as CSV in UTF-8 or GBK',
  },
  IMPORT_COLUMNS_MISSING: {
    'zh-CN': '缺少必填列：{columns}',
    'en-US': 'Required columns are missing: {columns}',
  },
  KPI_NOT_FOUND: {
    'zh-CN': '指标「{key}」不存在，可用指标见 GET /api/kpis',
    'en-US': 'No KPI named {key}; see GET /api/kpis for the library',
  },
  KPI_NOT_AVAILABLE: {
    'zh-CN': '指标「{key}」暂不可用：所需数据（如回款、目标）尚未启用',
    'en-US':
      'KPI {key} is not available yet: the data it needs (such as payments or targets) is not in place',
  },
  QUOTE_INVALID: {
    'zh-CN': '报价单有误：{detail}',
    'en-US': 'The quote is not valid: {detail}',
  },
  CURRENCY_MISMATCH: {
    'zh-CN': '币种不一致：{field} 为 {found}，应为 {expected}',
    'en-US': 'Currency mismatch: {field} is {found}, expected {expected}',
  },
  APPROVAL_CLOSED: { 'zh-CN': '该审批已结束或不在审批中', 'en-US': 'This approval is closed or not pending' },
  APPROVAL_SELF: { 'zh-CN': '不能审批自己提交的申请', 'en-US': 'You cannot approve your own request' },
  APPROVAL_NOT_APPROVER: {
    'zh-CN': '您不是当前步骤的审批人',
    'en-US': 'You are not an approver of the current step',
  },
  APPROVAL_OUT_OF_TURN: {
    'zh-CN': '尚未轮到您审批（当前步骤：{step}）',
    'en-US': 'It is not your turn yet (current step: {step})',
  },
  APPROVAL_ALREADY_DECIDED: { 'zh-CN': '您已审批过此步骤', 'en-US': 'You have already decided this step' },
  APPROVAL_RETURN_TARGET: {
    'zh-CN': '只能退回到之前的步骤或申请人',
    'en-US': 'A request can only be returned to an earlier step or to the requester',
  },
  APPROVAL_COMMENT_REQUIRED: {
    'zh-CN': '驳回或退回时必须填写意见',
    'en-US': 'A comment is required to reject or return',
  },
  APPROVAL_NO_APPROVER: {
    'zh-CN': '审批环节「{level}」找不到审批人，请联系管理员配置',
    'en-US': 'No approver found for step "{level}"; ask an administrator to set one',
  },
  CONTRACT_SIGNED: {
    'zh-CN': '合同已签署或已归档，不能修改；如需变更请发起补充协议（新版本）',
    'en-US':
      'The contract is signed or archived and cannot be edited; make an amendment (a new version) instead',
  },
  PAYMENT_TERMS_INVALID: {
    'zh-CN': '付款条件有误：各期比例合计须为 100%（当前 {total}%）',
    'en-US': 'Invalid payment terms: the instalments must add up to 100 % (now {total} %)',
  },
  RECEIPT_EXCEEDS_RECEIVABLE: {
    'zh-CN': '回款金额 {amount} 分超过剩余应收 {remaining} 分；如确属多付，请确认后再提交',
    'en-US':
      'The receipt of {amount} fen exceeds the remaining receivable of {remaining} fen; confirm the overpayment to record it',
  },
  SHIPMENT_INVALID: {
    'zh-CN': '发货数量有误：{detail}',
    'en-US': 'Invalid shipment quantities: {detail}',
  },
  SHIPMENT_ACCEPTED: {
    'zh-CN': '该发货已签收或验收，其签收/验收单附件不能删除',
    'en-US': 'The shipment is signed for or accepted; its acceptance document cannot be removed',
  },
  ATTACHMENT_TOO_LARGE: {
    'zh-CN': '附件过大（上限 {maxSize}）',
    'en-US': 'The attachment is too large (limit {maxSize})',
  },
  ATTACHMENT_TYPE_NOT_ALLOWED: {
    'zh-CN': '不允许的附件类型：{detail}。可上传 PDF、PNG、JPEG、GIF、WebP、XLSX、DOCX、CSV、TXT',
    'en-US':
      'This file type is not allowed: {detail}. Allowed: PDF, PNG, JPEG, GIF, WebP, XLSX, DOCX, CSV, TXT',
  },
  ATTACHMENT_RAW_BODY_REQUIRED: {
    'zh-CN': '上传附件请以 application/octet-stream 发送文件原始内容',
    'en-US': 'Send the attachment as the raw file body with Content-Type application/octet-stream',
  },
  ATTACHMENT_TYPE_MISMATCH: {
    'zh-CN': '文件内容（{detected}）与扩展名 .{extension} 不符，疑似伪装文件',
    'en-US': 'The file content ({detected}) does not match its extension .{extension}',
  },
  ATTACHMENT_STORAGE_FAILED: {
    'zh-CN': '附件存储暂不可用，请稍后重试',
    'en-US': 'The attachment store is unavailable; please retry later',
  },
  ATTACHMENT_INFECTED: {
    'zh-CN': '文件未通过病毒扫描（{signature}），已拒绝上传',
    'en-US': 'The file failed the virus scan ({signature}) and was refused',
  },
  ATTACHMENT_SCAN_FAILED: {
    'zh-CN': '病毒扫描服务暂不可用，请稍后重试',
    'en-US': 'The virus scanner is unavailable; please retry later',
  },
  TARGET_INVALID: { 'zh-CN': '目标有误：{detail}', 'en-US': 'The target is not valid: {detail}' },
  SAVED_VIEW_LIMIT_REACHED: {
    'zh-CN': '每个列表最多保存 {max} 个视图，请先删除不用的视图',
    'en-US': 'A list can keep at most {max} saved views; delete one you no longer use',
  },
  INTERNAL: { 'zh-CN': '服务器内部错误，请稍后重试', 'en-US': 'Internal server error; please retry later' },
};

// Texts for single validation issues (zod issue codes and our own refinements).
export const ISSUE_MESSAGES: Catalogue = {
  required: { 'zh-CN': '{field} 为必填项', 'en-US': '{field} is required' },
  invalid_type: { 'zh-CN': '{field} 应为{expected}', 'en-US': '{field} must be a {expected}' },
  too_long: { 'zh-CN': '{field} 最多 {max} 个字符', 'en-US': '{field} must be at most {max} characters' },
  too_short: { 'zh-CN': '{field} 至少 {min} 个字符', 'en-US': '{field} must be at least {min} characters' },
  too_big: { 'zh-CN': '{field} 不能大于 {max}', 'en-US': '{field} must be at most {max}' },
  too_small: { 'zh-CN': '{field} 不能小于 {min}', 'en-US': '{field} must be at least {min}' },
  too_many_items: { 'zh-CN': '{field} 最多 {max} 项', 'en-US': '{field} may have at most {max} items' },
  unknown_field: { 'zh-CN': '未知字段 {field}', 'en-US': 'Unknown field {field}' },
  invalid_value: { 'zh-CN': '{field} 的取值无效', 'en-US': '{field} has an invalid value' },
  invalid_email: { 'zh-CN': '{field} 不是有效的邮箱地址', 'en-US': '{field} is not a valid e-mail address' },
  invalid_url: {
    'zh-CN': '{field} 不是有效的 http/https 地址',
    'en-US': '{field} is not a valid http/https address',
  },
  invalid_date: { 'zh-CN': '{field} 不是有效的日期', 'en-US': '{field} is not a valid date' },
  invalid_datetime: {
    'zh-CN': '{field} 不是有效的时间（ISO 8601）',
    'en-US': '{field} is not a valid ISO 8601 time',
  },
  invalid_mobile: { 'zh-CN': '{field} 不是有效的手机号', 'en-US': '{field} is not a valid mobile number' },
  invalid_phone: { 'zh-CN': '{field} 不是有效的电话号码', 'en-US': '{field} is not a valid phone number' },
  invalid_credit_code: {
    'zh-CN': '{field} 不是有效的统一社会信用代码（校验位不符）',
    'en-US': '{field} is not a valid unified social credit code (check digit mismatch)',
  },
  invalid_cursor: { 'zh-CN': '分页游标无效', 'en-US': 'Invalid pagination cursor' },
  invalid_integer: { 'zh-CN': '{field} 应为整数', 'en-US': '{field} must be an integer' },
  invalid: { 'zh-CN': '{field} 无效', 'en-US': '{field} is invalid' },
  must_be_positive: { 'zh-CN': '{field} 必须大于 0', 'en-US': '{field} must be greater than 0' },
  out_of_range: { 'zh-CN': '{field} 须在 0 到 100 之间', 'en-US': '{field} must be between 0 and 100' },
  too_many_decimals: { 'zh-CN': '{field} 小数位过多', 'en-US': '{field} has too many decimal places' },
  invalid_money: {
    'zh-CN': '{field} 应为非负整数（单位：分）',
    'en-US': '{field} must be a non-negative whole number of cents',
  },
  not_a_number: { 'zh-CN': '{field} 不是有效的数字', 'en-US': '{field} is not a valid number' },
  too_large: { 'zh-CN': '{field} 数值过大', 'en-US': '{field} is too large' },
  product_not_found: {
    'zh-CN': '{field} 对应的产品不存在',
    'en-US': 'The product in {field} does not exist',
  },
  product_inactive: { 'zh-CN': '{field} 对应的产品已停用', 'en-US': 'The product in {field} is inactive' },
  invalid_expression: {
    'zh-CN': '{field} 不是有效的 CEL 表达式：{message}',
    'en-US': '{field} is not a valid CEL expression: {message}',
  },
  unknown_variable: {
    'zh-CN': '{field} 使用了未知变量 {name}',
    'en-US': '{field} uses an unknown variable {name}',
  },
  invalid_number: { 'zh-CN': '{field} 不是有效的数字', 'en-US': '{field} is not a valid number' },
  not_found_by_name: {
    'zh-CN': '{field} 找不到「{value}」',
    'en-US': '{field}: no match for "{value}"',
  },
  duplicate_in_file: {
    'zh-CN': '{field} 与文件第 {row} 行重复',
    'en-US': '{field} duplicates row {row} of the file',
  },
  duplicate_customer: {
    'zh-CN': '{field} 与已有客户「{name}」重复（负责人 {owner}）',
    'en-US': '{field} duplicates the existing customer "{name}" (owner {owner})',
  },
  formula_without_value: {
    'zh-CN': '{field} 是没有计算结果的公式',
    'en-US': '{field} is a formula without a computed value',
  },
  import_failed: { 'zh-CN': '导入失败：{detail}', 'en-US': 'Import failed: {detail}' },
  invalid_time_zone: {
    'zh-CN': '{field} 不是有效的 IANA 时区（例如 Asia/Shanghai）',
    'en-US': '{field} is not a valid IANA time zone (e.g. Asia/Shanghai)',
  },
  not_after_start: { 'zh-CN': '{field} 须晚于开始时间', 'en-US': '{field} must be after the start' },
  overlaps_previous: {
    'zh-CN': '{field} 与上一段工作时间重叠（请按时间顺序填写）',
    'en-US': '{field} overlaps the previous working period (list them in order)',
  },
  duplicate: { 'zh-CN': '{field} 有重复项', 'en-US': '{field} has duplicates' },
  exceeds_remaining: {
    'zh-CN': '{field} 超过未发货数量 {remaining}',
    'en-US': '{field} is more than the {remaining} still to ship',
  },
  before_from: { 'zh-CN': '{field} 早于开始日期', 'en-US': '{field} is before the start date' },
  closure_too_long: {
    'zh-CN': '{field}：一段停工期最长 366 天',
    'en-US': '{field}: a closure may last at most 366 days',
  },
  inside_closure: {
    'zh-CN': '{field} 落在停工期内',
    'en-US': '{field} falls inside a closure',
  },
};

const TYPE_NAMES: Catalogue = {
  string: { 'zh-CN': '文本', 'en-US': 'string' },
  number: { 'zh-CN': '数字', 'en-US': 'number' },
  boolean: { 'zh-CN': '布尔值', 'en-US': 'boolean' },
  object: { 'zh-CN': '对象', 'en-US': 'object' },
  array: { 'zh-CN': '数组', 'en-US': 'array' },
  int: { 'zh-CN': '整数', 'en-US': 'integer' },
};

export const ENTITY_NAMES: Catalogue = {
  account: { 'zh-CN': '客户', 'en-US': 'Customer' },
  contact: { 'zh-CN': '联系人', 'en-US': 'Contact' },
  lead: { 'zh-CN': '线索', 'en-US': 'Lead' },
  deal: { 'zh-CN': '商机', 'en-US': 'Opportunity' },
  activity: { 'zh-CN': '跟进记录', 'en-US': 'Follow-up' },
  task: { 'zh-CN': '任务', 'en-US': 'Task' },
  product: { 'zh-CN': '产品', 'en-US': 'Product' },
  quote: { 'zh-CN': '报价单', 'en-US': 'Quote' },
  approval: { 'zh-CN': '审批', 'en-US': 'Approval' },
  price_list: { 'zh-CN': '价格表', 'en-US': 'Price list' },
  contract: { 'zh-CN': '合同', 'en-US': 'Contract' },
  contract_template: { 'zh-CN': '合同模板', 'en-US': 'Contract template' },
  order: { 'zh-CN': '销售订单', 'en-US': 'Sales order' },
  shipment: { 'zh-CN': '发货', 'en-US': 'Shipment' },
  handoff: { 'zh-CN': '交接任务', 'en-US': 'Hand-off' },
  payment_plan: { 'zh-CN': '回款计划', 'en-US': 'Payment plan' },
  attachment: { 'zh-CN': '附件', 'en-US': 'Attachment' },
  user: { 'zh-CN': '用户', 'en-US': 'User' },
  orgUnit: { 'zh-CN': '组织', 'en-US': 'Org unit' },
  apiToken: { 'zh-CN': 'API 令牌', 'en-US': 'API token' },
  record: { 'zh-CN': '记录', 'en-US': 'Record' },
  target: { 'zh-CN': '销售目标', 'en-US': 'Target' },
  weekly_report: { 'zh-CN': '周报', 'en-US': 'Weekly report' },
  playbook_version: { 'zh-CN': 'SOP 版本', 'en-US': 'SOP version' },
  saved_view: { 'zh-CN': '视图', 'en-US': 'Saved view' },
};

export function format(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in params ? String(params[key]) : m));
}

export function entityName(entity: string, locale: Locale): string {
  return ENTITY_NAMES[entity]?.[locale] ?? entity;
}

export function issueMessage(
  code: string,
  field: string,
  params: Record<string, string | number>,
  locale: Locale,
): string {
  const template = (ISSUE_MESSAGES[code] ?? ISSUE_MESSAGES.invalid)![locale];
  const expected =
    typeof params.expected === 'string' ? (TYPE_NAMES[params.expected]?.[locale] ?? params.expected) : '';
  return format(template, { ...params, field, expected });
}

export function errorMessage(
  code: ErrorCode,
  params: Record<string, string | number>,
  locale: Locale,
): string {
  const p = { ...params };
  if (typeof p.entity === 'string') p.entity = entityName(p.entity, locale);
  return format(ERROR_MESSAGES[code][locale], p);
}
