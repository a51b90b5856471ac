import { formatValue, periodLabel } from '$lib/shared/format';
import type { MetricUnit } from '$lib/shared/dashboard/types';
import type { UiLocale } from '$lib/shared/views';
import type { Signal, SpcResult } from './spc';
import type { DirectedVerdict } from './direction';

/**
 * Each signal in one plain sentence, in the user's language: which period, what the rule saw, the value
 * and the limit — "2025年3月超出控制上限：投诉率 1.90‰，上限 1.40‰". Pure: the server writes alert texts
 * with it, the page lists signals with it.
 */
export type QcGrain = 'week' | 'month';

export interface ExplainContext {
	metricName: string;
	unit: MetricUnit;
	grain: QcGrain;
	locale: UiLocale;
}

export function explainSignal(s: Signal, chart: SpcResult, ctx: ExplainContext): string {
	const pt = chart.points[s.index]!;
	const zh = ctx.locale === 'zh-CN';
	const p = periodLabel(pt.period, ctx.grain, ctx.locale);
	const v = formatValue(pt.value, ctx.unit, ctx.locale);
	const cl = formatValue(chart.centre, ctx.unit, ctx.locale);
	const above = s.side === 'above';
	switch (s.rule) {
		case 1:
			return zh
				? `${p}${above ? '超出控制上限' : '低于控制下限'}：${ctx.metricName} ${v}，${above ? '上限' : '下限'} ${formatValue(above ? pt.ucl : pt.lcl, ctx.unit, ctx.locale)}`
				: `${p} is ${above ? 'above the upper' : 'below the lower'} control limit: ${ctx.metricName} ${v}, limit ${formatValue(above ? pt.ucl : pt.lcl, ctx.unit, ctx.locale)}`;
		case 2:
			return zh
				? `${p}：连续 9 个点在中心线${above ? '上方' : '下方'}（中心线 ${cl}，本期 ${v}），过程水平可能已${above ? '升高' : '降低'}`
				: `${p}: nine points in a row ${above ? 'above' : 'below'} the centre line (${cl}; this period ${v}): the process level has probably ${above ? 'risen' : 'fallen'}`;
		case 3:
			return zh
				? `${p}：连续 6 个点持续${above ? '上升' : '下降'}（本期 ${v}），存在趋势`
				: `${p}: six points in a row steadily ${above ? 'rising' : 'falling'} (this period ${v}): a trend`;
		case 4:
			return zh
				? `${p}：连续 14 个点交替升降，可能有两个交替出现的来源（如轮班、两组人员）`
				: `${p}: fourteen points in a row alternating up and down: two alternating sources (shifts, teams) are likely`;
		case 5:
			return zh
				? `${p}：近 3 个点中有 2 个超出中心线${above ? '上方' : '下方'} 2σ（本期 ${v}），接近控制限`
				: `${p}: two of the last three points beyond 2σ ${above ? 'above' : 'below'} the centre line (this period ${v})`;
		case 6:
			return zh
				? `${p}：近 5 个点中有 4 个超出中心线${above ? '上方' : '下方'} 1σ（本期 ${v}），出现小幅偏移`
				: `${p}: four of the last five points beyond 1σ ${above ? 'above' : 'below'} the centre line (this period ${v}): a small shift`;
		case 7:
			return zh
				? `${p}：连续 15 个点都在 1σ 以内，波动异常小（控制限可能过宽或数据来自不同层）`
				: `${p}: fifteen points in a row within 1σ: unusually little variation (limits too wide, or stratified data)`;
		case 8:
			return zh
				? `${p}：连续 8 个点都在 1σ 以外（两侧都有），可能混合了不同来源的数据`
				: `${p}: eight points in a row beyond 1σ on both sides: probably a mixture of sources`;
	}
}

export function verdictText(v: DirectedVerdict, locale: UiLocale): string {
	const zh = locale === 'zh-CN';
	switch (v) {
		case 'in_control':
			return zh ? '受控' : 'In control';
		case 'signal':
			return zh ? '出现异常信号' : 'Signal';
		case 'improved':
			return zh ? '改善' : 'Improved';
		case 'insufficient':
			return zh ? '数据不足' : 'Too few points';
	}
}

/** The sentence under a chart when the points vary more than the model allows. */
export function dispersionText(chart: SpcResult, locale: UiLocale): string | null {
	if (!chart.overdispersed || chart.sigmaZ === null) return null;
	const sz = chart.sigmaZ.toFixed(2);
	const name = chart.kind === 'p' ? 'p′' : 'u′';
	if (locale === 'zh-CN') {
		return chart.laney
			? `检测到过度离散（σz = ${sz}）：分母很大时普通控制限过窄，几乎每个点都会报警，已改用 Laney ${name} 控制限（放宽 ${sz} 倍）。`
			: `检测到过度离散（σz = ${sz}）：普通控制限过窄，可改用 Laney ${name} 控制限。`;
	}
	return chart.laney
		? `Over-dispersion detected (σz = ${sz}): with such large denominators ordinary limits are too narrow and flag almost every point; Laney ${name} limits are used (widened ${sz}×).`
		: `Over-dispersion detected (σz = ${sz}): ordinary limits are too narrow; Laney ${name} limits are available.`;
}
