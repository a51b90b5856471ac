/** The one place ECharts is assembled: only the charts, components and renderer the product uses. */
import { use } from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
	GridComponent,
	LegendComponent,
	MarkAreaComponent,
	MarkLineComponent,
	TitleComponent,
	TooltipComponent,
	VisualMapComponent
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([
	LineChart,
	BarChart,
	HeatmapChart,
	GridComponent,
	LegendComponent,
	MarkAreaComponent,
	MarkLineComponent,
	TitleComponent,
	TooltipComponent,
	VisualMapComponent,
	SVGRenderer
]);

export { init, type ECharts } from 'echarts/core';
