// The dashboard's commune map: ECharts' map series (its geo projection) and visual map, added to
// the core of echarts.ts by the charts that draw a map.
import * as echarts from 'echarts/core';
import { MapChart } from 'echarts/charts';
import { VisualMapComponent } from 'echarts/components';

echarts.use([MapChart, VisualMapComponent]);
