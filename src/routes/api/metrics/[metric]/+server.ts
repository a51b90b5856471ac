import { error, json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/database';
import { metricById } from '$lib/server/metrics/catalog';
import { MetricRequestError } from '$lib/server/metrics/compile';
import { COMPARES, queryMetric, toArrow, toCsv, type Compare } from '$lib/server/metrics/query';
import type { RequestHandler } from './$types';

type Format = 'arrow' | 'json' | 'csv';

/** `?format=` wins; otherwise the Accept header; Arrow by default. */
function formatOf(url: URL, accept: string | null): Format | null {
	const f = url.searchParams.get('format');
	if (f !== null) return f === 'arrow' || f === 'json' || f === 'csv' ? f : null;
	const a = (accept ?? '').toLowerCase();
	if (a.includes('application/vnd.apache.arrow.stream')) return 'arrow';
	if (a.includes('text/csv')) return 'csv';
	if (a.includes('application/json')) return 'json';
	return 'arrow';
}

const isZh = (request: Request) => !/^\s*en\b/iu.test(request.headers.get('accept-language') ?? '');

/**
 * One metric, one row per period × group: `GET /api/metrics/<id>?from=&to=&grain=&by=&store=…&department=…&channel=…&category=…`
 * (+ `compare=previous|last_year` for `compare_period`/`compare_value`). Results are cached per data version.
 * The guard has already checked the role and that every `store` asked for is within the user's stores;
 * the user's store scope is bound into the query as well, so nothing outside it is ever counted.
 */
export const GET: RequestHandler = async ({ params, url, request, locals }) => {
	const user = locals.user;
	if (!user) error(401, 'sign in');
	const zh = isZh(request);
	const format = formatOf(url, request.headers.get('accept'));
	if (!format) return json({ code: 'invalid_request', message: zh ? 'format 只能是 arrow、json 或 csv' : 'format must be arrow, json or csv' }, { status: 400 });
	if (!metricById(params.metric)) {
		return json({ code: 'unknown_metric', message: zh ? `没有名为“${params.metric}”的指标` : `Unknown metric "${params.metric}"` }, { status: 404 });
	}
	const list = (name: string) => {
		const v = url.searchParams.getAll(name).filter((s) => s !== '');
		return v.length ? v : undefined;
	};
	const stores = list('store');
	if (user.stores !== null && stores?.some((s) => !user.stores!.includes(s))) {
		return json({ code: 'store', message: zh ? '无权查看该门店' : 'not allowed for that store' }, { status: 403 });
	}
	const input = {
		metric: params.metric,
		from: url.searchParams.get('from') ?? undefined,
		to: url.searchParams.get('to') ?? undefined,
		grain: url.searchParams.get('grain') ?? undefined,
		by: url.searchParams.get('by') || undefined,
		filters: { store: stores, department: list('department'), channel: list('channel'), category: list('category') },
		scope: user.stores
	};
	const compare = url.searchParams.get('compare') || undefined;
	if (compare !== undefined && !COMPARES.includes(compare as Compare)) {
		return json({ code: 'invalid_request', message: zh ? 'compare 只能是 previous（上期）或 last_year（去年同期）' : 'compare must be previous or last_year' }, { status: 400 });
	}
	const metric = metricById(params.metric)!;
	let result;
	try {
		result = await queryMetric(await getDatabase(), input, { compare: compare as Compare | undefined });
	} catch (e) {
		if (e instanceof MetricRequestError) return json({ code: e.code, message: zh ? e.messageZh : e.message }, { status: 400 });
		throw e;
	}
	if (format === 'json') return json({ metric: metric.id, unit: metric.unit, columns: result.columns, rows: result.rows });
	if (format === 'csv') {
		return new Response(toCsv(result), {
			headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${metric.id}.csv"` }
		});
	}
	const body = toArrow(result);
	return new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/vnd.apache.arrow.stream' } });
};
