import { dayProfile, isoDate, type DayProfile } from './calendar';
import { CsvWriter, type OutputEncoding } from './csv';
import { STORES, type Period, type Plan } from './model';
import { Rng } from './random';

export const TRAFFIC_HEADER = ['日期', '门店', '客流量', '交易笔数'];

/** Visitors and transactions per store-day, kept in memory (stores × days numbers) as the complaint denominator. */
export interface Traffic {
	days: number;
	stores: number;
	visitors: Float64Array;
	transactions: Float64Array;
	profiles: DayProfile[];
}

export function buildTraffic(seed: number, period: Period, plan: Plan): Traffic {
	const rng = new Rng(seed, 'traffic');
	const n = period.days * STORES.length;
	const visitors = new Float64Array(n);
	const transactions = new Float64Array(n);
	const profiles: DayProfile[] = [];
	// each store drifts slowly: some neighbourhoods grow, some decline
	const growth = STORES.map(() => 0.06 * rng.normal());
	for (let i = 0; i < period.days; i++) {
		const profile = dayProfile(period.from + i);
		profiles.push(profile);
		STORES.forEach((s, k) => {
			const trend = 1 + (growth[k]! * i) / 365;
			const weather = rng.chance(0.012) ? 0.75 : 1;
			const v = Math.round(s.visitors * profile.traffic * trend * weather * Math.exp(0.07 * rng.normal()) * plan.transactionScale);
			const conversion = Math.min(0.45, Math.max(0.18, s.conversion + profile.conversionBoost + 0.012 * rng.normal()));
			visitors[i * STORES.length + k] = v;
			transactions[i * STORES.length + k] = Math.round(v * conversion);
		});
	}
	return { days: period.days, stores: STORES.length, visitors, transactions, profiles };
}

export async function writeTraffic(path: string, encoding: OutputEncoding, period: Period, traffic: Traffic): Promise<number> {
	const out = new CsvWriter(path, encoding, TRAFFIC_HEADER);
	for (let i = 0; i < period.days; i++) {
		const date = isoDate(period.from + i);
		for (let k = 0; k < STORES.length; k++) {
			const c = i * STORES.length + k;
			out.push(`${date},${STORES[k]!.name},${traffic.visitors[c]},${traffic.transactions[c]}`);
		}
		await out.flush();
	}
	await out.close();
	return out.rows;
}
