import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { getDatabase } from '$lib/server/core/db/process';
import { metricById } from '$lib/server/metrics/catalog';
import {
	encodeResult,
	formatOf,
	metricInput,
	problem,
	rangeProblem,
	requestLocale,
	requestProblem,
	storesOutside
} from '$lib/server/metrics/http';
import { COMPARES, queryMetric, type Compare } from '$lib/server/metrics/query';
import type { RequestHandler } from './$types';

/**
 * One metric, one row per period × group: `GET /api/metrics/<id>?from=&to=&grain=&by=&store=…&department=…&channel=…&category=…`
 * (+ `compare=previous|last_year` for `compare_period`/`compare_value`). Arrow by default, JSON or CSV
 * on `Accept` or `?format=`. Results are cached per data version (see `queryMetric`). `X-Query-Path` (and
 * `query_path` in JSON) says whether a rollup or the raw rows answered.
 */
export const GET: RequestHandler = async ({ params, url, request, locals }) => {
	const user = locals.user;
	if (!user) error(401, 'sign in');
	const locale = requestLocale();
	const format = formatOf(url, request.headers.get('accept'));
	if (!format) return problem(400, 'invalid_request', m.api_format_invalid_metric());
	const metric = metricById(params.metric);
	if (!metric) return problem(404, 'unknown_metric', m.api_unknown_metric({ metric: params.metric }));
	if (storesOutside(url, user).length) return problem(403, 'store', m.api_store_forbidden());
	const compare = url.searchParams.get('compare') || undefined;
	if (compare !== undefined && !COMPARES.includes(compare as Compare)) {
		return problem(400, 'invalid_request', m.api_compare_invalid());
	}
	const bounds = rangeProblem(url);
	if (bounds) return bounds;
	let result;
	try {
		result = await queryMetric(await getDatabase(), metricInput(metric.id, url, user), { compare: compare as Compare | undefined });
	} catch (e) {
		return requestProblem(e, locale);
	}
	// where the numbers were read (a rollup or the raw rows): in the JSON and, for every format, as X-Query-Path
	const path = result.path ?? 'raw';
	const response = encodeResult(result, format, metric.id, { metric: metric.id, unit: metric.unit, query_path: path });
	response.headers.set('x-query-path', path);
	return response;
};
