import { describe, expect, it } from 'vitest';
import {
	DEFAULT_SETTINGS,
	EQUAL_WEIGHTS,
	evaluatePeriod,
	gradeDistribution,
	gradeOf,
	guidelineBreaches,
	monthsOf,
	periodOfMonth,
	previousPeriod,
	rankTable,
	ranks,
	starCandidates,
	weightedTotal,
	weightsFor,
	weightsValid,
	type AppraisalRow,
	type ComponentScores,
	type Evaluation,
	type WeightRule
} from './model';

const S = DEFAULT_SETTINGS;
const row = (
	staffId: string,
	period: string,
	scores: [number, number, number, number, number],
	extra: Partial<AppraisalRow> = {}
): AppraisalRow => ({
	staffId,
	staffName: `员工${staffId}`,
	period,
	store: '南京新街口店',
	department: '客服中心',
	position: '客服专员',
	business_ability: scores[0],
	communication: scores[1],
	teamwork: scores[2],
	service_attitude: scores[3],
	discipline: scores[4],
	fileTotal: scores.reduce((a, b) => a + b, 0) / 5,
	reviewer: '周建国',
	comment: null,
	...extra
});

describe('periods', () => {
	it('lists the months of a period and finds the one before', () => {
		expect(monthsOf('2025-Q2')).toEqual(['2025-04', '2025-05', '2025-06']);
		expect(monthsOf('2025')).toHaveLength(12);
		expect(monthsOf('2025-03')).toEqual(['2025-03']);
		expect(previousPeriod('2025-01')).toBe('2024-12');
		expect(previousPeriod('2025-Q1')).toBe('2024-Q4');
		expect(previousPeriod('2025-Q3')).toBe('2025-Q2');
		expect(previousPeriod('2025')).toBe('2024');
		expect(periodOfMonth('quarter', '2025-11')).toBe('2025-Q4');
	});
});

describe('weights and totals', () => {
	const rules: WeightRule[] = [
		{ position: '*', effectiveFrom: '2000-01', weights: EQUAL_WEIGHTS },
		{
			position: '客服专员',
			effectiveFrom: '2025-01',
			weights: { business_ability: 30, communication: 20, teamwork: 10, service_attitude: 30, discipline: 10 }
		},
		{
			position: '客服专员',
			effectiveFrom: '2025-04',
			weights: { business_ability: 40, communication: 20, teamwork: 10, service_attitude: 20, discipline: 10 }
		}
	];
	it('takes the newest rule of the position effective at the period start, else the * rule', () => {
		expect(weightsFor(rules, '客服专员', '2024-12')).toBe(EQUAL_WEIGHTS); // before the position's first rule
		expect(weightsFor(rules, '客服专员', '2025-03').business_ability).toBe(30);
		expect(weightsFor(rules, '客服专员', '2025-Q2').business_ability).toBe(40); // Q2 starts 2025-04
		expect(weightsFor(rules, '客服专员', '2025').business_ability).toBe(30); // the year starts 2025-01
		expect(weightsFor(rules, '主管', '2025-06')).toBe(EQUAL_WEIGHTS);
		expect(weightsFor([], null, '2025-06')).toEqual(EQUAL_WEIGHTS);
	});
	it('computes the weighted total by hand', () => {
		// scores 80, 90, 70, 100, 60 with 30/20/10/30/10:
		// (80·30 + 90·20 + 70·10 + 100·30 + 60·10) / 100 = (2400 + 1800 + 700 + 3000 + 600) / 100 = 85.00
		const s = { business_ability: 80, communication: 90, teamwork: 70, service_attitude: 100, discipline: 60 };
		expect(weightedTotal(s, rules[1]!.weights)).toBe(85);
		// equal weights: (80 + 90 + 70 + 100 + 60) / 5 = 80
		expect(weightedTotal(s, EQUAL_WEIGHTS)).toBe(80);
		// 85, 86, 87, 88, 89 with 40/20/10/20/10: (3400 + 1720 + 870 + 1760 + 890)/100 = 86.40
		expect(
			weightedTotal({ business_ability: 85, communication: 86, teamwork: 87, service_attitude: 88, discipline: 89 }, rules[2]!.weights)
		).toBe(86.4);
		expect(weightedTotal({ ...s, teamwork: null }, EQUAL_WEIGHTS)).toBeNull();
		// a dimension with weight 0 may be missing
		expect(weightedTotal({ ...s, teamwork: null }, { ...EQUAL_WEIGHTS, teamwork: 0, discipline: 40 })).toBe(
			(80 * 20 + 90 * 20 + 100 * 20 + 60 * 40) / 100
		);
	});
	it('accepts weights summing to 100 only', () => {
		expect(weightsValid(EQUAL_WEIGHTS)).toBe(true);
		expect(weightsValid({ ...EQUAL_WEIGHTS, discipline: 30 })).toBe(false);
		expect(weightsValid({ ...EQUAL_WEIGHTS, discipline: -20, teamwork: 60 })).toBe(false);
	});
});

