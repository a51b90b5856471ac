import { describe, expect, it } from 'vitest';
import { IngestFailure } from '$lib/shared/schema/errors';
import { matchHeaders, normalizeHeader, parseMapping } from '$lib/shared/schema/mapping';
import { schemas } from '$lib/shared/schema';

const none = parseMapping(undefined);

function failure(fn: () => unknown): IngestFailure {
	try {
		fn();
	} catch (e) {
		if (e instanceof IngestFailure) return e;
		throw e;
	}
	throw new Error('expected an IngestFailure');
}

describe('normalizeHeader', () => {
	it('is case-, width- and space-insensitive', () => {
		expect(normalizeHeader('Complaint ID')).toBe('complaintid');
		expect(normalizeHeader('complaint_id')).toBe('complaintid');
		expect(normalizeHeader(' COMPLAINT  ID ')).toBe('complaintid');
		expect(normalizeHeader('ＣＯＭＰＬＡＩＮＴ　ＩＤ')).toBe('complaintid');
		expect(normalizeHeader('投诉 编号')).toBe('投诉编号');
		expect(normalizeHeader('投诉编号\u3000')).toBe('投诉编号');
	});
	it('drops BOM and zero-width characters', () => {
		expect(normalizeHeader('\uFEFF问卷编号')).toBe('问卷编号');
		expect(normalizeHeader('门\u200B店')).toBe('门店');
	});
});

