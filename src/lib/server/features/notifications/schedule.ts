import { Cron } from 'croner';

/**
 * Schedules in plain terms: `MON 08:30` (每周一 08:30), `MONTHLY 2 09:00` (每月 2 日 09:00), `DAILY 09:00`,
 * `HOURLY :05`, read in the configured time zone. Kept as that text; croner turns it into run times.
 */
export type Schedule =
	| { every: 'week'; weekday: number; hour: number; minute: number }
	| { every: 'month'; day: number; hour: number; minute: number }
	| { every: 'day'; hour: number; minute: number }
	| { every: 'hour'; minute: number };

export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const TIME = String.raw`([01]?\d|2[0-3]):([0-5]\d)`;

export function parseSchedule(text: string): Schedule | null {
	const s = text.trim().toUpperCase().replace(/\s+/gu, ' ');
	let m = new RegExp(`^(SUN|MON|TUE|WED|THU|FRI|SAT) ${TIME}$`, 'u').exec(s);
	if (m) return { every: 'week', weekday: WEEKDAYS.indexOf(m[1] as (typeof WEEKDAYS)[number]), hour: +m[2]!, minute: +m[3]! };
	// days 1–28 only: every month has them
	m = new RegExp(`^MONTHLY ([1-9]|1\\d|2[0-8]) ${TIME}$`, 'u').exec(s);
	if (m) return { every: 'month', day: +m[1]!, hour: +m[2]!, minute: +m[3]! };
	m = new RegExp(`^DAILY ${TIME}$`, 'u').exec(s);
	if (m) return { every: 'day', hour: +m[1]!, minute: +m[2]! };
	m = /^HOURLY :([0-5]\d)$/u.exec(s);
	if (m) return { every: 'hour', minute: +m[1]! };
	return null;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function formatSchedule(s: Schedule): string {
	const at = s.every === 'hour' ? '' : `${pad(s.hour)}:${pad(s.minute)}`;
	switch (s.every) {
		case 'week':
			return `${WEEKDAYS[s.weekday]} ${at}`;
		case 'month':
			return `MONTHLY ${s.day} ${at}`;
		case 'day':
			return `DAILY ${at}`;
		case 'hour':
			return `HOURLY :${pad(s.minute)}`;
	}
}

export function cronPattern(s: Schedule): string {
	switch (s.every) {
		case 'week':
			return `${s.minute} ${s.hour} * * ${s.weekday}`;
		case 'month':
			return `${s.minute} ${s.hour} ${s.day} * *`;
		case 'day':
			return `${s.minute} ${s.hour} * * *`;
		case 'hour':
			return `${s.minute} * * * *`;
	}
}

/** The latest run time at or before `now`, if it lies within `windowMs` (else it was missed, not caught up). */
export function dueRun(s: Schedule, timeZone: string, now: Date, windowMs: number): Date | null {
	const job = new Cron(cronPattern(s), { timezone: timeZone, paused: true });
	// previousRuns looks strictly before its reference: a run at exactly `now` is due too
	const [last] = job.previousRuns(1, new Date(now.getTime() + 1000));
	job.stop();
	if (!last || last.getTime() > now.getTime() || now.getTime() - last.getTime() > windowMs) return null;
	return last;
}

/** The next run after `now` (for the page). */
export function nextRun(s: Schedule, timeZone: string, now: Date): Date | null {
	const job = new Cron(cronPattern(s), { timezone: timeZone, paused: true });
	const next = job.nextRun(now);
	job.stop();
	return next;
}

/** The wall-clock date and time of an instant in a time zone: YYYY-MM-DD and HH:MM. */
export function localParts(at: Date, timeZone: string): { day: string; time: string } {
	const f = new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	});
	const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
	return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}
