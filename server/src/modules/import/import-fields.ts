import { accountDefinition } from '../accounts/account.definition';
import { activityDefinition } from '../activities/activity.definition';
import { contactDefinition } from '../contacts/contact.definition';
import { dealDefinition } from '../deals/deal.definition';
import { leadDefinition } from '../leads/lead.definition';
import { receiptInputSchema } from '../payments/payment.schemas';
import { productDefinition } from '../products/product.definition';
import type { RecordDefinition } from '../records/record-definition';

// What an import column can be for each entity: its cleaning rule (kind) and the header words
// that name it. Validation itself is the entity's own create schema (its *.definition.ts).

export type FieldKind =
  | 'text'
  | 'mobile'
  | 'phone'
  | 'email'
  | 'creditCode'
  | 'money'
  | 'integer'
  | 'date'
  | 'datetime'
  | `enum:${string}`
  | 'accountRef'
  | 'contractRef'
  | 'accountContractRef'
  | 'owner';

export interface ImportField {
  kind: FieldKind;
  synonyms: readonly string[];
  /** For lookups: the input field the resolved id goes to (accountName → accountId). */
  target?: string;
}

export interface ImportEntity {
  entity: string;
  def: RecordDefinition;
  fields: Record<string, ImportField>;
  /** Input fields the schema requires, each with the columns that can supply it. */
  required: Record<string, string[]>;
  /** Keys for duplicate detection, by field. */
  keys?: { name?: string; mobile?: string; creditCode?: string; email?: string };
}

/** Any importable entity: a record (with its definition) or a payment (receipt, 回款记录). */
export interface ImportSpec {
  entity: string;
  /** Records only: the definition whose create path (insertRecord) an imported row takes. */
  def?: RecordDefinition;
  /** What validates a row's cleaned input: the create schema the API takes. */
  schema: RecordDefinition['createSchema'];
  fields: Record<string, ImportField>;
  required: Record<string, string[]>;
  keys?: ImportEntity['keys'];
  /** Roles that may import it (default: anyone who may create the records). */
  roles?: readonly string[];
  /**
   * Identical rows in one file are separate records (two receipts of the same amount on the
   * same day): the fingerprint counts the occurrence, so the same file twice is still skipped.
   */
  repeatable?: boolean;
}

const f = (kind: FieldKind, ...synonyms: string[]): ImportField => ({ kind, synonyms });

const OWNER = f(
  'owner',
  '负责人',
  '销售',
  '销售代表',
  '归属人',
  '跟进人',
  '所属销售',
  'owner',
  'sales rep',
  'salesperson',
);
const NOTES = f('text', '备注', '说明', '备注信息', 'notes', 'note', 'remark', 'remarks', 'comment');
const INDUSTRY = f('text', '行业', '所属行业', 'industry', 'sector');
const REGION = f('text', '地区', '区域', '省份', '城市', '所在地区', 'region', 'city', 'province', 'area');
const CREDIT = f('creditCode', '统一社会信用代码', '信用代码', '社会信用代码', '税号', 'credit code', 'uscc');
const GRADE = f('enum:grade', '等级', '客户等级', '级别', '线索等级', 'grade', 'rating', 'level');
const SOURCE = f(
  'enum:source',
  '来源',
  '客户来源',
  '线索来源',
  '渠道来源',
  'source',
  'lead source',
  'origin',
);
const MOBILE = f(
  'mobile',
  '手机',
  '手机号',
  '手机号码',
  '移动电话',
  '联系电话',
  '联系方式',
  'mobile',
  'cell',
  'cellphone',
  'mobile phone',
);
const PHONE = f(
  'phone',
  '电话',
  '座机',
  '固话',
  '固定电话',
  '办公电话',
  '公司电话',
  'phone',
  'tel',
  'telephone',
);
const EMAIL = f('email', '邮箱', '电子邮箱', '邮件地址', 'email', 'e-mail', 'mail', 'email address');
const WECHAT = f('text', '微信', '微信号', 'wechat', 'weixin');
const TITLE = f('text', '职位', '职务', '岗位', 'title', 'position', 'job title');
const ACCOUNT_REF: ImportField = {
  kind: 'accountRef',
  target: 'accountId',
  synonyms: [
    '客户名称',
    '公司名称',
    '客户',
    '所属客户',
    '企业名称',
    'company',
    'account',
    'customer',
    'account name',
  ],
};
const CURRENCY = f('enum:currency', '币种', '货币', 'currency');

