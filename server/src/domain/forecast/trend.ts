// Trend forecast (趋势预测) from history: ordinary least-squares line through monthly won
// revenue (x = 0, 1, 2 … for the months in order), extended `ahead` months. Forecasts are
// rounded to whole 分 and never below zero (revenue cannot be negative).

export interface TrendLine {
  slope: number;
  intercept: number;
  forecast: number[];
}

export function linearTrend(history: readonly number[], ahead: number): TrendLine | undefined {
  const n = history.length;
  if (n < 2) return undefined;
  const meanX = (n - 1) / 2;
  const meanY = history.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  history.forEach((y, x) => {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  });
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const forecast = Array.from({ length: ahead }, (_, k) =>
    Math.max(0, Math.round(intercept + slope * (n + k))),
  );
  return { slope: Math.round(slope * 100) / 100, intercept: Math.round(intercept * 100) / 100, forecast };
}

/** Simple moving average of the last `window` values, as a cross-check of the line. */
export function movingAverage(history: readonly number[], window: number): number | undefined {
  if (window < 1 || history.length < window) return undefined;
  const last = history.slice(-window);
  return Math.round(last.reduce((s, v) => s + v, 0) / window);
}
