import { describe, expect, it } from 'vitest';
import { matchHeaders, parseMapping } from '$lib/shared/schema/mapping';
import { schemas } from '$lib/shared/schema';
import { checkRow } from './checks';
import { checkSpec, doubleTargets, draftFromMapping, missingRequired, proposeDraft, toMapping } from './mapping-draft';

const surveys = schemas.surveys;

describe('the upload page mapping draft', () => {
	const header = ['问卷编号', '日期', '门店名称', '总体满意度', 'Q7 停车便利'];
	const numeric = [false, false, false, true, true];

	it('proposes what the engine matches by itself; numeric unknown survey columns are extra questions', () => {
		const d = proposeDraft(surveys, header, numeric);
		expect(d.targets).toEqual(['response_id', 'submitted_at', '', 'overall', 'extra']);
		expect(missingRequired(surveys, d).map((c) => c.name)).toEqual(['store']);
	});

	it('one manual choice completes it, and the engine accepts the mapping it gives', () => {
		const d = proposeDraft(surveys, header, numeric);
		d.targets[2] = 'store';
		expect(missingRequired(surveys, d)).toEqual([]);
		const mapping = toMapping(header, d);
		expect(mapping.columns).toEqual({ 问卷编号: 'response_id', 日期: 'submitted_at', 门店名称: 'store', 总体满意度: 'overall' });
		const match = matchHeaders(surveys, header, parseMapping(mapping));
		expect(match.columns.get('store')).toBe(2);
		expect(match.unknown.map((u) => u.header)).toEqual(['Q7 停车便利']);
	});

	it('constants and a generated key stand in for missing columns; a saved mapping round-trips', () => {
		const somerville = ['Y', 'X1', 'X2'];
		const saved = {
			columns: { Y: 'overall' },
			values: { Y: { '1': '5', '0': '2' } },
			constants: { store: 'Somerville', submitted_at: '2015-06-01' },
			generate_key: true
		};
		const d = draftFromMapping(surveys, somerville, [true, true, true], saved);
		expect(d.targets).toEqual(['overall', 'extra', 'extra']);
		expect(missingRequired(surveys, d)).toEqual([]);
		expect(toMapping(somerville, d)).toEqual({ ...saved, constants: saved.constants, generate_key: true });
		// the value map is applied before the scale check
		const spec = checkSpec(surveys, somerville, d);
		expect(checkRow(['1', '3', '4'], 2, spec)).toEqual([]);
		expect(checkRow(['7', '3', 'x'], 3, spec).map((p) => p.code)).toEqual(['out_of_range', 'extra_not_number']);
	});

	it('flags a canonical column chosen twice', () => {
		const d = proposeDraft(surveys, header, numeric);
		d.targets[2] = 'overall';
		expect(doubleTargets(d)).toEqual(['overall']);
	});

	it('checks rows cheaply: required, integers, scale, field count', () => {
		const d = proposeDraft(surveys, header, numeric);
		d.targets[2] = 'store';
		const spec = checkSpec(surveys, header, d);
		expect(checkRow(['S1', '2025-03-01', '店', '５', '3'], 2, spec)).toEqual([]); // full-width 5 is 5
		expect(checkRow(['', '2025-03-01', '店', '6', '3'], 3, spec).map((p) => p.code)).toEqual(['required', 'out_of_range']);
		expect(checkRow(['S1', '2025-03-01', '店', '4.5'], 4, spec).map((p) => p.code)).toEqual(['row_short', 'integer_invalid']);
		expect(checkRow(['', '', '', '', ''], 5, spec)).toEqual([]);
	});
});
