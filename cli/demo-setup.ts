/**
 * What `npm run demo` sets up beside the data: a few sensible targets (so 目标 columns and target lines
 * show what they are for), the demo accounts as a table a person can read, and the browser that prints
 * PDF reports.
 */
import type { Database } from '../src/lib/server/core/db';
import { roleLabel } from '../src/lib/server/core/auth/commands';
import type { DemoAccount } from '../src/lib/server/core/auth/demo';
import { config } from '../src/lib/server/core/config';
import { queryMetric } from '../src/lib/server/metrics/query';
import { readAllTargets, saveScopedTarget } from '../src/lib/server/metrics/targets';
import { metricById } from '../src/lib/server/metrics/catalog';
import { addDays } from '../src/lib/shared/dashboard/range';
import { inLocale } from '../src/lib/shared/bilingual';
import { formatValue } from '../src/lib/shared/format';
import { CHROMIUM, INSTALL_COMMAND, installBrowser } from './browser';

/** Columns as wide as their widest cell; a CJK character takes two columns of a terminal. */
const width = (s: string) =>
	[...s].reduce(
		(n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1),
		0
	);
const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));

export function textTable(header: string[], rows: string[][]): string {
	const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
	const line = (cells: string[]) => `   ${cells.map((c, i) => pad(c, widths[i]!)).join('  ')}`.trimEnd();
	return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The demo accounts in Chinese: 用户名 / 密码 / 角色 / 门店 (and what else a tester needs to know). */
export function accountsTable(accounts: readonly (DemoAccount & { created: boolean })[]): string {
	return textTable(
		['用户名', '密码', '角色', '门店', '客户信息', '备注'],
		accounts.map((a) => [
			a.username,
			a.password,
			roleLabel(a.role, 'zh-CN'),
			a.stores?.join('、') ?? '全部门店',
			a.pii ? '可查看' : '打码',
			a.created ? '新建' : '已存在（若改过密码，以改后的为准）'
		])
	);
}

/**
 * Chain-wide targets a quality officer might set, in each metric's unit: the complaint rate at most 1‰, and
 * for CSAT, NPS and the two SLA compliance rates a round value a little better than the chain's last twelve
 * months, so some stores and months meet the target and some do not. A target already set is kept.
 */
export async function ensureDemoTargets(db: Database, lastDay: string): Promise<string[]> {
	const existing = new Set((await db.withConnection((c) => readAllTargets(c))).filter((t) => t.scope.kind === 'all').map((t) => t.metric));
	const year = { from: addDays(lastDay, -364), to: lastDay, grain: 'all', filters: {}, scope: null };
	const chain = async (metric: string) => Number((await queryMetric(db, { ...year, metric })).rows[0]?.value ?? NaN);
	const better = async (metric: string, step: number, by: number) => Math.min(100, Math.ceil(((await chain(metric)) + by) / step) * step);
	const wanted: [string, () => Promise<number>, number?][] = [
		['complaint_rate', async () => 1, 0.9],
		['csat', () => better('csat', 1, 1)],
		['nps', () => better('nps', 5, 2)],
		['sla_response_compliance', () => better('sla_response_compliance', 1, 1)],
		['sla_resolution_compliance', () => better('sla_resolution_compliance', 1, 1)]
	];
	const set: string[] = [];
	for (const [metric, value, warn] of wanted) {
		if (existing.has(metric)) continue;
		const v = await value();
		if (!Number.isFinite(v)) continue;
		// the rate's warning band: between 0.9‰ and 1‰ reads 预警 (a "lower" metric's band lies on its safe side)
		const saved = await db.withConnection((c) =>
			saveScopedTarget(c, { metric, scope: { kind: 'all', name: '' }, value: v, ...(warn ? { warn } : {}) }, { name: 'demo', ip: null })
		);
		if (saved.ok) set.push(`${inLocale(metricById(metric)!.label, 'zh-CN')} ${formatValue(v, metricById(metric)!.unit, 'zh-CN')}`);
	}
	return set;
}

/**
 * The browser that prints PDF reports: installed with apt-get when absent and this is root (as `npm test`
 * does); otherwise the demo says plainly what to install, and runs without PDF export.
 */
export function ensurePdfBrowser(): void {
	const path = config().chromiumPath;
	try {
		if (installBrowser(path === CHROMIUM ? CHROMIUM : path) === 'ready') return;
	} catch (e) {
		console.log(`   安装 chromium 失败（${e instanceof Error ? e.message.split('\n')[0] : String(e)}）。`);
	}
	console.log(`   PDF 导出需要 chromium 和中文字体，当前未安装。请执行：${INSTALL_COMMAND}`);
	console.log(`   （或用 CHROMIUM_PATH 指定已安装的浏览器）；其余功能不受影响。`);
}
