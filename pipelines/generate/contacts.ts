import { civil, compactDate, isoDate } from './calendar';
import { PHONE_PREFIXES } from './complaint-model';
import { CsvWriter, type OutputEncoding } from './csv';
import { STORES, type Period, type Plan } from './model';
import { Rng, Weighted, allocate } from './random';
import { ActiveStaff, isActive, type StaffMember } from './roster';
import type { Traffic } from './traffic';

/**
 * The contact centre's call and chat log (来电与在线会话): about `perComplaint` contacts per complaint,
 * spread over store-days like the stores' visitors (weekly rhythm, season, holidays), over the hours of
 * a day with a lunch peak and an evening bump. Planted: weekend lunch hours (11:00–14:00, Saturday and
 * Sunday) are understaffed at every store, so waits grow and the service level falls under 80%; one
 * agent takes long over every contact but is the one whose customers come back least; the deteriorating
 * store (plan.deterioration) loses more callers from its day on. Customers who were not resolved call
 * again within days (now and then at another store); abandoned callers are mostly called back.
 */

export const CONTACT_HEADER = [
	'会话编号',
	'渠道',
	'门店',
	'坐席工号',
	'进线时间',
	'接起时间',
	'结束时间',
	'通话时长',
	'保持时长',
	'话后处理时长',
	'客户电话',
	'是否解决',
	'业务类型',
	'回拨时间',
	'呼叫方向'
];

/** Hours the centre takes contacts (8:00–22:00) and their weights on weekdays and at weekends. */
const HOURS = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
const WEEKDAY_HOURS = [1.0, 1.6, 2.0, 2.2, 2.1, 2.0, 1.8, 1.7, 1.6, 1.5, 1.4, 1.5, 1.3, 0.8];
const WEEKEND_HOURS = WEEKDAY_HOURS.map((w, i) => (HOURS[i]! >= 11 && HOURS[i]! <= 13 ? w * 1.6 : w));
export const LUNCH_HOURS = [11, 12, 13] as const;
const TOPICS = new Weighted(['咨询', '退换货', '售后', '会员积分', '配送', '投诉'], [0.35, 0.2, 0.15, 0.1, 0.12, 0.08]);
/** the share of contacts that are repeats of an unresolved earlier one, on top of the allocated volume */
const REPEAT_VOLUME = 0.15;
const SHORT_ABANDON_S = 5;
const SERVICE_LEVEL_S = 15;

interface Agent {
	speed: number;
	repeat: number;
	handled: number;
	handleSum: number;
	judged: number;
	repeats: number;
}

interface Pending {
	store: number;
	second: number;
	phone: string;
}

