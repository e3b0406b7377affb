import { FunnelChart, GaugeChart, HeatmapChart } from 'echarts/charts';
import { MarkLineComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';

// The performance screens also draw funnels, gauges and heat maps; registered once, on demand.
echarts.use([FunnelChart, GaugeChart, HeatmapChart, VisualMapComponent, MarkLineComponent]);

export { EChart } from '../../components/EChart';
