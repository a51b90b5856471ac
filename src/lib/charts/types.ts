import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
	GridComponentOption,
	LegendComponentOption,
	MarkAreaComponentOption,
	MarkLineComponentOption,
	TitleComponentOption,
	TooltipComponentOption,
	VisualMapComponentOption
} from 'echarts/components';

/** The options our builders produce: only the series and components registered in `echarts.ts`. */
export type ChartOption = ComposeOption<
	| BarSeriesOption
	| LineSeriesOption
	| HeatmapSeriesOption
	| VisualMapComponentOption
	| MarkAreaComponentOption
	| MarkLineComponentOption
	| GridComponentOption
	| LegendComponentOption
	| TitleComponentOption
	| TooltipComponentOption
>;
