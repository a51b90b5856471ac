/** One group's part in a change of a metric between two periods ("what changed"): the server computes it, the page shows it. */
export interface ChangeRow {
	group: string;
	before: number | null;
	after: number | null;
	/** share of the overall change, in the metric's unit (rate + mix for a store split) */
	contribution: number;
	rateEffect: number | null;
	mixEffect: number | null;
	p: number | null;
	q: number | null;
	significant: boolean;
}
