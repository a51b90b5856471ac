import type { ChartTheme } from './theme';
import type { ChartOption } from './types';

/** A chart with nothing to draw: the empty text in the middle, no axes. */
export function emptyOption(text: string, theme: ChartTheme): ChartOption {
	return {
		title: {
			text,
			left: 'center',
			top: 'middle',
			textStyle: { color: theme.muted, fontSize: 13, fontWeight: 'normal', fontFamily: theme.fontFamily }
		},
		series: []
	};
}
