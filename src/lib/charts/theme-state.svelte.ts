import { darkTheme, lightTheme, printTheme, type ChartTheme } from './theme';

/**
 * The chart theme the browser asks for right now: dark when the system is in dark mode, print while
 * printing (so a dark screen still prints black on white), light otherwise and on the server.
 * Pages read `chartTheme.current` inside `$derived`, so charts redraw when it changes.
 */
class ChartThemeState {
	#dark = $state(false);
	#printing = $state(false);

	constructor() {
		// at module load in the browser (never inside a $derived, where writing state is refused)
		if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return;
		const dark = window.matchMedia('(prefers-color-scheme: dark)');
		this.#dark = dark.matches;
		dark.addEventListener('change', (e) => (this.#dark = e.matches));
		window.addEventListener('beforeprint', () => (this.#printing = true));
		window.addEventListener('afterprint', () => (this.#printing = false));
	}

	get current(): ChartTheme {
		return this.#printing ? printTheme : this.#dark ? darkTheme : lightTheme;
	}
}

export const chartTheme = new ChartThemeState();
