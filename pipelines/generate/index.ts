import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAppraisals, writeStaff } from './appraisals';
import { writeComplaints } from './complaints';
import { contactTruth, writeContacts } from './contacts';
import { writeInspections } from './inspections';
import type { OutputEncoding } from './csv';
import { makePeriod, makePlan } from './model';
import { buildRoster } from './roster';
import { writeSurveys } from './surveys';
import { buildTraffic, writeTraffic } from './traffic';
import { buildTruth, type Truth } from './truth';

export type { OutputEncoding } from './csv';
export type { Truth } from './truth';

export interface GenerateOptions {
	outDir: string;
	/** complaints over the whole period */
	scale: number;
	seed: number;
	encoding?: OutputEncoding;
	/** first day, YYYY-MM-DD */
	from?: string;
	days?: number;
	/** survey responses; default twice the complaints */
	surveys?: number;
	/** contacts (calls and chats) per complaint, about; default 20 */
	contactsPerComplaint?: number;
	/** progress lines (never part of the files) */
	log?: (line: string) => void;
}

export const DEFAULTS = {
	scale: 30_000,
	seed: 1,
	encoding: 'utf8' as OutputEncoding,
	from: '2024-01-01',
	days: 731,
	contactsPerComplaint: 20
};
export const FILES = {
	staff: 'staff.csv',
	traffic: 'traffic.csv',
	complaints: 'complaints.csv',
	surveys: 'surveys.csv',
	appraisals: 'appraisals.csv',
	contacts: 'contacts.csv',
	inspections: 'inspections.csv'
} as const;

/**
 * Writes the six CSV files and truth.json into `outDir`. Same options → byte-identical files:
 * every random draw comes from seeded streams, nothing depends on the clock or the machine.
 */
export async function generate(opts: GenerateOptions): Promise<Truth> {
	const encoding = opts.encoding ?? DEFAULTS.encoding;
	const period = makePeriod(opts.from ?? DEFAULTS.from, opts.days ?? DEFAULTS.days);
	const plan = makePlan(period, opts.scale);
	const surveyCount = opts.surveys ?? opts.scale * 2;
	const log = opts.log ?? (() => {});
	mkdirSync(opts.outDir, { recursive: true });
	const path = (name: string) => join(opts.outDir, name);

	const roster = buildRoster(opts.seed, period, plan);
	const staffRows = await writeStaff(path(FILES.staff), encoding, roster);
	log(`staff: ${staffRows}`);
	const traffic = buildTraffic(opts.seed, period, plan);
	const trafficRows = await writeTraffic(path(FILES.traffic), encoding, period, traffic);
	log(`traffic: ${trafficRows}`);
	const complaints = await writeComplaints(path(FILES.complaints), encoding, opts.seed, period, plan, traffic, roster, opts.scale);
	log(`complaints: ${complaints.rows}`);
	const surveys = await writeSurveys(path(FILES.surveys), encoding, opts.seed, period, plan, traffic, roster, surveyCount);
	log(`surveys: ${surveys.rows}`);
	const appraisals = await writeAppraisals(path(FILES.appraisals), encoding, opts.seed, period, roster);
	log(`appraisals: ${appraisals.rows}`);
	const perComplaint = opts.contactsPerComplaint ?? DEFAULTS.contactsPerComplaint;
	const contacts = await writeContacts(
		path(FILES.contacts),
		encoding,
		opts.seed,
		period,
		plan,
		traffic,
		roster,
		Math.round(opts.scale * perComplaint)
	);
	log(`contacts: ${contacts.rows}`);
	const inspections = await writeInspections(path(FILES.inspections), encoding, opts.seed, period, roster);
	log(`inspections: ${inspections.rows}`);

	const truth = buildTruth({
		seed: opts.seed,
		scale: opts.scale,
		encoding,
		period,
		plan,
		traffic,
		roster,
		complaints,
		surveys,
		appraisals,
		contacts: contactTruth(contacts, complaints.rows, period),
		inspections,
		files: {
			staff: { file: FILES.staff, rows: staffRows },
			traffic: { file: FILES.traffic, rows: trafficRows },
			complaints: { file: FILES.complaints, rows: complaints.rows },
			surveys: { file: FILES.surveys, rows: surveys.rows },
			appraisals: { file: FILES.appraisals, rows: appraisals.rows },
			contacts: { file: FILES.contacts, rows: contacts.rows },
			inspections: { file: FILES.inspections, rows: inspections.rows }
		}
	});
	writeFileSync(path('truth.json'), JSON.stringify(truth, null, 2) + '\n');
	return truth;
}
