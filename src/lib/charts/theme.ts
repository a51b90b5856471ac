/** Colours and type of the charts, matching src/app.css. One light theme for now (dark and print later). */
export interface ChartTheme {
	palette: readonly string[];
	text: string;
	muted: string;
	axisLine: string;
	splitLine: string;
	fontFamily: string;
}

export const lightTheme: ChartTheme = {
	palette: ['#2563c9', '#e07b24', '#17663a', '#8a5cd1', '#b42318', '#5b6779'],
	text: '#1d2939',
	muted: '#5b6779',
	axisLine: '#c9d2de',
	splitLine: '#eef1f5',
	fontFamily: "'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
};
