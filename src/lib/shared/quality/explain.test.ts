import { describe, expect, it } from 'vitest';
import { computeChart } from './spc';
import { dispersionText, explainSignal, verdictText } from './explain';

describe('signals in plain language', () => {
	const periods = Array.from({ length: 13 }, (_, i) => `2025-${String((i % 12) + 1).padStart(2, '0')}-01`).map((p, i) =>
		i === 12 ? '2026-01-01' : p
	);
	const chart = computeChart({
		kind: 'p',
		periods,
		values: [...Array(12).fill(10), 30],
		n: Array(13).fill(10_000),
		scale: 1000,
		rules: [1]
	});
	const s = chart.signals[0]!;
	it('rule 1 names the period, the metric, the value and the limit', () => {
		// p̄ = 0.001, UCL = 1 + 3·√(0.001·0.999/10000)·1000 = 1.95‰
		expect(explainSignal(s, chart, { metricName: '投诉率', unit: 'permille', grain: 'month', locale: 'zh-CN' })).toBe(
			'2026年1月超出控制上限：投诉率 3.00‰，上限 1.95‰'
		);
		expect(explainSignal(s, chart, { metricName: 'Complaint rate', unit: 'permille', grain: 'month', locale: 'en' })).toBe(
			'Jan 2026 is above the upper control limit: Complaint rate 3.00‰, limit 1.95‰'
		);
	});
	it('verdicts', () => {
		expect(['in_control', 'signal', 'insufficient'].map((v) => verdictText(v as never, 'zh-CN'))).toEqual([
			'受控',
			'出现异常信号',
			'数据不足'
		]);
		expect(verdictText('signal', 'en')).toBe('Signal');
	});
	it('says nothing about dispersion when there is none', () => expect(dispersionText(chart, 'zh-CN')).toBeNull());
});
