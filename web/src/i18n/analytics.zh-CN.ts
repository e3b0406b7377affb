/** Performance screens (dashboards, targets, forecast, weekly reports): twins in analytics.en-US.ts. */
export const analyticsZhCN = {
  analytics: {
    menu: { group: '业绩' },
  },
};
