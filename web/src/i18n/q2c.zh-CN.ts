/** Quote-to-cash screens (contracts, orders, payments): every key has its twin in q2c.en-US.ts. */
export const q2cZhCN = {
  q2c: {
    menu: { group: '报价到回款' },
  },
};
