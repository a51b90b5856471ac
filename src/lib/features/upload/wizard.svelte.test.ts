import { describe, expect, it } from 'vitest';
import type { UploadSummary } from './types';
import { UploadWizard, type WizardContext } from './wizard.svelte';
import type { ParseResult } from './worker-protocol';

/** The wizard's transitions that need no worker and no server: refusing a file, which problems show, starting over. */
const context: WizardContext = { limitBytes: 2048, mappings: [] };

const parsed: ParseResult = {
	header: ['门店', '总体满意度'],
	rows: [['杭州湖滨店', '6']],
	rowCount: 3,
	delimiter: ',',
	samples: [['杭州湖滨店'], ['6']],
	numeric: [false, true],
	problems: [],
	problemRows: 0
};

const dryRun = (over: Partial<UploadSummary>): UploadSummary => ({
	batch_id: null,
	kind: 'surveys',
	status: 'dry-run',
	rows_read: 3,
	rows_loaded: 0,
	rows_rejected: 0,
	rows_collapsed: 0,
	rows_replaced: 0,
	rows_blank: 0,
	errors: [],
	error_groups: [],
	error_groups_total: 0,
	file_name: 'a.csv',
	encoding: 'utf-8',
	delimiter: ',',
	warnings: [],
	message: '',
	...over
});

describe('the upload wizard', () => {
	it('refuses a file over the upload limit before reading it, naming both sizes', async () => {
		const wizard = new UploadWizard(() => context);
		await wizard.choose(new File(['x'.repeat(3 * 1024)], 'big.csv'));
		expect(wizard.file).toBeNull();
		expect(wizard.parsing).toBeNull();
		expect(wizard.fileError).toContain('3 KB');
		expect(wizard.fileError).toContain('2 KB');
	});

	it("shows the browser's problems until the server answers, then the server's, and marks the preview cells", () => {
		const wizard = new UploadWizard(() => context);
		wizard.parsed = parsed;
		wizard.clientProblems = {
			problems: [{ row: 2, column: '门店', value: '', code: 'required', params: { column: '门店' } }],
			rows: 1
		};
		expect(wizard.shownProblems).toEqual([{ row: 2, column: '门店', value: '', reason: '「门店」不能为空' }]);
		expect(wizard.highlights.get('2:0')).toBe('「门店」不能为空');

		wizard.dryRun = dryRun({
			rows_rejected: 2,
			errors: [
				{ row: 2, column: '总体满意度', value: '6', reason: 'out of range', code: 'out_of_range' },
				{ row: 3, column: null, value: null, reason: 'short row', code: 'row_short' }
			]
		});
		expect(wizard.shownProblems.map((p) => p.row)).toEqual([2, 3]);
		expect([...wizard.highlights]).toEqual([
			['2:1', 'out of range'],
			['3:*', 'short row']
		]);
		expect(wizard.validRows).toBe(1);
	});

	it('starting over forgets the file, the mapping and the validation', () => {
		const wizard = new UploadWizard(() => context);
		wizard.parsed = parsed;
		wizard.appliedMapping = '四月门店问卷';
		wizard.dryRun = dryRun({});
		wizard.confirmPartial = true;
		wizard.startOver();
		expect(wizard.parsed).toBeNull();
		expect(wizard.appliedMapping).toBeNull();
		expect(wizard.dryRun).toBeNull();
		expect(wizard.confirmPartial).toBe(false);
		expect(wizard.blocked).toBe(true);
	});
});