describe('grade bands', () => {
	it('puts the bounds in the higher band (A ≥ 90, B ≥ 80, C ≥ 60, D below)', () => {
		expect([90, 89.99, 80, 79.99, 60, 59.99, 0, 100].map((t) => gradeOf(t, S.bands))).toEqual(['A', 'B', 'B', 'C', 'C', 'D', 'D', 'A']);
		expect(gradeOf(85, { A: 85, B: 75, C: 50 })).toBe('A');
	});
});

describe('period roll-up', () => {
	const rows = [
		row('S1', '2025-01', [80, 80, 80, 80, 80]), // 80
		row('S1', '2025-02', [90, 90, 90, 90, 90]), // 90
		row('S1', '2025-03', [85, 85, 85, 85, 85]), // 85 → quarter mean (80 + 90 + 85)/3 = 85
		row('S2', '2025-01', [70, 70, 70, 70, 70]), // one month only: under the minimum of 2, no quarter result
		row('S3', '2025-01', [60, 60, 60, 60, 60]),
		row('S3', '2025-03', [71, 71, 71, 71, 71]), // two months: (60 + 71)/2 = 65.5, rests on 2 of 3 months
		row('S4', '2025-01', [50, 50, 50, 50, 50]),
		row('S4', '2025-02', [50, 50, 50, 50, 50]),
		row('S4', '2025-Q1', [95, 95, 95, 95, 95], { reviewer: '沈丽华' }) // the quarter's own row wins over its months
	];
	it('means the months, needs the minimum, lets a row of the period win', () => {
		const q = evaluatePeriod(rows, '2025-Q1', [], S);
		const by = new Map(q.map((e) => [e.staffId, e]));
		expect([...by.keys()].sort()).toEqual(['S1', 'S3', 'S4']);
		expect(by.get('S1')).toMatchObject({ total: 85, grade: 'B', source: 'months', months: 3, business_ability: 85 });
		expect(by.get('S3')).toMatchObject({ total: 65.5, grade: 'C', months: 2 });
		expect(by.get('S4')).toMatchObject({ total: 95, grade: 'A', source: 'row', reviewers: ['沈丽华'] });
		// minimum 1 month: S2 gets its one month
		expect(
			evaluatePeriod(rows, '2025-Q1', [], { ...S, rollupMinMonths: { quarter: 1, year: 1 } }).find((e) => e.staffId === 'S2')?.total
		).toBe(70);
	});
	it('scores each month with the weights in force that month', () => {
		// S9 scores 100,60,60,60,60 both months. Jan: equal → 68; Feb: business 60% → (6000 + 4·60·10)/100 = 84
		const rules: WeightRule[] = [
			{
				position: '客服专员',
				effectiveFrom: '2025-02',
				weights: { business_ability: 60, communication: 10, teamwork: 10, service_attitude: 10, discipline: 10 }
			}
		];
		const list = [
			row('S9', '2025-01', [100, 60, 60, 60, 60], { fileTotal: 68 }),
			row('S9', '2025-02', [100, 60, 60, 60, 60], { fileTotal: 68 })
		];
		const [jan] = evaluatePeriod(list, '2025-01', rules, S);
		const [feb] = evaluatePeriod(list, '2025-02', rules, S);
		expect(jan!.total).toBe(68);
		expect(jan!.fileTotalMismatch).toBeNull();
		expect(feb!.total).toBe(84);
		expect(feb!.fileTotalMismatch).toBe(68); // the file said 68, the weights say 84: reported
		// quarter: (68 + 84)/2 = 76 → C, under the warning threshold
		expect(evaluatePeriod(list, '2025-Q1', rules, S)[0]).toMatchObject({ total: 76, grade: 'C' });
	});
});

const ev = (staffId: string, total: number, extra: Partial<Evaluation> = {}): Evaluation => ({
	staffId,
	staffName: staffId,
	period: '2025-03',
	store: '甲店',
	department: '客服中心',
	position: null,
	business_ability: total,
	communication: total,
	teamwork: total,
	service_attitude: total,
	discipline: total,
	total,
	grade: gradeOf(total, S.bands),
	source: 'row',
	months: 1,
	reviewers: [],
	comments: [],
	fileTotalMismatch: null,
	...extra
});

