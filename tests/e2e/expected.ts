/**
 * What the overview should show, worked out from the sample files themselves (not from the database
 * under test): rows per kind and the first and last day of each kind's date column.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import type { KindId } from '../../src/lib/shared/schema';
import { SAMPLE_LOADS } from './samples';

/** The column (as the samples head it) that each kind's coverage is counted by. */
const DATE_HEADER: Record<KindId, string> = {
	complaints: '受理时间',
	surveys: '调查日期',
	appraisals: '考核周期',
	traffic: '日期',
	staff: '入职日期',
	contacts: '进线时间',
	inspections: '质检日期'
};

export interface ExpectedCoverage {
	rows: number;
	from: string;
	to: string;
}

export function readSample(file: string): Record<string, string>[] {
	const bytes = readFileSync(resolve('data/samples', file));
	const text = new TextDecoder(file.includes('gbk') ? 'gbk' : 'utf-8').decode(bytes); // drops a BOM
	const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
	if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]?.message}`);
	return parsed.data;
}

/** 2025/1/3 9:05, 2025年2月15日, 2025-01 (a month: its first day), 2021/3/15 → YYYY-MM-DD. */
export function dayOf(value: string): string {
	const match = /^(\d{4})\s*[-/年]\s*(\d{1,2})(?:\s*[-/月]\s*(\d{1,2}))?/.exec(value.trim());
	if (!match) throw new Error(`not a date the test understands: ${value}`);
	const [, y, mo, d = '1'] = match;
	return `${y}-${mo!.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

function monthEnd(day: string): string {
	const [y, m] = day.split('-').map(Number) as [number, number];
	return `${y}-${String(m).padStart(2, '0')}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

export function expectedCoverage(): Record<KindId, ExpectedCoverage> {
	const out = {} as Record<KindId, ExpectedCoverage>;
	for (const { kind, file, outcome } of SAMPLE_LOADS) {
		if (outcome !== 'committed') continue;
		const rows = readSample(file);
		let days = rows.map((r) => dayOf(r[DATE_HEADER[kind]] ?? '')).sort();
		// An appraisal month covers the whole month: coverage runs to its last day.
		if (kind === 'appraisals') days = [days[0]!, monthEnd(days.at(-1)!)];
		const seen = out[kind];
		// Samples have unique keys, so rows of two files of one kind simply add up.
		out[kind] = {
			rows: (seen?.rows ?? 0) + rows.length,
			from: [seen?.from, days[0]].filter(Boolean).sort()[0]!,
			to: [seen?.to, days.at(-1)].filter(Boolean).sort().at(-1)!
		};
	}
	return out;
}

/** The columns (as the samples head them) holding a customer's name or phone, per kind retention erases. */
const PERSONAL_HEADERS = { complaints: ['投诉人', '联系电话'], contacts: ['客户电话'] } as const;

/**
 * Loaded sample complaints received (contacts arrived) before a day (YYYY-MM-DD) that hold a customer
 * name or phone: what data retention with that cutoff would erase.
 */
export function expectedCustomerDataBefore(day: string, kind: keyof typeof PERSONAL_HEADERS = 'complaints'): number {
	return SAMPLE_LOADS.filter((l) => l.kind === kind && l.outcome === 'committed')
		.flatMap((l) => readSample(l.file))
		.filter((r) => dayOf(r[DATE_HEADER[kind]] ?? '') < day && PERSONAL_HEADERS[kind].some((h) => (r[h] ?? '') !== '')).length;
}
