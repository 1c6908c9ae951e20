// The dashboard's commune map: ECharts' map series (with its geo projection), added to the core of
// echarts.ts by the charts that draw a map.
import * as echarts from 'echarts/core';
import { MapChart } from 'echarts/charts';

echarts.use([MapChart]);
