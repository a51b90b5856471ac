import { tick } from 'svelte';
import { m } from '$lib/paraglide/messages.js';
import { schemas } from '$lib/shared/schema';
import type { Mapping } from '$lib/shared/schema/mapping';
import type { RowError } from '$lib/ui/row-errors';
import type { ClientProblem } from './checks';
import { askLoadedBefore, fileSha256, isSummary, refusalMessage, sendUpload, type UploadStage } from './client';
import { detectEncoding, SNIFF_BYTES, type FileEncoding } from './encoding';
import { headerKey } from './header-key';
import { clientReason, fileSize } from './labels';
import {
	checkSpec,
	doubleTargets,
	draftFromMapping,
	emptyDraft,
	MAX_COLUMNS,
	missingRequired,
	proposeDraft,
	toMapping,
	type Draft
} from './mapping-draft';
import { parseInWorker } from './parse';
import type { LoadedBefore, UploadKind, UploadSummary, WorkbookPreview } from './types';
import { looksLikeWorkbook, readWorkbookOnServer } from './workbook';
import type { ParseResult } from './worker-protocol';

export const UPLOAD_KINDS: readonly UploadKind[] = ['surveys', 'complaints', 'appraisals', 'traffic', 'staff', 'contacts', 'inspections'];
const PREVIEW_ROWS = 20;

/** A mapping saved by name, offered again for a file with the same header. */
export interface SavedMappingView {
	kind: string;
	name: string;
	header_key: string;
	mapping: Partial<Mapping>;
}

/** What the page's load gives the wizard; read through a getter, so a reload (after saving a mapping) is seen. */
export interface WizardContext {
	limitBytes: number;
	mappings: readonly SavedMappingView[];
}

/**
 * The upload wizard's state and its transitions: choose a kind and a file, read it in a worker (preview,
 * encoding), map its columns, validate (the browser's quick checks, then the server's dry run), load.
 * The step components only show this state and call its methods.
 */
export class UploadWizard {
	kind = $state<UploadKind>('surveys');
	file = $state<File | null>(null);
	fileError = $state('');
	encoding = $state<FileEncoding>('utf-8');
	detected = $state<FileEncoding>('utf-8');

	parsing = $state<{ bytes: number; total: number; rows: number } | null>(null);
	/** an Excel workbook, read on the server: its sheets and the chosen one's first rows */
	workbook = $state<WorkbookPreview | null>(null);
	readingWorkbook = $state(false);
	/** the sheet the user picked (else the server chooses, by the kind's header) */
	#sheetPicked: string | null = null;
	parsed = $state<ParseResult | null>(null);
	parseError = $state('');
	#cancelParse: (() => void) | null = null;

	draft = $state<Draft>(emptyDraft());
	appliedMapping = $state<string | null>(null);
	mappingName = $state('');

	checking = $state<{ bytes: number; total: number } | null>(null);
	clientProblems = $state<{ problems: ClientProblem[]; rows: number } | null>(null);
	dryRun = $state<UploadSummary | null>(null);
	stage = $state<UploadStage | null>(null);
	busy = $state<'validate' | 'load' | null>(null);
	requestError = $state('');
	confirmPartial = $state(false);
	result = $state<UploadSummary | null>(null);

	/** the chosen file's SHA-256 (null: not known, the browser cannot hash) and the batches that loaded it before */
	#sha256: Promise<string | null> | null = null;
	loadedBefore = $state<LoadedBefore[]>([]);

	readonly #context: () => WizardContext;

	constructor(context: () => WizardContext) {
		this.#context = context;
	}

