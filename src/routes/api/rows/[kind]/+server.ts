import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { roleCan, type Capability } from '$lib/shared/auth/roles';
import { recordPiiAccess } from '$lib/server/core/auth/pii';
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
import { drillRows } from '$lib/server/metrics/query';
import type { RequestHandler } from './$types';

/**
 * Per kind of row: the metric sources whose rows it is, the metric drilled into by default, and a permission the
 * rows need beyond `rows` (inspections name the staff inspected and their inspector, as the 质检 page does, which
 * needs `scorecards` too).
 */
const KINDS: Record<string, { sources: readonly string[]; metric: string; needs?: Capability }> = {
	complaints: { sources: ['complaints', 'complaint_repeats'], metric: 'complaint_count' },
	surveys: { sources: ['surveys'], metric: 'low_score_count' },
	contacts: { sources: ['contacts', 'contact_sequences', 'contact_complaints'], metric: 'contacts_offered' },
	inspections: { sources: ['inspections'], metric: 'qa_fatal_count', needs: 'scorecards' }
};

/** The largest page of rows a role without the export capability gets (docs/decisions.md, "Who sees rows"). */
const ROWS_PAGE_MAX = 500;

const int = (v: string | null, fallback: number) => (v === null || v === '' ? fallback : /^\d+$/u.test(v) ? Number(v) : Number.NaN);

/**
 * The rows behind a number: `GET /api/rows/complaints?metric=complaint_count&from=&to=&grain=&by=&period=&group=&…filters&offset=&limit=`
 * (or `/api/rows/surveys`, by default the low-score responses; `/api/rows/contacts`, by default the contacts offered;
 * `/api/rows/inspections`, by default the inspections with a fatal error, for roles that see scorecards). The same filters as the metric endpoint
 * plus the clicked `period` and `group` (an empty `group=` means the rows without a value) and `q`, text
 * the summary or comment must contain. JSON by default (`total` beside the page), Arrow or CSV on request.
 * Customer name and phone are masked for users without the pii permission; showing them unmasked is
 * audited. A CSV of every row (not just a page) is an export and needs the export capability.
 */
export const GET: RequestHandler = async ({ params, url, request, locals, getClientAddress }) => {
	const user = locals.user;
	if (!user) error(401, 'sign in');
	const locale = requestLocale();
	const kind = Object.hasOwn(KINDS, params.kind) ? KINDS[params.kind] : undefined;
	if (!kind) return problem(404, 'unknown_kind', m.api_unknown_kind({ kind: params.kind }));
	if (kind.needs && !roleCan(user.role, kind.needs)) return problem(403, 'role', m.api_rows_scorecards_needed());
	const format = formatOf(url, request.headers.get('accept'), 'json');
	if (!format) return problem(400, 'invalid_request', m.api_format_invalid_metric());
	if (format === 'csv' && !roleCan(user.role, 'export')) return problem(403, 'role', m.api_rows_export_needed());
	const metric = metricById(url.searchParams.get('metric') ?? kind.metric);
	if (!metric || !kind.sources.includes(metric.source)) return problem(400, 'not_drillable', m.api_not_drillable_kind());
	if (storesOutside(url, user).length) return problem(403, 'store', m.api_store_forbidden());
	const bounds = rangeProblem(url, { periods: false });
	if (bounds) return bounds;

	const offset = int(url.searchParams.get('offset'), 0);
	// without `export`, JSON and Arrow come a page at a time (at most ROWS_PAGE_MAX rows): a whole-table
	// page would be the export that CSV refuses
	const asked = int(url.searchParams.get('limit'), 50);
	const limit = format === 'csv' ? 100_000 : roleCan(user.role, 'export') ? asked : Math.min(asked, ROWS_PAGE_MAX);
	const input = {
		...metricInput(metric.id, url, user),
		period: url.searchParams.get('period') || undefined,
		group: url.searchParams.has('group') ? url.searchParams.get('group') || null : undefined,
		search: url.searchParams.get('q') || undefined,
		offset,
		limit
	};
	const db = await getDatabase();
	let result;
	try {
		result = await drillRows(db, user, input);
	} catch (e) {
		return requestProblem(e, locale);
	}
	if (user.pii && result.rows.length) {
		const filter = { metric: metric.id, from: input.from, to: input.to, period: input.period, group: input.group, ...input.filters };
		await db.withConnection((conn) =>
			recordPiiAccess(conn, user, { resource: params.kind, rows: result.rows.length, filter, ip: getClientAddress() })
		);
	}
	return encodeResult(result, format, `${params.kind}-${metric.id}`, { metric: metric.id, total: result.total, offset, limit });
};
