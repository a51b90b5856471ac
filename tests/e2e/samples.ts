import type { KindId } from '../../src/lib/shared/schema';

export interface SampleLoad {
	kind: KindId;
	file: string;
	/** how data/samples/README.md says the load ends */
	outcome: 'committed' | 'rejected';
}

/** The sample files the e2e server loads, in this order (batch ids 1…7). */
export const SAMPLE_LOADS: readonly SampleLoad[] = [
	{ kind: 'staff', file: 'staff.csv', outcome: 'committed' },
	{ kind: 'traffic', file: 'traffic.csv', outcome: 'committed' },
	{ kind: 'complaints', file: 'complaints_gbk.csv', outcome: 'committed' },
	{ kind: 'surveys', file: 'surveys.csv', outcome: 'committed' },
	{ kind: 'appraisals', file: 'appraisals.csv', outcome: 'committed' },
	// 7 deliberate errors (README): the default all-or-nothing load rejects the whole file.
	{ kind: 'surveys', file: 'surveys_with_errors.csv', outcome: 'rejected' },
	// the contact centre's calls and chats of the same quarter (batch 7)
	{ kind: 'contacts', file: 'contacts.csv', outcome: 'committed' },
	{ kind: 'inspections', file: 'inspections.csv', outcome: 'committed' }
];

/** How long ago the e2e server's staff list was loaded (its batch is backdated): past the kind's 40-day cadence. */
export const STALE_STAFF_DAYS = 60;
