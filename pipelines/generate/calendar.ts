/**
 * Days as integers (days since 1970-01-01, UTC), their spreadsheet spellings, and the Chinese retail
 * calendar that shapes traffic: weekly rhythm, season, public holidays and shopping festivals.
 */

const MS_PER_DAY = 86_400_000;

/** 春节 (正月初一) by year: lunar dates, hard-coded. */
export const SPRING_FESTIVAL: Readonly<Record<number, string>> = {
	2020: '2020-01-25',
	2021: '2021-02-12',
	2022: '2022-02-01',
	2023: '2023-01-22',
	2024: '2024-02-10',
	2025: '2025-01-29',
	2026: '2026-02-17',
	2027: '2027-02-06',
	2028: '2028-01-26',
	2029: '2029-02-13',
	2030: '2030-02-03'
};

export interface Civil {
	y: number;
	m: number;
	d: number;
	/** 0 = Sunday … 6 = Saturday */
	dow: number;
}

export function parseIsoDate(text: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!m) throw new Error(`not a date (YYYY-MM-DD): ${text}`);
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const t = Date.UTC(y, mo - 1, d);
	const back = new Date(t);
	if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) throw new Error(`no such date: ${text}`);
	return t / MS_PER_DAY;
}

export function civil(day: number): Civil {
	const t = new Date(day * MS_PER_DAY);
	return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), dow: t.getUTCDay() };
}

export function epochDay(y: number, m: number, d: number): number {
	return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** 2025-03-05 */
export function isoDate(day: number): string {
	const c = civil(day);
	return `${c.y}-${pad2(c.m)}-${pad2(c.d)}`;
}

/** 2025/3/5, as Excel writes it */
export function slashDate(day: number): string {
	const c = civil(day);
	return `${c.y}/${c.m}/${c.d}`;
}

/** 2025年3月5日 */
export function chineseDate(day: number): string {
	const c = civil(day);
	return `${c.y}年${c.m}月${c.d}日`;
}

/** 2025-03 */
export function monthPeriod(y: number, m: number): string {
	return `${y}-${pad2(m)}`;
}

/** 20250305, for ids */
export function compactDate(day: number): string {
	const c = civil(day);
	return `${c.y}${pad2(c.m)}${pad2(c.d)}`;
}

/** Minutes of a day as Excel shows them: 9:05, 14:30 (hour not padded). */
export const CLOCK: readonly string[] = Array.from({ length: 1440 }, (_, i) => `${Math.floor(i / 60)}:${pad2(i % 60)}`);

export interface DayProfile {
	/** multiplier on a store's ordinary weekday traffic */
	traffic: number;
	/** extra conversion on festival and holiday days */
	conversionBoost: number;
	holiday: string | null;
	/** a peak day: crowding adds a little to the complaint rate */
	peak: boolean;
}

// Monday-based weekday factors (index = dow, 0 = Sunday)
const DOW = [1.25, 0.88, 0.85, 0.87, 0.9, 1.0, 1.32];
const MONTH = [1.0, 0.95, 0.92, 0.93, 1.0, 1.0, 1.02, 1.02, 0.95, 1.03, 1.02, 1.08];
const LABOUR_DAY = [1.5, 1.65, 1.6, 1.45, 1.3];
const NATIONAL_DAY = [1.5, 1.7, 1.65, 1.55, 1.45, 1.3, 1.2];

interface Holiday {
	name: string;
	factor: number;
	/** official days off: the weekday rhythm does not apply */
	official: boolean;
}

function springFestival(day: number, c: Civil): Holiday | null {
	const date = SPRING_FESTIVAL[c.y];
	if (!date) return null;
	const offset = day - parseIsoDate(date);
	if (offset >= -15 && offset <= -2) return { name: '年货节', factor: 1.1 + (0.35 * (offset + 15)) / 13, official: false };
	if (offset === -1) return { name: '春节', factor: 0.6, official: true }; // 除夕: shops close early
	if (offset === 0) return { name: '春节', factor: 0.85, official: true };
	if (offset >= 1 && offset <= 4) return { name: '春节', factor: 1.7, official: true };
	if (offset >= 5 && offset <= 6) return { name: '春节', factor: 1.35, official: true };
	if (offset >= 7 && offset <= 20) return { name: '节后淡季', factor: 0.82, official: false };
	return null;
}

function holidayOf(day: number, c: Civil): Holiday | null {
	const sf = springFestival(day, c);
	if (sf) return sf;
	const { m, d } = c;
	if (m === 1 && d === 1) return { name: '元旦', factor: 1.35, official: true };
	if (m === 1 && d <= 3) return { name: '元旦', factor: 1.1, official: false };
	if (m === 2 && d === 14) return { name: '情人节', factor: 1.15, official: false };
	if (m === 3 && d === 8) return { name: '妇女节', factor: 1.2, official: false };
	if (m === 5 && d <= 5) return { name: '五一', factor: LABOUR_DAY[d - 1]!, official: true };
	if (m === 6 && d < 18) return { name: '618预热', factor: 1.06, official: false };
	if (m === 6 && d === 18) return { name: '618', factor: 1.4, official: false };
	if (m === 10 && d <= 7) return { name: '国庆', factor: NATIONAL_DAY[d - 1]!, official: true };
	if (m === 11 && d < 11) return { name: '双十一预热', factor: 1.06, official: false };
	if (m === 11 && d === 11) return { name: '双十一', factor: 1.5, official: false };
	if (m === 12 && d === 12) return { name: '双十二', factor: 1.15, official: false };
	if (m === 12 && (d === 24 || d === 25)) return { name: '圣诞', factor: d === 24 ? 1.25 : 1.2, official: false };
	if (m === 12 && d === 31) return { name: '跨年', factor: 1.2, official: false };
	return null;
}

export function dayProfile(day: number): DayProfile {
	const c = civil(day);
	const h = holidayOf(day, c);
	const base = h?.official ? 1.15 : DOW[c.dow]! * MONTH[c.m - 1]!;
	const traffic = base * (h?.factor ?? 1);
	return { traffic, conversionBoost: h && h.factor > 1.2 ? 0.03 : 0, holiday: h?.name ?? null, peak: traffic >= 1.45 };
}

/** The holidays and festivals inside [from, to], as runs of consecutive days. */
export function holidayRuns(from: number, to: number): { name: string; from: string; to: string; peak_traffic_factor: number }[] {
	const runs: { name: string; from: string; to: string; peak_traffic_factor: number }[] = [];
	let current: { name: string; start: number; end: number; max: number } | null = null;
	const close = () => {
		if (current)
			runs.push({
				name: current.name,
				from: isoDate(current.start),
				to: isoDate(current.end),
				peak_traffic_factor: Math.round(current.max * 100) / 100
			});
		current = null;
	};
	for (let day = from; day <= to; day++) {
		const p = dayProfile(day);
		if (p.holiday && current && current.name === p.holiday && current.end === day - 1) {
			current.end = day;
			current.max = Math.max(current.max, p.traffic);
		} else {
			close();
			if (p.holiday) current = { name: p.holiday, start: day, end: day, max: p.traffic };
		}
	}
	close();
	return runs;
}
