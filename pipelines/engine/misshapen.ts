import { IngestFailure, type RowError } from '$lib/shared/schema/errors';
import type { MisshapenRecord } from '$pipelines/decode';
import { reason, type Locale } from '$pipelines/messages';

/** How many misshapen rows a refusal lists one by one; the rest are counted. */
export const MISSHAPEN_LISTED = 100;

/** The file is refused for several rows with another number of fields than the header: each is named. */
export class MisshapenRows extends IngestFailure {
	constructor(
		params: { count: number; expected: number },
		readonly rows: readonly MisshapenRecord[]
	) {
		super('file_malformed_rows', params);
	}

	/** One error per listed row, after the file's own. */
	rowErrors(locale: Locale): RowError[] {
		const expected = Number(this.params.expected);
		return this.rows.map((r) => {
			const params = { found: r.fields, expected };
			return {
				row: r.row,
				column: null,
				value: String(r.fields),
				code: 'row_fields',
				params,
				reason: reason('row_fields', params, locale)
			};
		});
	}
}