describe('matchHeaders', () => {
	it('matches Chinese aliases, canonical names and English aliases regardless of case, width and spaces', () => {
		const header = ['投诉编号', ' 受理时间 ', 'STORE', 'Submitted Via', 'Customer_Phone', '内容摘要'];
		const m = matchHeaders(schemas.complaints, header, none);
		expect(Object.fromEntries(m.columns)).toEqual({
			complaint_id: 0,
			received_at: 1,
			store: 2,
			channel: 3,
			customer_phone: 4,
			summary: 5
		});
		expect(m.unknown).toEqual([]);
	});

	it('reports unknown columns instead of dropping them silently', () => {
		const m = matchHeaders(schemas.traffic, ['日期', '门店', '交易笔数', '天气'], none);
		expect(m.unknown).toEqual([{ index: 3, header: '天气' }]);
	});

	it('an explicit mapping wins over aliases and can ignore columns', () => {
		const mapping = parseMapping({ columns: { 编号: 'complaint_id', 日期: 'received_at', 店: 'store', 等级: 'ignore' } });
		const m = matchHeaders(schemas.complaints, ['编号', '日期', '店', '等级'], mapping);
		expect(Object.fromEntries(m.columns)).toEqual({ complaint_id: 0, received_at: 1, store: 2 });
		expect(m.ignored).toEqual([{ index: 3, header: '等级' }]);
	});

	it('the explicit mapping matches source headers like the aliases do (case, width, space)', () => {
		const mapping = parseMapping({ columns: { 'ticket no': 'complaint_id', WHEN: 'received_at', shop: 'store' } });
		const m = matchHeaders(schemas.complaints, ['Ticket_No', 'when', 'ＳＨＯＰ'], mapping);
		expect(Object.fromEntries(m.columns)).toEqual({ complaint_id: 0, received_at: 1, store: 2 });
	});

	it('accepts the flat mapping form {source: canonical}', () => {
		const mapping = parseMapping({ 单号: 'complaint_id', 时间: 'received_at', 店名: 'store' });
		expect(mapping.columns).toEqual({ 单号: 'complaint_id', 时间: 'received_at', 店名: 'store' });
		expect(mapping.generate_key).toBe(false);
		const m = matchHeaders(schemas.complaints, ['单号', '时间', '店名'], mapping);
		expect(Object.fromEntries(m.columns)).toEqual({ complaint_id: 0, received_at: 1, store: 2 });
	});

	it('rejects a duplicate header, naming it and both positions', () => {
		const e = failure(() => matchHeaders(schemas.traffic, ['日期', '门店', '交易笔数', ' 门店'], none));
		expect(e.code).toBe('header_duplicate');
		expect(e.params).toMatchObject({ column: ' 门店', first: 2, second: 4 });
		expect(e.unreadable).toBe(false);
	});

	it('rejects missing required columns, naming each one and listing the columns found', () => {
		const e = failure(() => matchHeaders(schemas.complaints, ['投诉编号', '投诉渠道'], none));
		expect(e.code).toBe('columns_missing');
		expect(String(e.params.columns)).toContain('received_at');
		expect(String(e.params.columns)).toContain('store');
		expect(String(e.params.columns)).not.toContain('complaint_id');
		expect(e.params.found).toBe('投诉编号、投诉渠道');
	});

	it('a constant satisfies a required column, and a source column for it becomes unknown', () => {
		const mapping = parseMapping({ constants: { store: '车质网' } });
		const m = matchHeaders(schemas.complaints, ['投诉编号', '投诉时间', '门店'], mapping);
		expect(m.constants.get('store')).toBe('车质网');
		expect(m.columns.has('store')).toBe(false);
		expect(m.unknown).toEqual([{ index: 2, header: '门店' }]);
	});

	it('generate_key makes the key column optional and drops a matched key column', () => {
		const mapping = parseMapping({ generate_key: true, constants: { store: 'A店', submitted_at: '2025-01-01' } });
		const m = matchHeaders(schemas.surveys, ['编号', '总体满意度'], mapping);
		expect(m.generatedKey).toBe('response_id');
		expect(m.columns.has('response_id')).toBe(false);
		expect(m.columns.get('overall')).toBe(1);
	});

	it('generate_key is refused for a composite key', () => {
		const e = failure(() => matchHeaders(schemas.traffic, ['日期', '门店', '交易笔数'], parseMapping({ generate_key: true })));
		expect(e.code).toBe('mapping_generate_key_composite');
	});

	it('a mapping to a column the kind does not have is refused, listing the allowed ones', () => {
		const e = failure(() => matchHeaders(schemas.traffic, ['日期'], parseMapping({ columns: { 日期: 'day' } })));
		expect(e.code).toBe('mapping_unknown_column');
		expect(String(e.params.allowed)).toContain('transactions');
		const c = failure(() => matchHeaders(schemas.traffic, ['日期'], parseMapping({ constants: { weather: 'sunny' } })));
		expect(c.code).toBe('mapping_unknown_column');
	});

	it('two source columns for one canonical column: the first wins unless one is mapped explicitly', () => {
		const a = matchHeaders(schemas.complaints, ['投诉编号', '投诉时间', '受理时间', '门店'], none);
		expect(a.columns.get('received_at')).toBe(1);
		expect(a.unknown).toEqual([{ index: 2, header: '受理时间' }]);
		const b = matchHeaders(
			schemas.complaints,
			['投诉编号', '投诉时间', '受理时间', '门店'],
			parseMapping({ columns: { 受理时间: 'received_at' } })
		);
		expect(b.columns.get('received_at')).toBe(2);
	});

	it('an empty header cell (a pandas index) is neither a duplicate nor a match', () => {
		const m = matchHeaders(schemas.complaints, ['', 'id', '投诉时间', '门店', ''], none);
		expect(m.columns.get('complaint_id')).toBe(1);
		expect(m.unknown.map((u) => u.index)).toEqual([0, 4]);
	});
});

describe('parseMapping', () => {
	it('fills defaults for the full form', () => {
		expect(parseMapping({ columns: { a: 'store' } })).toEqual({ columns: { a: 'store' }, constants: {}, generate_key: false, values: {} });
	});
	it('refuses what is not a mapping', () => {
		expect(failure(() => parseMapping([1, 2])).code).toBe('mapping_invalid');
		expect(failure(() => parseMapping('x')).code).toBe('mapping_invalid');
		expect(failure(() => parseMapping({ columns: { a: 1 } })).code).toBe('mapping_invalid');
		expect(failure(() => parseMapping({ date_order: 'ymd' })).code).toBe('mapping_invalid');
	});
});
