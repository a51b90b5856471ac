/**
 * The cheap checks the browser runs over every row while it reads the file, for instant feedback
 * before the server's dry run (which runs the full engine and has the last word): empty required cells,
 * numbers that are not numbers or are off their scale, rows with too few or too many fields, and
 * non-numeric answers in survey extra-question columns. Pure, so the worker and the tests share it.
 */
export interface CheckColumn {
	index: number;
	header: string;
	type: 'required-text' | 'integer' | 'number' | 'extra';
	required: boolean;
	min?: number;
	max?: number;
	/** source value (trimmed) → replacement, from the mapping's `values` */
	values?: Record<string, string>;
}

export interface CheckSpec {
	fields: number;
	columns: CheckColumn[];
}

export interface ClientProblem {
	/** spreadsheet row (header = 1) */
	row: number;
	column: string | null;
	value: string | null;
	code: 'required' | 'integer_invalid' | 'number_invalid' | 'out_of_range' | 'row_short' | 'row_long' | 'extra_not_number';
	params: Record<string, string | number>;
}

const NUMBER = /^[+-]?\d+(\.\d+)?$/u;

/** Full-width digits, signs and spaces folded, as the engine folds codes and numbers. */
const fold = (s: string) => s.normalize('NFKC').trim();

export function checkRow(cells: readonly string[], row: number, spec: CheckSpec): ClientProblem[] {
	const out: ClientProblem[] = [];
	const filled = cells.filter((c) => c.trim() !== '').length;
	if (filled === 0) return out; // a blank row is skipped, not an error
	if (cells.length < spec.fields) out.push({ row, column: null, value: null, code: 'row_short', params: { expected: spec.fields } });
	if (cells.length > spec.fields && cells.slice(spec.fields).some((c) => c.trim() !== '')) {
		out.push({ row, column: null, value: cells.slice(spec.fields).join(','), code: 'row_long', params: { expected: spec.fields } });
	}
	for (const c of spec.columns) {
		const raw = cells[c.index] ?? '';
		let v = fold(raw);
		if (c.values && Object.hasOwn(c.values, raw.trim())) v = fold(c.values[raw.trim()]!);
		const params = { column: c.header, value: raw };
		if (v === '') {
			if (c.required) out.push({ row, column: c.header, value: raw, code: 'required', params });
			continue;
		}
		if (c.type === 'extra') {
			if (!NUMBER.test(v)) out.push({ row, column: c.header, value: raw, code: 'extra_not_number', params });
			continue;
		}
		if (c.type !== 'integer' && c.type !== 'number') continue;
		if (!NUMBER.test(v) || (c.type === 'integer' && v.includes('.'))) {
			out.push({ row, column: c.header, value: raw, code: c.type === 'integer' ? 'integer_invalid' : 'number_invalid', params });
			continue;
		}
		const n = Number(v);
		if ((c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)) {
			out.push({ row, column: c.header, value: raw, code: 'out_of_range', params: { ...params, min: c.min ?? '', max: c.max ?? '' } });
		}
	}
	return out;
}
