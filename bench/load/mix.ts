/**
 * The virtual users and what their browsers ask for: signed in each with its own session, in a mix of
 * roles like a chain's, they cycle through visits — a page opened, then a few things done on it — with
 * varied dates, stores, grains, breakdowns and comparisons (results are cached per data version, so
 * repeating one URL would measure the cache). A fixed random sequence: the same requests every run.
 */
import { DEMO_ACCOUNTS } from '../../src/lib/server/core/auth/demo-accounts';
import { metricById } from '../../src/lib/server/metrics/catalog';
import type { Role } from '../../src/lib/shared/auth/roles';
import { addDays, presetRange } from '../../src/lib/shared/dashboard/range';
import { category, channel } from '../../src/lib/shared/schema/vocabularies';
import { login, type RunningServer } from '../../tests/helpers/server';
import { LOAD_PASSWORD, type Meta } from './data';

export interface Vu {
	id: number;
	username: string;
	role: Role;
	stores: string[] | null;
	cookie: string;
}

/** One request as the browser makes it; `endpoint` is what the report groups by. */
export interface Req {
	endpoint: string;
	path: string;
	accept: string;
}

// a mix like a chain's: store managers and viewers of single stores, quality officers, leadership, an admin
const MIX: Role[] = [
	'manager',
	'manager',
	'viewer',
	'quality_officer',
	'manager',
	'leadership',
	'viewer',
	'manager',
	'quality_officer',
	'admin'
];

const password = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)?.password ?? LOAD_PASSWORD;

/** `n` users in the mix of roles, signed in one after the other. */
export async function signInUsers(server: RunningServer, meta: Meta, n: number): Promise<Vu[]> {
	const vus: Vu[] = [];
	for (let i = 0; i < n; i++) {
		const role = MIX[i % MIX.length]!;
		const pool = meta.users.filter((u) => u.role === role);
		const u = pool[Math.floor(i / MIX.length) % pool.length]!;
		vus.push({ id: i, username: u.username, role, stores: u.stores, cookie: await login(server, u.username, password(u.username)) });
	}
	return vus;
}

export const countRoles = (xs: Vu[]) => xs.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.role]: (acc[v.role] ?? 0) + 1 }), {});

const GRAINS = ['day', 'week', 'month', 'quarter'] as const;
const COMPLAINT_BY = ['category', 'channel', 'store', 'department'] as const;
const API_METRICS = [
	'complaint_count',
	'complaint_rate',
	'repeat_complaint_rate',
	'open_backlog',
	'first_response_median_h',
	'sla_resolution_compliance',
	'csat',
	'nps',
	'response_count'
];
const API_BY = new Set(['store', 'channel', 'category', 'department', 'method', 'age_bucket', 'response_bucket', 'resolution_bucket']);
const canRows = (role: Role) => role !== 'viewer';

function params(entries: Record<string, string | string[] | undefined>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(entries)) for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) q.append(k, x);
	return q.toString();
}
const page = (path: string, q: string): Req => ({ endpoint: `page ${path}`, path: `${path}?${q}`, accept: 'text/html' });
// a filter change in the browser: SvelteKit fetches the page's data only
const data = (path: string, q: string): Req => ({
	endpoint: `data ${path}`,
	path: `${path}/__data.json?${q}&x-sveltekit-invalidated=01`,
	accept: '*/*'
});

export interface RequestMix {
	/** the mix's random sequence, for the users' pauses too */
	rand: () => number;
	/** One visit: a page opened, then a few things done on it, as the browser requests them. */
	visit: (vu: Vu) => Req[];
}

