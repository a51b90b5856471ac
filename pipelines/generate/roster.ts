import { DEPARTMENTS, LENIENT_REVIEWER, STORES, type Department, type Period, type Plan } from './model';
import { personName, type Gender } from './names';
import { Rng } from './random';

/**
 * The staff roster over the period: the people in post on the first day, leavers (about 13% a year,
 * supervisors excepted) and their replacements, hired weeks later into the same post.
 */

export interface StaffMember {
	id: string;
	name: string;
	gender: Gender;
	store: number;
	department: Department;
	position: string;
	/** epoch days */
	hireDay: number;
	/** last working day, or null while in post at the end of the period */
	leaveDay: number | null;
	/** the appraisal level the person works at (0-100) */
	ability: number;
	/** per-dimension offsets of the five appraisal dimensions */
	traits: number[];
	lowPerformer: boolean;
	supervisor: boolean;
}

const YEARLY_ATTRITION = 0.13;

function positionOf(department: Department, slot: number, headcount: number): { position: string; supervisor: boolean } {
	switch (department) {
		case '客服中心':
			return slot === 0 ? { position: '客服主管', supervisor: true } : { position: '客服专员', supervisor: false };
		case '收银部':
			return slot === 0 && headcount >= 3 ? { position: '收银主管', supervisor: true } : { position: '收银员', supervisor: false };
		case '物流部':
			return { position: '配送专员', supervisor: false };
		case '物业部':
			return { position: '物业专员', supervisor: false };
		default:
			return slot === 0 && headcount >= 2 ? { position: '柜组长', supervisor: true } : { position: '导购员', supervisor: false };
	}
}

type Draft = Omit<StaffMember, 'id'> & { initial: boolean; order: number };

export function buildRoster(seed: number, period: Period, plan: Plan): StaffMember[] {
	const rng = new Rng(seed, 'staff');
	const drafts: Draft[] = [];
	const person = (
		storeIndex: number,
		department: Department,
		slot: number,
		headcount: number,
		hireDay: number,
		initial: boolean
	): Draft => {
		const gender: Gender = rng.chance(department === '家电部' || department === '物流部' ? 0.3 : 0.62) ? 'F' : 'M';
		const { position, supervisor } = positionOf(department, slot, headcount);
		return {
			name: personName(rng, gender),
			gender,
			store: storeIndex,
			department,
			position,
			hireDay,
			leaveDay: null,
			ability: 86 + 2.6 * rng.normal() + (supervisor ? 1.5 : 0),
			traits: Array.from({ length: 5 }, () => 2.5 * rng.normal()),
			lowPerformer: false,
			supervisor,
			initial,
			order: drafts.length
		};
	};
	STORES.forEach((s, storeIndex) => {
		DEPARTMENTS.forEach((department, d) => {
			const headcount = s.headcount[d] ?? 0;
			for (let slot = 0; slot < headcount; slot++) {
				const tenure = Math.min(15 * 365, 20 + Math.floor(-Math.log(1 - rng.float()) * 4 * 365));
				let current = person(storeIndex, department, slot, headcount, period.from - tenure - (slot === 0 ? 3 * 365 : 0), true);
				drafts.push(current);
				// Supervisors stay; others may leave, and their post is filled again some weeks later.
				while (!current.supervisor) {
					const start = Math.max(current.hireDay, period.from);
					const leave = start + Math.floor((-Math.log(1 - rng.float()) / YEARLY_ATTRITION) * 365);
					if (leave > period.to) break;
					current.leaveDay = leave;
					const hire = leave + rng.range(10, 60);
					if (hire > period.to) break;
					current = person(storeIndex, department, slot, headcount, hire, false);
					drafts.push(current);
				}
			}
		});
	});

	// A few weak performers: not under the lenient reviewer, in post for at least half a year.
	const candidates = drafts.filter(
		(p) =>
			!p.supervisor && STORES[p.store]!.reviewer !== LENIENT_REVIEWER && (p.leaveDay ?? period.to) - Math.max(p.hireDay, period.from) >= 180
	);
	for (let i = 0; i < plan.lowPerformers && candidates.length > 0; i++) {
		const [p] = candidates.splice(rng.int(candidates.length), 1);
		p!.lowPerformer = true;
		p!.ability = 74 + 1.5 * rng.normal();
	}

	// Ids follow the hiring order: those in post first (by store and department), then new hires by date.
	const sorted = [
		...drafts.filter((p) => p.initial),
		...drafts.filter((p) => !p.initial).sort((a, b) => a.hireDay - b.hireDay || a.order - b.order)
	];
	const width = Math.max(4, String(sorted.length).length);
	return sorted.map(({ initial: _initial, order: _order, ...p }, i) => ({ ...p, id: `S${String(i + 1).padStart(width, '0')}` }));
}

export function isActive(p: StaffMember, day: number): boolean {
	return p.hireDay <= day && (p.leaveDay === null || p.leaveDay >= day);
}

/** Staff in post on one day, by store and department (rebuilt once per day by the row generators). */
export class ActiveStaff {
	private day = Number.NaN;
	private byStoreDept: StaffMember[][] = [];
	private byStore: StaffMember[][] = [];

	constructor(private readonly roster: readonly StaffMember[]) {}

	on(day: number): this {
		if (day === this.day) return this;
		this.day = day;
		this.byStoreDept = Array.from({ length: STORES.length * DEPARTMENTS.length }, () => []);
		this.byStore = Array.from({ length: STORES.length }, () => []);
		for (const p of this.roster) {
			if (!isActive(p, day)) continue;
			this.byStoreDept[p.store * DEPARTMENTS.length + DEPARTMENTS.indexOf(p.department)]!.push(p);
			this.byStore[p.store]!.push(p);
		}
		return this;
	}

	in(store: number, department: Department): readonly StaffMember[] {
		return this.byStoreDept[store * DEPARTMENTS.length + DEPARTMENTS.indexOf(department)]!;
	}

	atStore(store: number): readonly StaffMember[] {
		return this.byStore[store]!;
	}
}
