import { m } from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/shared/views';
import { numberFormat } from '$lib/shared/format';
import { cycleOf, type Cycle, type EvalComponent, type EvalDimension } from './model';
import type { Verdict } from '$lib/shared/quality/leniency';

/** Words for the evaluation pages, the export and the report, in the user's language. */
type Msg = (inputs?: Record<string, never>, options?: { locale?: UiLocale }) => string;

const DIMENSION: Record<EvalDimension, Msg> = {
	business_ability: m.eval_dim_business_ability,
	communication: m.eval_dim_communication,
	teamwork: m.eval_dim_teamwork,
	service_attitude: m.eval_dim_service_attitude,
	discipline: m.eval_dim_discipline
};
export const dimensionLabel = (d: EvalDimension) => DIMENSION[d]();

const COMPONENT: Record<EvalComponent, Msg> = { qa_score: m.eval_comp_qa_score, fcr: m.eval_comp_fcr };
export const componentLabel = (c: EvalComponent) => COMPONENT[c]();

const CYCLE: Record<Cycle, Msg> = { month: m.eval_cycle_month, quarter: m.eval_cycle_quarter, year: m.eval_cycle_year };
export const cycleLabel = (c: Cycle) => CYCLE[c]();

const VERDICT: Record<Verdict, Msg> = {
	higher: m.eval_verdict_higher,
	lower: m.eval_verdict_lower,
	noise: m.eval_verdict_noise,
	too_few: m.eval_verdict_too_few
};
export const verdictLabel = (v: Verdict) => VERDICT[v]();

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2025-03 → 2025年3月 / Mar 2025; 2025-Q1 → 2025年第1季度 / Q1 2025; 2025 → 2025年 / 2025. */
export function evalPeriodLabel(period: string, locale: UiLocale): string {
	const y = period.slice(0, 4);
	switch (cycleOf(period)) {
		case 'month': {
			const mo = Number(period.slice(5, 7));
			return locale === 'zh-CN' ? `${y}年${mo}月` : `${MONTHS_EN[mo - 1]} ${y}`;
		}
		case 'quarter':
			return locale === 'zh-CN' ? `${y}年第${period.slice(6)}季度` : `Q${period.slice(6)} ${y}`;
		case 'year':
			return locale === 'zh-CN' ? `${y}年` : y;
		default:
			return period;
	}
}

export const fmt1 = (v: number | null | undefined, locale: UiLocale) =>
	v === null || v === undefined || !Number.isFinite(v)
		? '–'
		: numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
export const fmtP = (p: number | null | undefined) => (p === null || p === undefined ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** Below this a p-value is beyond double precision (the t distribution's tail gives 0): written "< 1e-16", never 0. */
export const P_FLOOR = 1e-16;

/** A p-value for an export: the number, or "< 1e-16" where the computation reaches 0. */
export const exportP = (p: number | null | undefined): number | string | null =>
	p === null || p === undefined ? null : p < P_FLOOR ? '< 1e-16' : p;