function requiredOf(
  def: { createSchema: { shape: Record<string, unknown> } },
  alternatives: Record<string, string[]> = {},
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, schema] of Object.entries(def.createSchema.shape)) {
    if ((schema as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success) continue;
    out[key] = alternatives[key] ?? [key];
  }
  return out;
}

export const IMPORT_ENTITIES: Record<string, ImportEntity> = {
  accounts: {
    entity: 'account',
    def: accountDefinition,
    fields: {
      name: f(
        'text',
        '客户名称',
        '公司名称',
        '企业名称',
        '单位名称',
        '客户',
        '公司',
        'company',
        'company name',
        'customer',
        'account',
        'account name',
        'name',
      ),
      creditCode: CREDIT,
      industry: INDUSTRY,
      region: REGION,
      size: f('enum:size', '规模', '企业规模', '公司规模', 'size', 'company size'),
      grade: GRADE,
      source: SOURCE,
      phone: { ...PHONE, synonyms: [...PHONE.synonyms, '联系电话', '手机', 'mobile'] },
      address: f('text', '地址', '详细地址', '公司地址', '办公地址', 'address'),
      website: f('text', '网址', '官网', '网站', 'website', 'url', 'web'),
      notes: NOTES,
      ownerId: OWNER,
    },
    required: requiredOf(accountDefinition),
    keys: { name: 'name', creditCode: 'creditCode' },
  },
  leads: {
    entity: 'lead',
    def: leadDefinition,
    fields: {
      name: f(
        'text',
        '姓名',
        '联系人',
        '联系人姓名',
        '客户姓名',
        '名字',
        'name',
        'contact',
        'contact name',
        'full name',
      ),
      companyName: f(
        'text',
        '公司名称',
        '客户名称',
        '企业名称',
        '单位名称',
        '公司',
        '单位',
        'company',
        'company name',
        'account',
      ),
      title: TITLE,
      mobile: MOBILE,
      phone: PHONE,
      email: EMAIL,
      wechat: WECHAT,
      creditCode: CREDIT,
      source: SOURCE,
      grade: GRADE,
      status: f('enum:leadStatus', '状态', '线索状态', 'status'),
      industry: INDUSTRY,
      region: REGION,
      notes: NOTES,
      ownerId: OWNER,
    },
    required: requiredOf(leadDefinition),
    keys: { name: 'companyName', mobile: 'mobile', creditCode: 'creditCode', email: 'email' },
  },
  contacts: {
    entity: 'contact',
    def: contactDefinition,
    fields: {
      accountName: ACCOUNT_REF,
      accountId: f('text', '客户编号', '客户id', 'account id'),
      name: f('text', '姓名', '联系人', '联系人姓名', '名字', 'name', 'contact', 'contact name', 'full name'),
      title: TITLE,
      mobile: MOBILE,
      email: EMAIL,
      wechat: WECHAT,
      decisionRole: f('enum:decisionRole', '决策角色', '角色', '决策链角色', 'decision role', 'role'),
      notes: NOTES,
      ownerId: OWNER,
    },
    required: requiredOf(contactDefinition, { accountId: ['accountName', 'accountId'] }),
    keys: { mobile: 'mobile', email: 'email' },
  },
  deals: {
    entity: 'deal',
    def: dealDefinition,
    fields: {
      accountName: ACCOUNT_REF,
      accountId: f('text', '客户编号', '客户id', 'account id'),
      name: f(
        'text',
        '商机名称',
        '项目名称',
        '机会名称',
        '商机',
        '项目',
        'opportunity',
        'deal',
        'deal name',
        'opportunity name',
        'name',
      ),
      amount: f(
        'money',
        '金额',
        '商机金额',
        '预计金额',
        '合同金额',
        '预计成交金额',
        'amount',
        'value',
        'deal value',
      ),
      currency: CURRENCY,
      expectedCloseDate: f(
        'date',
        '预计成交日期',
        '预计签单日期',
        '预计结单日期',
        '成交日期',
        'expected close date',
        'close date',
      ),
      stage: f('enum:stage', '阶段', '销售阶段', '商机阶段', 'stage', 'deal stage'),
      probability: f('integer', '赢率', '成交概率', '概率', 'probability', 'win rate'),
      source: SOURCE,
      lostReason: f('text', '输单原因', '丢单原因', 'lost reason'),
      notes: NOTES,
      ownerId: OWNER,
    },
    required: requiredOf(dealDefinition, { accountId: ['accountName', 'accountId'] }),
  },
  activities: {
    entity: 'activity',
    def: activityDefinition,
    fields: {
      kind: f('enum:kind', '类型', '跟进方式', '跟进类型', '方式', 'kind', 'type', 'activity type'),
      subject: f('text', '主题', '标题', '跟进主题', 'subject', 'title'),
      notes: f('text', '内容', '跟进内容', '备注', '详情', 'notes', 'content', 'details'),
      outcome: f('text', '结果', '跟进结果', 'outcome', 'result'),
      nextStep: f('text', '下一步', '下一步计划', 'next step'),
      nextContactAt: f(
        'datetime',
        '下次联系时间',
        '下次跟进时间',
        '下次联系',
        'next contact',
        'next contact at',
      ),
      occurredAt: f('datetime', '跟进时间', '时间', '日期', '发生时间', 'date', 'occurred at', 'time'),
      durationMinutes: f('integer', '时长', '时长分钟', '通话时长', 'duration', 'duration minutes'),
      accountName: ACCOUNT_REF,
      accountId: f('text', '客户编号', '客户id', 'account id'),
      leadId: f('text', '线索编号', '线索id', 'lead id'),
      ownerId: OWNER,
    },
    required: requiredOf(activityDefinition),
  },
  products: {
    entity: 'product',
    def: productDefinition,
    fields: {
      sku: f('text', '编码', '产品编码', '物料编码', '货号', '产品编号', 'sku', 'code', 'product code'),
      name: f('text', '产品名称', '名称', '品名', 'product', 'product name', 'name'),
      productLine: f('text', '产品线', '系列', '产品系列', 'product line', 'series'),
      spec: f('text', '规格', 'spec', 'specification'),
      model: f('text', '型号', 'model'),
      unit: f('text', '单位', '计量单位', 'unit'),
      listPrice: f('money', '价格', '单价', '标准价', '售价', '销售价', 'list price', 'price', 'sales price'),
      cost: f('money', '成本', '成本价', 'cost'),
      currency: CURRENCY,
      status: f('enum:productStatus', '状态', '产品状态', 'status'),
      description: f('text', '描述', '产品描述', '介绍', 'description'),
    },
    required: requiredOf(productDefinition),
  },
};

