import ExcelJS from 'exceljs';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { formulaSafe } from '$lib/shared/csv';
import { inLocale } from '$lib/shared/bilingual';
import { tableData, type Column, type TableData } from '$lib/shared/table';
import type { QualityReport } from './report';

/**
 * The report's files, made on the server: an Excel workbook (exceljs), one sheet per table, numbers as
 * numbers, headers in the request's language. The PDF is the report page printed by $lib/server/pdf.
 */
type Headline = QualityReport['headline'][number];
type Alert = QualityReport['alerts'][number];
type Cause = QualityReport['causes'][number];
type Change = QualityReport['changed']['rows'][number];

const num = <Row>(id: string, label: () => string, value: (r: Row) => number | null): Column<Row> => ({
	id,
	label,
	value,
	type: 'number',
	align: 'end'
});

const HEADLINE: Column<Headline>[] = [
	{ id: 'metric', label: m.qc_xlsx_metric, value: (h) => inLocale(h.label, getLocale()) },
	num('value', m.qc_xlsx_this_period, (h) => h.value),
	num('previous', m.qc_xlsx_previous, (h) => h.previous),
	num('target', m.qc_xlsx_target, (h) => h.target),
	num('warn', m.qc_xlsx_warn, (h) => h.warn),
	{ id: 'state', label: m.qc_xlsx_state, value: (h) => h.state }
];

const ALERTS: Column<Alert>[] = [
	{ id: 'id', label: () => '#', value: (a) => a.alert_id, type: 'number' },
	{ id: 'period', label: m.qc_xlsx_period, value: (a) => a.period },
	{ id: 'kind', label: m.qc_xlsx_type, value: (a) => a.kind },
	{ id: 'scope', label: m.qc_xlsx_scope, value: (a) => a.scope || m.qc_xlsx_all_stores() },
	{ id: 'alert', label: m.qc_xlsx_alert, value: (a) => inLocale({ zh: a.message_zh, en: a.message_en }, getLocale()) },
	{ id: 'status', label: m.qc_xlsx_status, value: (a) => a.status },
	{ id: 'owner', label: m.qc_xlsx_owner, value: (a) => a.owner },
	{ id: 'note', label: m.qc_xlsx_action, value: (a) => a.note }
];

const CAUSES: Column<Cause>[] = [
	{ id: 'category', label: m.qc_xlsx_category, value: (c) => c.category },
	num('current', m.qc_xlsx_this_period, (c) => c.current),
	num('previous', m.qc_xlsx_previous, (c) => c.previous),
	num('share', m.qc_xlsx_cumulative, (c) => Math.round(c.share * 10) / 10)
];

const CHANGED: Column<Change>[] = [
	{ id: 'group', label: m.qc_xlsx_store, value: (x) => x.group },
	num('before', m.qc_xlsx_before, (x) => x.before),
	num('after', m.qc_xlsx_after, (x) => x.after),
	num('contribution', m.qc_xlsx_contribution, (x) => x.contribution),
	num('rate', m.qc_xlsx_rate_effect, (x) => x.rateEffect),
	num('mix', m.qc_xlsx_mix_effect, (x) => x.mixEffect),
	num(
		'q',
		() => 'q',
		(x) => x.q
	),
	{ id: 'significant', label: m.qc_xlsx_significant, value: (x) => (x.significant ? m.qc_xlsx_yes() : m.qc_xlsx_no()) }
];

function addSheet(wb: ExcelJS.Workbook, name: string, t: TableData): void {
	const ws = wb.addWorksheet(name);
	ws.addRow(t.header).font = { bold: true };
	// store names, alert owners and notes come from users: text is formula-safe, as in every export
	for (const row of t.rows) ws.addRow(row.map((v) => (typeof v === 'string' ? formulaSafe(v) : v)));
	ws.columns.forEach(
		(c, i) =>
			(c.width = Math.min(
				60,
				Math.max(10, ...[t.header[i] ?? '', ...t.rows.map((x) => String(x[i] ?? ''))].map((s) => String(s).length * 1.6))
			))
	);
	ws.views = [{ state: 'frozen', ySplit: 1 }];
}

export async function reportWorkbook(r: QualityReport): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = 'service-quality-analytics';
	addSheet(wb, m.qc_xlsx_sheet_headline(), tableData(HEADLINE, r.headline));
	addSheet(wb, m.qc_xlsx_sheet_service(), tableData(HEADLINE, r.service));
	if (r.inspections) addSheet(wb, m.qc_xlsx_sheet_inspections(), tableData(HEADLINE, r.inspections.headline));
	addSheet(wb, m.qc_xlsx_sheet_alerts(), tableData(ALERTS, r.alerts));
	addSheet(wb, m.qc_xlsx_sheet_causes(), tableData(CAUSES, r.causes));
	addSheet(wb, m.qc_xlsx_sheet_changed(), tableData(CHANGED, r.changed.rows));
	addSheet(wb, m.qc_xlsx_sheet_open(), tableData(ALERTS, r.open));
	return Buffer.from(await wb.xlsx.writeBuffer());
}
