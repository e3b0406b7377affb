import type { analyticsZhCN } from './analytics.zh-CN';

export const analyticsEnUS: typeof analyticsZhCN = {
  analytics: {
    menu: { group: 'Performance' },
  },
};