/** Counts of what was written: the planted truths are reported from these (truth.json). */
export interface ContactStats {
	rows: number;
	offered: number;
	answered: number;
	/** per store: [offered, within 15 s] at weekend lunch and at all other times */
	lunch: { offered: number[]; within: number[] };
	other: { offered: number[]; within: number[] };
	/** the deteriorating store, offered and abandoned before and after its day */
	abandonment: { store: number; day: number; before: [number, number]; after: [number, number] };
	agent: { id: string; name: string; store: number };
	agents: Map<string, Agent>;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
/** 'YYYY-MM-DD HH:MM:SS' of a second counted from the start of `day` (may run past midnight). */
function stamp(day: number, second: number): string {
	const d = day + Math.floor(second / 86_400);
	const s = second % 86_400;
	return `${isoDate(d)} ${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}
const mmss = (s: number) => `${Math.floor(s / 60)}:${pad2(s % 60)}`;
const hhmmss = (s: number) => `${Math.floor(s / 3600)}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;

/** The agent planted with long handle times and the best resolution: a 客服专员 in post the whole period. */
function plantedAgent(roster: readonly StaffMember[], period: Period): StaffMember {
	const inPost = roster.filter((p) => p.department === '客服中心' && !p.supervisor && isActive(p, period.from) && isActive(p, period.to));
	const found = inPost.find((p) => STORES[p.store]!.name === '上海徐家汇店') ?? inPost[0];
	if (!found) throw new Error('no 客服专员 in post over the whole period');
	return found;
}

export async function writeContacts(
	path: string,
	encoding: OutputEncoding,
	seed: number,
	period: Period,
	plan: Plan,
	traffic: Traffic,
	roster: readonly StaffMember[],
	total: number
): Promise<ContactStats> {
	const rng = new Rng(seed, 'contacts');
	const out = new CsvWriter(path, encoding, CONTACT_HEADER);
	const active = new ActiveStaff(roster);
	const planted = plantedAgent(roster, period);
	const agents = new Map<string, Agent>();
	const agentRng = new Rng(seed, 'contact-agents');
	for (const p of roster) {
		if (p.department !== '客服中心') continue;
		const speed = p.id === planted.id ? 1.55 : 0.8 + 0.45 * agentRng.float();
		// slower agents resolve a little more; the planted one far more than anyone
		const repeat = p.id === planted.id ? 0.03 : 0.24 - (0.14 * (speed - 0.8)) / 0.45;
		agents.set(p.id, { speed, repeat, handled: 0, handleSum: 0, judged: 0, repeats: 0 });
	}
	const det = plan.deterioration;
	const stats: ContactStats = {
		rows: 0,
		offered: 0,
		answered: 0,
		lunch: { offered: STORES.map(() => 0), within: STORES.map(() => 0) },
		other: { offered: STORES.map(() => 0), within: STORES.map(() => 0) },
		abandonment: { store: det.store, day: det.day, before: [0, 0], after: [0, 0] },
		agent: { id: planted.id, name: planted.name, store: planted.store },
		agents
	};

	const counts = allocate(rng, Math.round(total * (1 - REPEAT_VOLUME)), traffic.visitors);
	const pending: Pending[][] = Array.from({ length: period.days + 8 }, () => []);
	const weekdayHours = new Weighted(HOURS, WEEKDAY_HOURS);
	const weekendHours = new Weighted(HOURS, WEEKEND_HOURS);
	const newPhone = () => rng.pick(PHONE_PREFIXES) + String(rng.int(1e8)).padStart(8, '0');

	for (let i = 0; i < period.days; i++) {
		const day = period.from + i;
		const dow = civil(day).dow;
		const weekend = dow === 0 || dow === 6;
		const hours = weekend ? weekendHours : weekdayHours;
		active.on(day);
		const date = compactDate(day);
		for (let k = 0; k < STORES.length; k++) {
			const team = active.in(k, '客服中心');
			const staff = team.length ? team : active.atStore(k);
			const arrivals: Pending[] = [];
			const n = counts[i * STORES.length + k]!;
			for (let j = 0; j < n; j++)
				arrivals.push({ store: k, second: hours.draw(rng) * 3600 + rng.int(3600), phone: rng.chance(0.04) ? '' : newPhone() });
			for (const p of pending[i]!) if (p.store === k) arrivals.push(p);
			arrivals.sort((a, b) => a.second - b.second);
			let serial = 0;
			const worse = k === det.store && day >= det.day;
			for (const a of arrivals) {
				const id = `H${date}${pad2(k + 1)}${String(++serial).padStart(5, '0')}`;
				const hour = Math.floor(a.second / 3600);
				const lunch = weekend && hour >= 11 && hour <= 13;
				const online = rng.chance(0.35);
				const abandonP = (lunch ? 0.12 : 0.05) + (worse ? 0.12 : 0);
				const topic = TOPICS.draw(rng);
				const phone = a.phone;
				const base = [id, online ? '在线' : '电话', STORES[k]!.name];
				const tally = lunch ? stats.lunch : stats.other;
				if (rng.chance(abandonP)) {
					// a quarter hang up at once (short abandons: not offered); the rest after a while
					const gaveUp = rng.chance(0.25) ? rng.range(1, 4) : Math.max(SHORT_ABANDON_S, Math.round(rng.logNormal(40, 0.7)));
					const offered = gaveUp >= SHORT_ABANDON_S;
					const end = a.second + gaveUp;
					let callback = '';
					if (offered) {
						stats.offered++;
						tally.offered[k]!++;
						if (k === det.store) {
							const split = stats.abandonment[day >= det.day ? 'after' : 'before'];
							split[0]++;
							split[1]++;
						}
						const r = rng.float();
						const soon = worse ? 0.25 : 0.55;
						if (phone && r < soon) callback = stamp(day, end + rng.range(120, 840));
						else if (phone && r < soon + 0.1 && staff.length) {
							// called back by an outbound call instead of a callback time
							const agent = rng.pick(staff);
							const at = end + rng.range(180, 720);
							const talk = Math.round(rng.logNormal(90, 0.4));
							out.row([
								`${id}B`,
								'电话',
								STORES[k]!.name,
								agent.id,
								stamp(day, at),
								stamp(day, at),
								stamp(day, at + talk),
								String(talk),
								'',
								'',
								phone,
								'',
								topic,
								'',
								'呼出'
							]);
							stats.rows++;
							const st = agents.get(agent.id);
							if (st) {
								st.handled++;
								st.handleSum += talk;
							}
						} else if (phone && r < soon + 0.3) callback = stamp(day, end + rng.range(960, 3600));
					}
					out.row([...base, '', stamp(day, a.second), '', stamp(day, end), '', '', '', phone, '', topic, callback, '']);
					stats.rows++;
					continue;
				}
				const agent = staff.length ? rng.pick(staff) : null;
				const st = agent ? agents.get(agent.id) : undefined;
				const median = (lunch ? 11 : weekend || (hour >= 11 && hour <= 13) ? 6 : 5) * (online ? 1.3 : 1);
				const wait = Math.min(1800, Math.round(rng.logNormal(median, 0.8)));
				const speed = st?.speed ?? 1;
				const talk = Math.round(rng.logNormal(online ? 300 : 180, 0.55) * speed);
				const hold = rng.chance(0.3) ? Math.round(rng.logNormal(40, 0.6) * speed) : 0;
				const wrap = Math.round(rng.logNormal(30, 0.5) * speed);
				const answered = a.second + wait;
				const repeat = !!phone && rng.chance(st?.repeat ?? 0.2);
				const mark = rng.chance(0.12) ? '' : rng.chance(repeat ? 0.6 : 0.93) ? '是' : '否';
				stats.offered++;
				stats.answered++;
				tally.offered[k]!++;
				if (wait <= SERVICE_LEVEL_S) tally.within[k]!++;
				if (k === det.store) stats.abandonment[day >= det.day ? 'after' : 'before'][0]++;
				if (st) {
					st.handled++;
					st.handleSum += talk + hold + wrap;
					if (phone) st.judged++;
					if (phone && repeat) st.repeats++;
				}
				if (repeat) {
					// the customer comes back within hours or days, now and then to another store
					const later = a.second + Math.round(rng.logNormal(1.2 * 86_400, 1.1));
					const lag = Math.min(6, Math.floor(later / 86_400));
					const store = rng.chance(0.1) ? rng.int(STORES.length) : k;
					const second = HOURS[0]! * 3600 + ((later % 86_400) % (HOURS.length * 3600));
					if (i + lag < period.days)
						pending[i + lag]!.push({ store, second: lag === 0 ? Math.max(second, a.second + 600) : second, phone });
				}
				out.row([
					...base,
					agent?.id ?? '',
					stamp(day, a.second),
					stamp(day, answered),
					stamp(day, answered + talk + hold),
					String(talk),
					hold ? mmss(hold) : '',
					hhmmss(wrap),
					phone,
					mark,
					topic,
					'',
					''
				]);
				stats.rows++;
			}
			await out.flush();
		}
		pending[i] = [];
	}
	await out.close();
	return stats;
}

const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : null);

/** What truth.json says about the contacts: volume and the planted truths, with the values realised. */
export function contactTruth(s: ContactStats, complaints: number, period: Period) {
	const agent = s.agents.get(s.agent.id)!;
	const others = [...s.agents.entries()].filter(([id, a]) => id !== s.agent.id && a.judged >= 200);
	const [offBefore, abBefore] = s.abandonment.before;
	const [offAfter, abAfter] = s.abandonment.after;
	return {
		rows: s.rows,
		per_complaint: r4(s.rows / complaints),
		offered: s.offered,
		answer_rate: r4(s.answered / s.offered),
		weekend_lunch: {
			definition: `Saturday and Sunday, arrivals 11:00–14:00; service level = answered within ${SERVICE_LEVEL_S} s ÷ offered (abandons under ${SHORT_ABANDON_S} s not offered)`,
			by_store: STORES.map((store, k) => ({
				store: store.name,
				weekend_lunch_service_level: r4(s.lunch.within[k]! / s.lunch.offered[k]!),
				other_service_level: r4(s.other.within[k]! / s.other.offered[k]!)
			}))
		},
		long_aht_best_fcr_agent: {
			staff_id: s.agent.id,
			name: s.agent.name,
			store: STORES[s.agent.store]!.name,
			mean_handle_s: r4(agent.handleSum / agent.handled),
			repeat_share: r4(agent.repeats / agent.judged),
			others_lowest_repeat_share: r4(Math.min(...others.map(([, a]) => a.repeats / a.judged))),
			others_longest_mean_handle_s: r4(Math.max(...others.map(([, a]) => a.handleSum / a.handled)))
		},
		abandonment_rise: {
			store: STORES[s.abandonment.store]!.name,
			from_date: isoDate(s.abandonment.day),
			before: r4(abBefore / offBefore),
			after: r4(abAfter / offAfter),
			period_to: isoDate(period.to)
		}
	};
}
