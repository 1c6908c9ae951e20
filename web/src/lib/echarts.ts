// ECharts with only the pieces the app draws (line series on a grid, tooltips, the trend's legend),
// loaded on demand so login and search stay small. The map series is a chunk of its own
// (echarts-map.ts): a child's growth chart does not wait for it.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export default echarts;
