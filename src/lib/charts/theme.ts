/**
 * Colours and type of the charts, matching the tokens of src/app.css: light (the default), dark (when
 * the system asks for it) and print (black on white, strong lines, distinguishable in greyscale).
 */
export interface ChartTheme {
	name: 'light' | 'dark' | 'print';
	palette: readonly string[];
	text: string;
	muted: string;
	axisLine: string;
	splitLine: string;
	/** limits and thresholds (SLA, 80% of a Pareto), and bars past a limit */
	alert: string;
	fontFamily: string;
}

const FONT = "'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";

export const lightTheme: ChartTheme = {
	name: 'light',
	palette: ['#2563c9', '#e07b24', '#17663a', '#8a5cd1', '#b42318', '#5b6779'],
	text: '#1d2939',
	muted: '#5b6779',
	axisLine: '#c9d2de',
	splitLine: '#eef1f5',
	alert: '#b42318',
	fontFamily: FONT
};

export const darkTheme: ChartTheme = {
	name: 'dark',
	palette: ['#6ea2ff', '#f5a35c', '#5fcf8c', '#b592f0', '#ff7a6e', '#a3adbb'],
	text: '#e4e8ee',
	muted: '#a3adbb',
	axisLine: '#4a5566',
	splitLine: '#2a3240',
	alert: '#ff7a6e',
	fontFamily: FONT
};

export const printTheme: ChartTheme = {
	name: 'print',
	palette: ['#1f1f1f', '#7a7a7a', '#4a4a4a', '#a8a8a8', '#000000', '#5e5e5e'],
	text: '#000000',
	muted: '#333333',
	axisLine: '#555555',
	splitLine: '#d0d0d0',
	alert: '#000000',
	fontFamily: FONT
};

export const THEMES = { light: lightTheme, dark: darkTheme, print: printTheme } as const;