export function requestMix(meta: Meta): RequestMix {
	let seed = 12345;
	const rand = () => {
		// xorshift: the same sequence of requests every run
		seed ^= seed << 13;
		seed ^= seed >>> 17;
		seed ^= seed << 5;
		return (seed >>> 0) / 4_294_967_296;
	};
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
	const day = (d: Date) => d.toISOString().slice(0, 10);

	/** The ranges people choose: a month, a quarter, a year, the last 12 months, or some weeks. */
	function range(): { from: string; to: string } {
		const first = Date.parse(`${meta.first}T00:00:00Z`);
		const last = Date.parse(`${meta.last}T00:00:00Z`);
		const at = new Date(first + rand() * (last - first));
		switch (pick(['month', 'month', 'quarter', 'year', 'last12', 'weeks'] as const)) {
			case 'month':
				return presetRange('this_month', day(at));
			case 'quarter':
				return presetRange('this_quarter', day(at));
			case 'year':
				return { from: `${at.getUTCFullYear()}-01-01`, to: `${at.getUTCFullYear()}-12-31` };
			case 'last12':
				return { from: addDays(meta.last, -364), to: meta.last };
			case 'weeks': {
				const from = day(at);
				return { from, to: addDays(from, 7 * (1 + Math.floor(rand() * 8)) - 1) };
			}
		}
	}
	function storesFor(vu: Vu): string[] {
		if (vu.stores !== null) return [];
		const r = rand();
		if (r < 0.5) return [];
		if (r < 0.85) return [pick(meta.stores)];
		return [...new Set([pick(meta.stores), pick(meta.stores)])];
	}

	function visit(vu: Vu): Req[] {
		const r = range();
		const store = storesFor(vu);
		const out: Req[] = [];
		switch (pick(['dashboard', 'dashboard', 'complaints', 'complaints', 'satisfaction', 'quality', 'evaluations', 'api'] as const)) {
			case 'dashboard': {
				out.push(page('/dashboard', params({ ...r, store })));
				out.push(data('/dashboard', params({ ...range(), store: storesFor(vu) })));
				break;
			}
			case 'complaints': {
				const q = { ...r, store, grain: pick(GRAINS), by: pick(COMPLAINT_BY) };
				out.push(page('/complaints', params(q)));
				out.push(data('/complaints', params({ ...q, by: pick(COMPLAINT_BY), category: rand() < 0.3 ? pick(category.values) : undefined })));
				if (canRows(vu.role)) {
					const drill = params({
						...r,
						store,
						metric: 'complaint_count',
						grain: 'all',
						by: 'category',
						group: pick(category.values),
						limit: '50',
						offset: '0'
					});
					out.push({
						endpoint: 'api /api/rows/complaints',
						path: `/api/rows/complaints?${drill}`,
						accept: 'application/vnd.apache.arrow.stream'
					});
				}
				break;
			}
			case 'satisfaction': {
				const q = { ...r, store, grain: pick(GRAINS), channel: rand() < 0.3 ? pick(channel.values) : undefined };
				out.push(page('/satisfaction', params(q)));
				if (canRows(vu.role) && rand() < 0.5)
					out.push({
						endpoint: 'api /api/rows/surveys',
						path: `/api/rows/surveys?${params({ ...r, store, q: pick(['态度', '排队', '价格', '']), limit: '50' })}`,
						accept: 'application/json'
					});
				else out.push(data('/satisfaction', params({ ...q, grain: pick(GRAINS) })));
				break;
			}
			case 'quality': {
				out.push(
					page(
						'/quality',
						params({
							chart: pick(['complaint_p', 'complaint_u', 'csat_p', 'csat_mean_xmr', 'response_xmr']),
							grain: pick(['month', 'week'])
						})
					)
				);
				break;
			}
			case 'evaluations': {
				const y = meta.last.slice(0, 4);
				out.push(
					page(
						'/evaluations',
						params({
							cycle: 'quarter',
							period: `${pick([Number(y) - 1, Number(y)])}-Q${pick([1, 2, 3, 4])}`,
							group: pick(['store', 'department', 'all'])
						})
					)
				);
				break;
			}
			case 'api': {
				for (let i = 0; i < 3; i++) {
					const metric = pick(API_METRICS);
					const dims = metricById(metric)!.dimensions.filter((d) => API_BY.has(d));
					const by = rand() < 0.6 && dims.length ? pick(dims) : undefined;
					const grain = by && !by.endsWith('bucket') && rand() < 0.5 ? 'all' : pick(['all', 'month', 'week', 'quarter']);
					const compare = grain !== 'all' && rand() < 0.4 ? pick(['previous', 'last_year']) : undefined;
					const q = params({ ...range(), grain, by, compare, store: storesFor(vu), format: 'arrow' });
					out.push({
						endpoint: 'api /api/metrics/[metric]',
						path: `/api/metrics/${metric}?${q}`,
						accept: 'application/vnd.apache.arrow.stream'
					});
				}
				break;
			}
		}
		return out;
	}
	return { rand, visit };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A user's session: visit after visit, a think time after each request, until stopped or over budget. */
export async function runUser(
	vu: Vu,
	mix: RequestMix,
	run: { issue: (vu: Vu, req: Req) => Promise<void>; thinkMs: [number, number]; stopping: () => boolean; overBudget: () => boolean }
): Promise<void> {
	const [thinkMin, thinkMax] = run.thinkMs;
	await sleep(mix.rand() * 1000); // not all at once
	while (!run.stopping() && !run.overBudget()) {
		for (const req of mix.visit(vu)) {
			if (run.stopping()) return;
			await run.issue(vu, req);
			await sleep(thinkMin + mix.rand() * (thinkMax - thinkMin));
		}
	}
}