	readonly schema = $derived(schemas[this.kind]);
	readonly blocked = $derived(!this.parsed || missingRequired(this.schema, this.draft).length > 0 || doubleTargets(this.draft).length > 0);
	readonly mapping = $derived(this.parsed ? toMapping(this.parsed.header, this.draft) : null);
	// a function, read when first needed: the context is set in the constructor, after the fields
	readonly savedForKind = $derived.by(() => this.#context().mappings.filter((x) => x.kind === this.kind));
	/** The batch that loaded this very file (this sheet of it, for a workbook) before, if any: known before the mapping. */
	readonly alreadyLoaded = $derived(this.loadedBefore.find((b) => b.sheet === (this.workbook?.sheet ?? null)) ?? null);
	readonly validRows = $derived(this.dryRun ? this.dryRun.rows_read - this.dryRun.rows_rejected - this.dryRun.rows_collapsed : 0);

	/** Problems to show: the server's when it has answered, the browser's quick checks until then. */
	readonly shownProblems: RowError[] = $derived.by(() => {
		if (this.dryRun) return this.dryRun.errors.map((e) => ({ row: e.row, column: e.column, value: e.value, reason: e.reason }));
		if (this.clientProblems)
			return this.clientProblems.problems.map((p) => ({
				row: p.row,
				column: p.column,
				value: p.value,
				reason: clientReason(p)
			}));
		return [];
	});

	/** Preview cells to highlight: `${row}:${column index}`, or `${row}:*` for the whole row. */
	readonly highlights = $derived.by(() => {
		const out = new Map<string, string>();
		if (!this.parsed) return out;
		for (const p of this.shownProblems) {
			if (p.row === null) continue;
			const i = p.column === null ? -1 : this.parsed.header.indexOf(p.column);
			const key = `${p.row}:${i < 0 ? '*' : i}`;
			out.set(key, out.has(key) ? `${out.get(key)}\n${p.reason}` : p.reason);
		}
		return out;
	});

	/** Anything that changes what would be loaded voids the validation. */
	resetValidation() {
		this.clientProblems = null;
		this.dryRun = null;
		this.requestError = '';
		this.confirmPartial = false;
		this.result = null;
		this.stage = null;
	}

	chooseKind(k: UploadKind) {
		this.kind = k;
		void this.#askLoadedBefore();
		// a workbook's header is found by the kind's columns: read again for the new kind
		if (this.workbook) void this.readWorkbook(this.#sheetPicked);
		else if (this.parsed) this.#setupDraft(this.parsed);
	}

	/** Reads the workbook on the server (the sheet asked for, else the one that fits the kind best). */
	async readWorkbook(sheet: string | null) {
		const file = this.file;
		if (!file) return;
		this.resetValidation();
		this.parsed = null;
		this.parseError = '';
		this.readingWorkbook = true;
		const r = await readWorkbookOnServer(this.kind, file, sheet);
		this.readingWorkbook = false;
		if (this.file !== file) return;
		if ('error' in r) {
			this.workbook = null;
			this.parseError = r.error;
			return;
		}
		this.workbook = r;
		const parsed: ParseResult = {
			header: r.header,
			rows: r.rows,
			rowNumbers: r.rowNumbers,
			rowCount: r.rowCount,
			delimiter: ',',
			samples: r.samples,
			numeric: r.numeric,
			problems: [],
			problemRows: 0
		};
		if (r.header.length > MAX_COLUMNS) this.parseError = m.reason_columns_too_many({ columns: r.header.length, max: MAX_COLUMNS });
		else {
			this.parsed = parsed;
			this.#setupDraft(parsed);
		}
	}

	chooseSheet(name: string) {
		this.#sheetPicked = name;
		void this.readWorkbook(name);
	}

	async choose(f: File | undefined | null) {
		if (!f) return;
		this.resetValidation();
		this.fileError = '';
		this.parsed = null;
		const { limitBytes } = this.#context();
		if (f.size > limitBytes) {
			this.file = null;
			this.fileError = m.upload_too_large({ size: fileSize(f.size), limit: fileSize(limitBytes) });
			return;
		}
		this.file = f;
		this.workbook = null;
		this.#sheetPicked = null;
		this.loadedBefore = [];
		this.#sha256 = fileSha256(f);
		void this.#askLoadedBefore();
		const head = new Uint8Array(await f.slice(0, SNIFF_BYTES).arrayBuffer());
		if (looksLikeWorkbook(f.name, head)) return this.readWorkbook(null);
		this.detected = detectEncoding(head);
		this.encoding = this.detected;
		await this.readFile();
	}

	/** Asks the server whether the chosen file was loaded before as the chosen kind (by its hash). */
	async #askLoadedBefore() {
		const file = this.file;
		const kind = this.kind;
		const sha = this.#sha256 ? await this.#sha256 : null;
		const loaded = await askLoadedBefore(kind, sha);
		if (this.file === file && this.kind === kind) this.loadedBefore = loaded;
	}

	/**
	 * Writes "this source value means that allowed value" into the mapping's value map (as the JSON panel
	 * would), for a value the dry run rejected; the validation is then run again.
	 */
	async mapValuesAndValidate(choices: readonly { source: string; value: string; target: string }[]) {
		const values = { ...this.draft.values };
		for (const c of choices) values[c.source] = { ...values[c.source], [c.value]: c.target };
		this.draft.values = values;
		// the page voids the validation when the mapping changes: that happens first, then the new one runs
		await tick();
		await this.validate();
	}

	/** Reads the chosen file (again, after the encoding changed) for the preview and the mapping. */
	async readFile() {
		const file = this.file;
		if (!file) return;
		this.#cancelParse?.();
		this.parsed = null;
		this.parseError = '';
		this.parsing = { bytes: 0, total: file.size, rows: 0 };
		const job = parseInWorker(
			{ file, encoding: this.encoding, previewRows: PREVIEW_ROWS },
			(bytes, total, rows) => (this.parsing = { bytes, total, rows })
		);
		this.#cancelParse = job.cancel;
		try {
			const r = await job.result;
			if (r.header.length === 0) this.parseError = m.upload_file_empty();
			// refused here as the engine refuses it, before a mapping row is drawn for each of thousands of columns
			else if (r.header.length > MAX_COLUMNS) this.parseError = m.reason_columns_too_many({ columns: r.header.length, max: MAX_COLUMNS });
			else {
				this.parsed = r;
				this.#setupDraft(r);
			}
		} catch (e) {
			if (!(e instanceof Error && e.message === 'cancelled'))
				this.parseError = m.upload_parse_failed({ detail: e instanceof Error ? e.message : String(e) });
		} finally {
			this.parsing = null;
		}
	}

	/** The saved mapping for this header if there is one, else what the engine would match by itself. */
	#setupDraft(r: ParseResult) {
		const key = headerKey(r.header);
		const saved = this.#context().mappings.find((x) => x.kind === this.kind && x.header_key === key);
		if (saved) {
			this.draft = draftFromMapping(schemas[this.kind], r.header, r.numeric, saved.mapping);
			this.appliedMapping = saved.name;
			this.mappingName = saved.name;
		} else {
			this.draft = proposeDraft(schemas[this.kind], r.header, r.numeric);
			this.appliedMapping = null;
		}
	}

