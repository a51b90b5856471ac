import { SOURCES } from './catalog';
import {
	asRead,
	compileMetric,
	groupedSql,
	groupsHeld,
	measureSql,
	planOf,
	prepare,
	validateRequest,
	type Column,
	type CompiledQuery,
	type CompileOptions
} from './compile';

/**
 * Several metric requests in one query, as Rill's metrics views answer several measures at once:
 * requests over the same relation — the same source or rollup (and rollup condition), range, grain,
 * cut, filters and scope — share one scan and one GROUP BY, each metric's numbers under its own
 * prefix. A page's section asks its measures together and gets each answer as if asked alone.
 */

export interface BundleMember {
	/** position of the request in the list asked */
	index: number;
	/** the metric's output columns in the shared query are `prefix` + its own column names */
	prefix: string;
	compiled: Pick<CompiledQuery, 'metric' | 'columns' | 'interval' | 'path'>;
}

export interface CompiledBundle {
	/** the shared query; its columns are the keys and every member's prefixed columns */
	query: CompiledQuery;
	members: BundleMember[];
}

/** What decides whether two requests can share a query: the relation they read and how its rows are grouped. */
function bundleKey(input: unknown, options: CompileOptions): string | null {
	const { request, metric } = validateRequest(input);
	// staff-score groups are suppressed per metric (query.ts): asked alone
	if (request.minGroupStaff !== undefined && SOURCES[metric.source].staffColumn) return null;
	const rollup = planOf(request, metric, options);
	// a percentile from counts per time has a query shape of its own
	if (rollup && metric.rollup?.quantile !== undefined) return null;
	const { from, to, grain, by, filters, scope } = request;
	return JSON.stringify([
		rollup ?? `raw:${metric.source}`,
		rollup ? (metric.rollup?.where ?? '') : '',
		// a metric with live days (FCR) reads other rows for its most recent days
		rollup ? !!metric.rollup?.settledDays : false,
		// SLA counts read the rollup through a cutoff and raw rows after it: a relation of their own
		rollup && metric.rollup?.sla ? 'sla' : '',
		from,
		to,
		grain,
		by,
		filters,
		scope
	]);
}

/** Compiles requests into as few queries as share a relation; a request alone in its group is compiled as `compileMetric` does. */
export function compileBundles(inputs: readonly unknown[], options: CompileOptions = {}): CompiledBundle[] {
	const groups = new Map<string, number[]>();
	const alone: number[] = [];
	inputs.forEach((input, i) => {
		const key = bundleKey(input, options);
		if (key === null) alone.push(i);
		else groups.set(key, [...(groups.get(key) ?? []), i]);
	});
	const single = (i: number): CompiledBundle => {
		const query = compileMetric(inputs[i], options);
		return { query, members: [{ index: i, prefix: '', compiled: query }] };
	};
	const out = alone.map(single);
	for (const indexes of groups.values()) {
		if (indexes.length === 1) {
			out.push(single(indexes[0]!));
			continue;
		}
		const first = validateRequest(inputs[indexes[0]!]);
		const rollup = planOf(first.request, first.metric, options);
		const { p, relation, withNow, groupCol } = prepare(first.request, first.metric, options, rollup);
		const members: BundleMember[] = [];
		const inner: string[] = [];
		const outer: string[] = [];
		const measured: Column[] = [];
		indexes.forEach((index, j) => {
			const { metric } = validateRequest(inputs[index]);
			const prefix = `m${j}_`;
			const m = measureSql(asRead(metric, rollup), withNow, prefix);
			inner.push(m.inner);
			outer.push(m.outer);
			measured.push(...m.columns.map((c) => ({ ...c, name: `${prefix}${c.name}` })));
			members.push({
				index,
				prefix,
				compiled: { metric, columns: m.columns, path: rollup ? 'rollup' : 'raw', ...(m.interval ? { interval: m.interval } : {}) }
			});
		});
		const { sql, columns } = groupedSql(first.request.grain, groupCol, relation, inner.join(', '), outer.join(', '), groupsHeld(rollup));
		// each member answers with the keys and its own columns, as if asked alone
		for (const member of members) member.compiled.columns = [...columns, ...member.compiled.columns];
		out.push({
			query: {
				sql,
				params: p.values,
				path: rollup ? 'rollup' : 'raw',
				metric: first.metric,
				shape: { from: first.request.from, to: first.request.to, grain: first.request.grain, by: first.request.by },
				columns: [...columns, ...measured]
			},
			members
		});
	}
	return out;
}