/**
 * Receipts (回款记录): matched to a signed contract by its number (合同编号), or by the customer
 * when the customer has exactly one signed contract; recorded by the payments module's own path
 * (recordReceiptIn), so the plan, overpayment and order checks are the API's.
 */
export const PAYMENT_IMPORT: ImportSpec = {
  entity: 'receipt',
  schema: receiptInputSchema,
  fields: {
    contractNumber: {
      kind: 'contractRef',
      target: 'contractId',
      synonyms: ['合同编号', '合同号', '合同编码', '合同', 'contract', 'contract number', 'contract no'],
    },
    accountName: {
      kind: 'accountContractRef',
      target: 'contractId',
      synonyms: ['客户名称', '公司名称', '付款单位', '付款方', '客户', 'customer', 'account', 'payer'],
    },
    amount: f(
      'money',
      '回款金额',
      '收款金额',
      '到账金额',
      '实收金额',
      '回款额',
      '金额',
      'amount',
      'payment amount',
      'amount received',
      'payment value',
    ),
    receivedOn: f(
      'date',
      '收款日期',
      '回款日期',
      '到账日期',
      '付款日期',
      '日期',
      'received on',
      'payment date',
      'date received',
      'date',
    ),
    method: f(
      'enum:paymentMethod',
      '付款方式',
      '收款方式',
      '回款方式',
      '支付方式',
      'method',
      'payment method',
      'payment type',
    ),
    reference: f(
      'text',
      '流水号',
      '银行流水号',
      '交易流水号',
      '回单号',
      '凭证号',
      'reference',
      'transaction id',
      'reference no',
    ),
    note: NOTES,
    currency: CURRENCY,
  },
  required: requiredOf(
    { createSchema: receiptInputSchema },
    { contractId: ['contractNumber', 'accountName'] },
  ),
  roles: ['finance', 'admin'],
  repeatable: true,
};

/** Every importable entity by its path name (records and payments). */
export const IMPORT_SPECS: Record<string, ImportSpec> = {
  ...Object.fromEntries(
    Object.entries(IMPORT_ENTITIES).map(([k, e]) => [k, { ...e, schema: e.def.createSchema }]),
  ),
  payments: PAYMENT_IMPORT,
};

export const IMPORTABLE = Object.keys(IMPORT_SPECS) as [string, ...string[]];

export function synonymsOf(spec: ImportSpec): Record<string, readonly string[]> {
  return Object.fromEntries(Object.entries(spec.fields).map(([k, v]) => [k, v.synonyms]));
}
