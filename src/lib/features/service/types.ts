/** What the 服务过程 page gets from its load (server/features/service/page.ts): plain data, no SQL. */

/** One cell of the interval heatmap: ISO weekday, hour of arrival, service level (%) and contacts offered. */
export interface IntervalCellView {
	weekday: number;
	hour: number;
	value: number | null;
	offered: number;
}

/** An agent's contacts handled, handle time and resolution (by repeat, judged contacts, and as marked). */
export interface AgentRow {
	agent: string;
	/** the agent's name from the staff list, when known */
	name: string | null;
	handled: number;
	aht: number | null;
	fcr: number | null;
	fcrDue: number;
	marked: number | null;
}

/** A channel's contacts offered and its values of the compared metrics, by metric id. */
export interface ChannelRow {
	channel: string;
	offered: number;
	values: Record<string, number | null>;
}
