// ECharts with only the pieces the app draws, loaded on demand so login and search stay small.
// The map series is a chunk of its own (echarts-map.ts): a child's growth chart does not wait for it.
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, TitleComponent, CanvasRenderer]);

export default echarts;
