import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '$lib/server/core/db';
import { rowNumber, type DecodedInput } from '$pipelines/decode';
import { reason, type Locale } from '$pipelines/messages';
import { compileErrors, errorParams, type CompileInput } from '$pipelines/sql/compile';
import type { StoredError } from '$pipelines/store';

/** Reasons for each failing row, in the user's language, with the row's raw cells kept. */
export async function collectErrors(
	conn: DuckDBConnection,
	input: CompileInput,
	decoded: DecodedInput,
	constants: ReadonlyMap<string, string>,
	locale: Locale
): Promise<StoredError[]> {
	const rows = await queryRows<{
		_i: number;
		errs: { column: string | null; code: string; param: string | null }[];
		cells: (string | null)[];
	}>(conn, compileErrors(input), errorParams(input, decoded.sha256.slice(0, 12)));
	const byName = new Map(input.schema.columns.map((c) => [c.name, c]));
	const out: StoredError[] = [];
	for (const r of rows) {
		const rowNo = rowNumber(decoded, Number(r._i));
		for (const e of r.errs) {
			const spec = e.column ? byName.get(e.column) : undefined;
			const src = e.column ? input.sources[e.column] : undefined;
			const index = src?.from === 'column' ? src.index : undefined;
			const header = index !== undefined ? (decoded.header[index] ?? e.column) : e.column;
			const label = header && e.column && header !== e.column ? `${header}` : (header ?? e.column ?? '');
			// a bad constant from the mapping is shown as the value it gave
			const value =
				index !== undefined ? (r.cells[index] ?? null) : src?.from === 'constant' && e.column ? (constants.get(e.column) ?? null) : null;
			const params: Record<string, string | number> = { column: label, value: value ?? '' };
			if (e.code === 'row_short' || e.code === 'row_long') params.expected = input.stageColumns;
			if (spec?.min !== undefined) params.min = spec.min;
			if (spec?.max !== undefined) params.max = spec.max;
			if (spec?.enum) params.allowed = spec.enum.values.join('、');
			if (e.code === 'row_long') params.value = e.param ?? '';
			if (e.code === 'time_before') {
				const check = input.schema.checks?.find((c) => c.id === e.param);
				const other = check?.params?.other;
				const otherSrc = other ? input.sources[other] : undefined;
				params.other = otherSrc?.from === 'column' ? (decoded.header[otherSrc.index] ?? other ?? '') : (other ?? '');
			}
			if (e.code === 'total_mismatch') params.expected = e.param ?? '?';
			if (e.code.startsWith('inspection_')) params.detail = e.param ?? '';
			out.push({
				row: rowNo,
				column: label || null,
				value: e.code === 'row_long' ? e.param : value,
				code: e.code,
				params,
				reason: reason(e.code, params, locale),
				cells: r.cells
			});
		}
	}
	return out;
}
