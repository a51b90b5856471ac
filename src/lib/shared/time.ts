/**
 * Instants as every page, export and report writes them: 2025-03-05 14:30 in the one configured zone
 * (TZ_DISPLAY), 24-hour, the same in Chinese and English. The server sends the zone to the browser (layout
 * data), so the server render and the hydrated page write the same text.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function partsIn(at: number | bigint | Date, tz: string): Record<string, string> {
	let f = formats.get(tz);
	if (!f) {
		f = new Intl.DateTimeFormat('en-CA', {
			timeZone: tz,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23'
		});
		formats.set(tz, f);
	}
	const date = at instanceof Date ? at : new Date(Number(at));
	return Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
}

export interface TimestampOptions {
	/** an IANA zone, e.g. Asia/Shanghai */
	tz: string;
	/** also the seconds (audit trails): 2025-03-05 14:30:07 */
	seconds?: boolean;
}

/** An instant (epoch ms or a Date) as 'YYYY-MM-DD HH:mm' in `tz`; null → —. */
export function formatTimestamp(at: number | bigint | Date | null, { tz, seconds = false }: TimestampOptions): string {
	if (at === null) return '—';
	const p = partsIn(at, tz);
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
}

/** The calendar day an instant falls on in `tz`, 'YYYY-MM-DD'. */
export function dayIn(at: number | bigint | Date, tz: string): string {
	const p = partsIn(at, tz);
	return `${p.year}-${p.month}-${p.day}`;
}

/** The zone's offset from UTC at an instant, as a page names it beside its times: UTC+8, UTC−3:30, UTC. */
export function zoneOffsetLabel(tz: string, at: number | Date = Date.now()): string {
	const date = at instanceof Date ? at : new Date(at);
	const p = partsIn(date, tz);
	const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
	const minutes = Math.round((wall - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000);
	if (minutes === 0) return 'UTC';
	const abs = Math.abs(minutes);
	const hm = abs % 60 ? `${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}` : String(abs / 60);
	return `UTC${minutes > 0 ? '+' : '−'}${hm}`;
}

/** Whole days from one 'YYYY-MM-DD' to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
