/** What an approval request is about, as people read it in notifications. */
export const SUBJECT_NAMES: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  quote: { 'zh-CN': '报价单', 'en-US': 'Quote' },
  contract: { 'zh-CN': '合同', 'en-US': 'Contract' },
};
