import type { Icc } from '$lib/shared/quality/agreement';
import type { ReviewerCheck, Verdict } from '$lib/shared/quality/leniency';

/** The 质检 page's data shapes, shared by the server half (server/features/inspections) and the page. */

export interface PairAgreement {
	a: string;
	b: string;
	contacts: number;
	icc: Icc | null;
	passKappa: number | null;
	fatalKappa: number | null;
}

export interface InspectorSeverity {
	inspector: string;
	/** on contacts shared with others: this inspector's mean score minus the others' on the same contacts */
	shared: { n: number; diff: number | null; p: number | null; verdict: Verdict };
	/** overall: the leniency test of the evaluations against every other inspector's inspections */
	overall: ReviewerCheck;
}

export interface Calibration {
	contacts: number;
	scorings: number;
	icc: Icc | null;
	passKappa: number | null;
	fatalKappa: number | null;
	pairs: PairAgreement[];
	inspectors: InspectorSeverity[];
}

export interface Figure {
	value: number | null;
	n: number;
	low: number | null;
	high: number | null;
	lowSample: boolean;
}

export interface FatalRow {
	id: string;
	day: string;
	staffId: string;
	store: string;
	inspector: string;
	type: string | null;
	contact: string | null;
}

export interface WorkloadRow {
	inspector: string;
	count: number;
	mean: number;
	passRate: number;
}

export interface NextContacts {
	available: boolean;
	byAgent: { staffId: string; contacts: string[] }[];
}
