import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/core/db/process';
import { metricById } from '$lib/server/metrics/catalog';
import { encodeResult, formatOf, isZh, metricInput, problem, rangeProblem, requestProblem, storesOutside } from '$lib/server/metrics/http';
import { COMPARES, queryMetric, type Compare } from '$lib/server/metrics/query';
import type { RequestHandler } from './$types';

/**
 * One metric, one row per period × group: `GET /api/metrics/<id>?from=&to=&grain=&by=&store=…&department=…&channel=…&category=…`
 * (+ `compare=previous|last_year` for `compare_period`/`compare_value`). Arrow by default, JSON or CSV
 * on `Accept` or `?format=`. Results are cached per data version (see `queryMetric`).
 */
export const GET: RequestHandler = async ({ params, url, request, locals }) => {
	const user = locals.user;
	if (!user) error(401, 'sign in');
	const zh = isZh(request);
	const format = formatOf(url, request.headers.get('accept'));
	if (!format) return problem(400, 'invalid_request', zh, 'format 只能是 arrow、json 或 csv', 'format must be arrow, json or csv');
	const metric = metricById(params.metric);
	if (!metric) return problem(404, 'unknown_metric', zh, `没有名为“${params.metric}”的指标`, `Unknown metric "${params.metric}"`);
	if (storesOutside(url, user).length) return problem(403, 'store', zh, '无权查看该门店', 'not allowed for that store');
	const compare = url.searchParams.get('compare') || undefined;
	if (compare !== undefined && !COMPARES.includes(compare as Compare)) {
		return problem(
			400,
			'invalid_request',
			zh,
			'compare 只能是 previous（上期）或 last_year（去年同期）',
			'compare must be previous or last_year'
		);
	}
	const bounds = rangeProblem(url, zh);
	if (bounds) return bounds;
	let result;
	try {
		result = await queryMetric(await getDatabase(), metricInput(metric.id, url, user), { compare: compare as Compare | undefined });
	} catch (e) {
		return requestProblem(e, zh);
	}
	return encodeResult(result, format, metric.id, { metric: metric.id, unit: metric.unit });
};
