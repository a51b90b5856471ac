import type { Calibration, PairAgreement } from '$lib/features/inspections/types';
import { cohenKappa, fleissKappa, icc21 } from '$lib/shared/quality/agreement';
import { describe, reviewerLeniency, verdict } from '$lib/shared/quality/leniency';

/**
 * Calibration of inspectors (质检校准): the contacts scored by two or more inspectors are the calibration
 * sample. Agreement on the total: ICC(2,1) with its interval, per pair of inspectors (the same two raters on
 * every contact: the two-way model as Shrout & Fleiss define it) and over the whole sample (first and second
 * scoring of each contact as the two raters). Agreement on pass/fail and on fatal: Cohen's κ per pair,
 * Fleiss' κ over the sample (raters differ from contact to contact). Severity: each inspector's scores against
 * the others' on the same contacts, and overall against every other inspector's (the evaluations' leniency
 * test, shared/quality/leniency.ts); a verdict only when significant and n is enough.
 */

export interface ScoredInspection {
	id: string;
	contact: string | null;
	inspector: string;
	day: string;
	score: number;
	passed: boolean;
	fatal: boolean;
}

/** Contacts scored by at least two different inspectors: each inspector's first scoring, in time order. */
export function calibrationSample(rows: readonly ScoredInspection[]): ScoredInspection[][] {
	const byContact = new Map<string, ScoredInspection[]>();
	for (const r of rows) {
		if (!r.contact) continue;
		const list = byContact.get(r.contact) ?? byContact.set(r.contact, []).get(r.contact)!;
		if (!list.some((x) => x.inspector === r.inspector)) list.push(r);
	}
	return [...byContact.values()]
		.filter((l) => l.length >= 2)
		.map((l) => [...l].sort((x, y) => x.day.localeCompare(y.day) || x.id.localeCompare(y.id)));
}

const counts = (xs: readonly boolean[]) => [xs.filter(Boolean).length, xs.filter((x) => !x).length];

function fleissOf(sample: readonly ScoredInspection[][], flag: (r: ScoredInspection) => boolean): number | null {
	// Fleiss' κ needs the same number of raters per subject: the most common number in the sample
	const sizes = new Map<number, number>();
	for (const c of sample) sizes.set(c.length, (sizes.get(c.length) ?? 0) + 1);
	const m = [...sizes].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]?.[0];
	const rows = sample.filter((c) => c.length === m).map((c) => counts(c.map(flag)));
	return fleissKappa(rows)?.kappa ?? null;
}

/** the fewest shared contacts, and inspections overall, a severity verdict rests on */
export const MIN_SHARED = 20;
export const MIN_OVERALL = 30;

export function calibrate(rows: readonly ScoredInspection[], minShared = MIN_SHARED, minOverall = MIN_OVERALL): Calibration {
	const sample = calibrationSample(rows);
	const pairs = new Map<string, [ScoredInspection, ScoredInspection][]>();
	for (const c of sample) {
		for (let i = 0; i < c.length; i++)
			for (let j = i + 1; j < c.length; j++) {
				const [a, b] = [c[i]!, c[j]!].sort((x, y) => x.inspector.localeCompare(y.inspector));
				const key = `${a!.inspector}\u0000${b!.inspector}`;
				(pairs.get(key) ?? pairs.set(key, []).get(key)!).push([a!, b!]);
			}
	}
	const pairRows: PairAgreement[] = [...pairs.values()]
		.map((list) => ({
			a: list[0]![0].inspector,
			b: list[0]![1].inspector,
			contacts: list.length,
			icc: icc21(list.map(([x, y]) => [x.score, y.score])),
			passKappa: cohenKappa(list.map(([x, y]) => [x.passed, y.passed] as const))?.kappa ?? null,
			fatalKappa: cohenKappa(list.map(([x, y]) => [x.fatal, y.fatal] as const))?.kappa ?? null
		}))
		.sort((x, y) => y.contacts - x.contacts || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));

	const inspectors = [...new Set(rows.map((r) => r.inspector))].sort();
	const overall = new Map(
		reviewerLeniency(
			rows.map((r) => ({ reviewer: r.inspector, total: r.score, grade: r.passed ? 'pass' : 'fail' })),
			minOverall
		).map((c) => [c.reviewer, c])
	);
	return {
		contacts: sample.length,
		scorings: sample.reduce((a, c) => a + c.length, 0),
		icc: icc21(sample.map((c) => [c[0]!.score, c[1]!.score])),
		passKappa: fleissOf(sample, (r) => r.passed),
		fatalKappa: fleissOf(sample, (r) => r.fatal),
		pairs: pairRows,
		inspectors: inspectors.map((inspector) => {
			const shared = sample.filter((c) => c.some((r) => r.inspector === inspector));
			const mine = describe(shared.map((c) => c.find((r) => r.inspector === inspector)!.score));
			const others = describe(shared.flatMap((c) => c.filter((r) => r.inspector !== inspector).map((r) => r.score)));
			const v = verdict(mine, others, minShared);
			return {
				inspector,
				shared: { n: mine.n, diff: mine.n ? mine.mean - others.mean : null, p: v.test?.p ?? null, verdict: v.verdict },
				overall: overall.get(inspector)!
			};
		})
	};
}
