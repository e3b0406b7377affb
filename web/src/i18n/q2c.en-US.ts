import type { q2cZhCN } from './q2c.zh-CN';

export const q2cEnUS: typeof q2cZhCN = {
  q2c: {
    menu: { group: 'Quote to cash' },
  },
};
