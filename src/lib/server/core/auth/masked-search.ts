import { DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { maskFreeText } from './masking';

/**
 * Search over what a user without pii sees. The drill-downs mask free text in JS (`maskFreeText`); a
 * search must match that masked text, not the stored one, or a few dozen searches rebuild a masked phone
 * digit by digit. Rather than a second copy of the masking rules in SQL (two rule sets that would drift
 * apart), the same JS function is registered as a DuckDB scalar function on the drill-down's connection,
 * and the search condition reads it. It is called only on texts masking can change — those with a digit
 * or with the last character of the row's customer name — so a search over ordinary text stays plain SQL.
 */
export const MASKED_TEXT_FN = 'sqa_masked_text';

/** Seven digits with at most three separators between each two: what a phone in any written form has. */
const SEVEN_DIGITS = '[0-9０-９](?:[^0-9０-９]{0,3}[0-9０-９]){6}';

/** SQL: the masked form of `text` (a non-null VARCHAR expression) for a row whose customer name is `name` (may be NULL). */
export function maskedTextSql(text: string, name: string | null): string {
	const mayChange = [`regexp_matches(${text}, '${SEVEN_DIGITS}')`];
	if (name) mayChange.push(`(${name} IS NOT NULL AND contains(lower(${text}), lower(right(trim(${name}), 1))))`);
	return `(CASE WHEN ${mayChange.join(' OR ')} THEN ${MASKED_TEXT_FN}(${text}, ${name ?? 'NULL::VARCHAR'}) ELSE ${text} END)`;
}

/** Registers `sqa_masked_text(text, name)` on a connection (per connection: DuckDB functions are not global). */
export function registerMaskedText(conn: DuckDBConnection): void {
	conn.registerScalarFunction(
		DuckDBScalarFunction.create({
			name: MASKED_TEXT_FN,
			returnType: VARCHAR,
			parameterTypes: [VARCHAR, VARCHAR],
			specialHandling: true,
			mainFunction: (_info, input, output) => {
				const texts = input.getColumnVector(0);
				const names = input.getColumnVector(1);
				for (let i = 0; i < input.rowCount; i++) {
					const text = texts.getItem(i) as string | null;
					output.setItem(i, text === null ? null : maskFreeText(text, names.getItem(i) as string | null));
				}
				output.flush();
			}
		})
	);
}

/** Characters only a mask writes (stars, the dash of 010-****, the digits it keeps or folds from full width, the / between numbers). */
const MASK_OUTPUT = /[*0-9０-９\-/]/u;

/**
 * SQL: `text` contains the search `param` (case-insensitive), as the user sees the text. With `masked`
 * the masked text is searched; when the search has none of the characters a mask writes, a match in
 * the masked text is also a match in the stored one (masks only replace, keeping at most a surname), so
 * the stored text is tested first and only its matches are masked and tested again.
 */
export function searchSql(text: string, name: string | null, param: string, search: string, masked: boolean): string {
	const plain = `contains(lower(${text}), lower(${param}))`;
	if (!masked) return plain;
	const inMasked = `contains(lower(${maskedTextSql(text, name)}), lower(${param}))`;
	return MASK_OUTPUT.test(search) ? inMasked : `(${plain} AND ${inMasked})`;
}
