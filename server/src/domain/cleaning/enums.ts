import { headerKey } from './headers';

// Enumerated values as people write them in Chinese or English: 官网 → website, 赢单 → won.
export const ENUM_LABELS: Record<string, Record<string, readonly string[]>> = {
  source: {
    website: ['官网', '网站', '官方网站', '网络', 'web', 'direct_traffic', 'organic_search'],
    exhibition: ['展会', '会展', '展览', 'trade show', 'event'],
    referral: ['转介绍', '推荐', '客户介绍', '口碑'],
    cold_call: ['电话', '陌拜', '电话营销', '陌生拜访', 'cold call', 'outbound'],
    online_ad: ['网络广告', '广告', '线上广告', '百度推广', '竞价', 'paid_search', 'display', 'ad'],
    social_media: ['社交媒体', '社交', '微信', '抖音', '小红书', 'social'],
    partner: ['合作伙伴', '渠道', '代理商', '经销商'],
    other: ['其他', '其它', 'unknown', 'email', 'other_publicities'],
  },
  grade: { A: ['a类', 'a级', '重要'], B: ['b类', 'b级'], C: ['c类', 'c级'], D: ['d类', 'd级'] },
  size: {
    micro: ['微型', '微型企业', '1-10人'],
    small: ['小型', '小型企业', '小微'],
    medium: ['中型', '中型企业'],
    large: ['大型', '大型企业'],
    enterprise: ['集团', '超大型', '特大型', '集团企业'],
  },
  leadStatus: {
    new: ['新建', '新线索', '未处理', '待跟进'],
    contacted: ['已联系', '跟进中', '已触达'],
    qualified: ['已确认', '合格', '有效'],
    converted: ['已转化', '已转换'],
    disqualified: ['无效', '不合格', '已作废'],
  },
  stage: {
    initial_contact: ['初步接触', '初步沟通', '接触', 'prospecting'],
    needs_analysis: ['需求分析', '需求确认', 'engaging', 'qualification'],
    solution: ['方案呈现', '方案', '方案制定', 'proposal'],
    negotiation: ['报价谈判', '谈判', '报价', '商务谈判'],
    contract: ['合同签订', '签约', '合同'],
    won: ['赢单', '成交', '已成交', 'closed won'],
    lost: ['输单', '丢单', '失败', 'closed lost'],
  },
  kind: {
    call: ['电话', '打电话', '来电', '电话沟通'],
    visit: ['拜访', '上门', '上门拜访', '面访'],
    meeting: ['会议', '开会', '线上会议', '视频会议'],
    email: ['邮件', '电子邮件', 'e-mail'],
    wechat: ['微信', '企业微信'],
    other: ['其他', '其它'],
  },
  decisionRole: {
    decision_maker: ['决策者', '决策人', '拍板人'],
    economic_buyer: ['经济决策者', '采购负责人', '财务决策者'],
    technical_buyer: ['技术决策者', '技术评估者', '技术负责人'],
    user: ['使用者', '用户', '最终用户'],
    influencer: ['影响者', '影响人'],
    champion: ['支持者', '内线', '教练'],
    gatekeeper: ['把关者', '守门人'],
  },
  currency: {
    CNY: ['人民币', '元', 'rmb', '¥', '￥'],
    USD: ['美元', '美金', '$'],
    EUR: ['欧元', '€'],
    HKD: ['港币', '港元'],
    JPY: ['日元', '日币'],
  },
  productStatus: { active: ['在售', '启用', '上架', '有效'], inactive: ['停售', '停用', '下架', '无效'] },
  paymentMethod: {
    bank_transfer: [
      '银行转账',
      '转账',
      '电汇',
      '汇款',
      '网银',
      '对公转账',
      'bank transfer',
      'wire',
      'transfer',
    ],
    acceptance_bill: [
      '承兑汇票',
      '银行承兑',
      '银行承兑汇票',
      '商业承兑',
      '商业承兑汇票',
      '汇票',
      'acceptance bill',
      'bill',
    ],
    other: ['其他', '其它', '现金', '支票', 'cash', 'cheque', 'check'],
  },
};

/** The enum key for a label (or the key itself, any case); undefined when nothing matches. */
export function matchEnum(kind: string, raw: string): string | undefined {
  const table = ENUM_LABELS[kind];
  if (!table) return undefined;
  const key = headerKey(raw);
  const symbolKey = raw.trim();
  for (const [value, labels] of Object.entries(table)) {
    if (headerKey(value) === key) return value;
    for (const l of labels) if (headerKey(l) === key || (l.length === 1 && l === symbolKey)) return value;
  }
  return undefined;
}
