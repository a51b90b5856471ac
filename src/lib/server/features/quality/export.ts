import ExcelJS from 'exceljs';
import { formulaSafe } from '$lib/shared/csv';
import type { QualityReport } from './report';
import { inLocale, type Bilingual } from '$lib/shared/bilingual';

/**
 * The report's files, made on the server: an Excel workbook (exceljs), one sheet per table, numbers as
 * numbers. The PDF is the report page printed by $lib/server/pdf.
 */
type Lang = 'zh-CN' | 'en';
const T = (lang: Lang, zh: string, en: string) => (lang === 'zh-CN' ? zh : en);

export async function reportWorkbook(r: QualityReport, lang: Lang): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = 'service-quality-analytics';
	const sheet = (name: string, header: string[], rows: (string | number | null)[][]) => {
		const ws = wb.addWorksheet(name);
		ws.addRow(header).font = { bold: true };
		// store names, alert owners and notes come from users: text is formula-safe, as in every export
		for (const row of rows) ws.addRow(row.map((v) => (typeof v === 'string' ? formulaSafe(v) : v)));
		ws.columns.forEach(
			(c, i) =>
				(c.width = Math.min(
					60,
					Math.max(10, ...[header[i] ?? '', ...rows.map((x) => String(x[i] ?? ''))].map((s) => String(s).length * 1.6))
				))
		);
		ws.views = [{ state: 'frozen', ySplit: 1 }];
	};
	const label = (l: Bilingual) => inLocale(l, lang);
	sheet(
		T(lang, '核心指标', 'Headline'),
		[
			T(lang, '指标', 'Metric'),
			T(lang, '本期', 'This period'),
			T(lang, '上期', 'Previous'),
			T(lang, '目标', 'Target'),
			T(lang, '预警线', 'Warning line'),
			T(lang, '达标', 'State')
		],
		r.headline.map((h) => [label(h.label), h.value, h.previous, h.target, h.warn, h.state])
	);
	const alertRows = (xs: QualityReport['alerts']) =>
		xs.map((a) => [
			a.alert_id,
			a.period,
			a.kind,
			a.scope || T(lang, '全部门店', 'all stores'),
			lang === 'zh-CN' ? a.message_zh : a.message_en,
			a.status,
			a.owner,
			a.note
		]);
	const alertHeader = [
		'#',
		T(lang, '周期', 'Period'),
		T(lang, '类型', 'Type'),
		T(lang, '范围', 'Scope'),
		T(lang, '内容', 'Alert'),
		T(lang, '状态', 'Status'),
		T(lang, '负责人', 'Owner'),
		T(lang, '措施', 'Action')
	];
	sheet(T(lang, '异常与预警', 'Signals and alerts'), alertHeader, alertRows(r.alerts));
	sheet(
		T(lang, '主要原因', 'Top causes'),
		[T(lang, '类别', 'Category'), T(lang, '本期', 'This period'), T(lang, '上期', 'Previous'), T(lang, '累计占比%', 'Cumulative %')],
		r.causes.map((c) => [c.category, c.current, c.previous, Math.round(c.share * 10) / 10])
	);
	sheet(
		T(lang, '变化分解', 'What changed'),
		[
			T(lang, '门店', 'Store'),
			T(lang, '上期‰', 'Before ‰'),
			T(lang, '本期‰', 'After ‰'),
			T(lang, '贡献‰', 'Contribution ‰'),
			T(lang, '比率效应‰', 'Rate effect ‰'),
			T(lang, '结构效应‰', 'Mix effect ‰'),
			'q',
			T(lang, '显著', 'Significant')
		],
		r.changed.rows.map((x) => [
			x.group,
			x.before,
			x.after,
			x.contribution,
			x.rateEffect,
			x.mixEffect,
			x.q,
			x.significant ? T(lang, '是', 'yes') : T(lang, '否', 'no')
		])
	);
	sheet(T(lang, '未关闭措施', 'Open actions'), alertHeader, alertRows(r.open));
	return Buffer.from(await wb.xlsx.writeBuffer());
}
