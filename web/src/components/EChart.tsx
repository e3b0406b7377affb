import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export type EChartOption = echarts.EChartsCoreOption;

/** One ECharts chart that follows its container's width. */
export function EChart({
  option,
  height = 320,
  testId,
}: {
  option: EChartOption;
  height?: number;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current);
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  // Options are rebuilt on each render; the chart is redrawn only when they really change.
  const json = JSON.stringify(option);
  const drawn = useRef('');
  useEffect(() => {
    if (!chart.current || drawn.current === json) return;
    drawn.current = json;
    chart.current.setOption(JSON.parse(json) as EChartOption, true);
  }, [json]);
  return <div ref={ref} style={{ width: '100%', height }} data-testid={testId} />;
}