	applySaved(name: string) {
		const saved = this.savedForKind.find((x) => x.name === name);
		if (!saved || !this.parsed) return;
		this.draft = draftFromMapping(this.schema, this.parsed.header, this.parsed.numeric, saved.mapping);
		this.appliedMapping = saved.name;
		this.mappingName = saved.name;
	}

	#fields(dry: boolean, partial: boolean): Record<string, string> {
		const fields = { map: JSON.stringify(this.mapping), dry_run: String(dry), accept_partial: String(partial) };
		return this.workbook ? { ...fields, sheet: this.workbook.sheet } : fields;
	}

	/** The browser's quick checks of every row in the worker, then the engine's full validation on the server, writing nothing. */
	async validate() {
		const file = this.file;
		if (!file || !this.parsed || this.blocked) return;
		this.resetValidation();
		this.busy = 'validate';
		// a workbook is checked by the server alone (the browser has no workbook parser)
		if (!this.workbook) await this.#quickChecks(file);
		const answer = await sendUpload(this.kind, file, this.#fields(true, false), (s) => (this.stage = s));
		this.stage = null;
		this.busy = null;
		if (isSummary(answer.body)) this.dryRun = answer.body;
		else this.requestError = refusalMessage(answer.body) ?? m.upload_request_failed({ status: answer.status });
	}

	/** The browser's quick checks of every row of a CSV, in the worker. */
	async #quickChecks(file: File) {
		if (!this.parsed) return;
		this.checking = { bytes: 0, total: file.size };
		const job = parseInWorker(
			{
				file,
				encoding: this.encoding,
				previewRows: 0,
				check: checkSpec(this.schema, $state.snapshot(this.parsed.header), $state.snapshot(this.draft))
			},
			(bytes, total) => (this.checking = { bytes, total })
		);
		try {
			const r = await job.result;
			this.clientProblems = { problems: r.problems, rows: r.problemRows };
		} catch {
			this.clientProblems = null;
		} finally {
			this.checking = null;
		}
	}

	/** Loads the validated file: all rows, or (`partial`, confirmed) only the valid ones. */
	async load(partial: boolean) {
		if (!this.file || !this.dryRun) return;
		this.busy = 'load';
		this.requestError = '';
		const answer = await sendUpload(this.kind, this.file, this.#fields(false, partial), (s) => (this.stage = s));
		this.stage = null;
		this.busy = null;
		if (isSummary(answer.body)) this.result = answer.body;
		else this.requestError = refusalMessage(answer.body) ?? m.upload_request_failed({ status: answer.status });
	}

	startOver() {
		this.#cancelParse?.();
		this.file = null;
		this.loadedBefore = [];
		this.#sha256 = null;
		this.parsed = null;
		this.workbook = null;
		this.draft = emptyDraft();
		this.appliedMapping = null;
		this.resetValidation();
	}
}