describe('ranks, warnings and swings', () => {
	it('ranks with ties as 1, 2, 2, 4 within each group', () => {
		const r = ranks([ev('a', 90), ev('b', 85), ev('c', 85), ev('d', 70), ev('e', 99, { store: '乙店' })], 'store');
		expect(Object.fromEntries(r)).toEqual({ a: 1, b: 2, c: 2, d: 4, e: 1 });
	});
	it('gives the rank change, the swing, the warning streak and the few-data flag', () => {
		const settings = { ...S, minGroupSize: 3 };
		const now = [ev('a', 92), ev('b', 78), ev('c', 85)];
		const before = [ev('a', 80, { period: '2025-02' }), ev('b', 79, { period: '2025-02' }), ev('c', 88, { period: '2025-02' })];
		const older = [ev('b', 75, { period: '2025-01' })];
		const t = new Map(rankTable(now, before, [before, older], 'all', settings).map((r) => [r.staffId, r]));
		// before: c 1, a 2, b 3; now: a 1, c 2, b 3
		expect(t.get('a')).toMatchObject({
			rank: 1,
			rankChange: 1,
			previousTotal: 80,
			swing: 12,
			warning: false,
			warningStreak: 0,
			fewData: false
		});
		expect(t.get('c')).toMatchObject({ rank: 2, rankChange: -1, swing: null });
		// b: under 80 now (78), in February (79) and January (75): three periods running
		expect(t.get('b')).toMatchObject({ rank: 3, rankChange: 0, warning: true, warningStreak: 3, swing: null });
		// a group of 2 under the minimum of 3: flagged
		expect(rankTable(now.slice(0, 2), [], [], 'all', settings).every((r) => r.fewData)).toBe(true);
	});
	it('warns under the threshold only (80 itself is no warning)', () => {
		const t = rankTable([ev('x', 80), ev('y', 79.99)], [], [], 'all', S);
		expect(t.find((r) => r.staffId === 'x')!.warning).toBe(false);
		expect(t.find((r) => r.staffId === 'y')!.warning).toBe(true);
	});
});

describe('服务之星 and the distribution guideline', () => {
	it('picks high totals with no complaints and good, sufficient survey results', () => {
		const evals = [ev('a', 95), ev('b', 96), ev('c', 93), ev('d', 97), ev('e', 89.9)];
		const evidence = new Map([
			['a', { complaints: 0, responses: 5, csat: 100 }], // star
			['b', { complaints: 1, responses: 9, csat: 100 }], // a complaint against them
			['c', { complaints: 0, responses: 4, csat: 75 }], // CSAT under 80
			['d', { complaints: 0, responses: 2, csat: 100 }], // too few responses (minimum 3)
			['e', { complaints: 0, responses: 9, csat: 100 }] // total under 90
		]);
		expect(starCandidates(evals, evidence, S).map((s) => s.staffId)).toEqual(['a']);
	});
	it('compares the A share with the guideline', () => {
		// 1 A of 4 = 25% > 20%
		const dist = gradeDistribution([ev('a', 95), ev('b', 85), ev('c', 70), ev('d', 50)]);
		expect(dist.map((d) => [d.grade, d.count, d.share])).toEqual([
			['A', 1, 25],
			['B', 1, 25],
			['C', 1, 25],
			['D', 1, 25]
		]);
		expect(guidelineBreaches(dist, S)).toEqual(['max_a']);
		expect(guidelineBreaches(dist, { ...S, guidelineMaxA: 25, guidelineMinCD: 60 })).toEqual(['min_cd']);
	});
});

describe('optional components (QA score, FCR)', () => {
	const rules: WeightRule[] = [
		{ position: '*', effectiveFrom: '2000-01', weights: EQUAL_WEIGHTS },
		{
			position: '*',
			effectiveFrom: '2025-02',
			weights: { business_ability: 14, communication: 14, teamwork: 14, service_attitude: 14, discipline: 14 },
			components: { qa_score: 20, fcr: 10 }
		}
	];
	// A: QA mean (90·2 + 60·1)/3 = 80 over February's three inspections, FCR 70 % over 10 contacts; B: FCR only; C: neither
	const scores: ComponentScores = new Map([
		['A', new Map([['2025-02', { qa_score: { sum: 240, n: 3 }, fcr: { sum: 700, n: 10 } }]])],
		['B', new Map([['2025-02', { fcr: { sum: 450, n: 5 } }]])]
	]);
	const rows = ['A', 'B', 'C'].flatMap((id) => [row(id, '2025-01', [80, 80, 80, 80, 80]), row(id, '2025-02', [90, 90, 90, 90, 90])]);
	const total = (period: string, id: string, c?: ComponentScores) =>
		evaluatePeriod(rows, period, rules, S, c).find((e) => e.staffId === id)!.total;

	it('weights the components present and renormalises over those missing', () => {
		// A: (70·90 + 20·80 + 10·70) / 100 = 86
		expect(total('2025-02', 'A', scores)).toBe(86);
		// B, no inspection: (70·90 + 10·90) / 80 = 90
		expect(total('2025-02', 'B', scores)).toBe(90);
		// C, neither: the appraisal alone
		expect(total('2025-02', 'C', scores)).toBe(90);
		// before the rule, and without component data at all, nothing changes
		expect(total('2025-01', 'A', scores)).toBe(80);
		expect(total('2025-02', 'A')).toBe(90);
	});

	it('checks the sum with the components and keeps weight on the appraisal', () => {
		expect(weightsValid(rules[1]!.weights, rules[1]!.components)).toBe(true);
		expect(weightsValid(rules[1]!.weights)).toBe(false);
		const none = { business_ability: 0, communication: 0, teamwork: 0, service_attitude: 0, discipline: 0 };
		expect(weightsValid(none, { qa_score: 50, fcr: 50 })).toBe(false);
	});
});
