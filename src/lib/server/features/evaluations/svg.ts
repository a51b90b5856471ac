import { init } from '$lib/charts/echarts';
import type { ChartOption } from '$lib/charts/types';

/**
 * A chart as an SVG string, drawn on the server (ECharts SSR): the printable report needs no script,
 * so the browser's print and the server's PDF both get the charts as they are, with nothing to wait for.
 */
export function chartSvg(option: ChartOption, width: number, height: number): string {
	const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
	try {
		chart.setOption({ ...option, animation: false });
		return chart.renderToSVGString();
	} finally {
		chart.dispose();
	}
}
