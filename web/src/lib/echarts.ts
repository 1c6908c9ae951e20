// ECharts with only the pieces the app draws, loaded on demand so login and search stay small.
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart, MapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, ScatterChart, MapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, MarkLineComponent, TitleComponent, CanvasRenderer]);

export default echarts;
