/**
 * A seeded pseudo-random generator (xoshiro128**) and the few distributions the generator needs.
 * Every stream is derived from the user's seed and a stream name, so adding draws to one kind
 * (say surveys) never shifts the values of another (say complaints).
 */

function fnv1a(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

function splitmix32(state: number): () => number {
	let s = state >>> 0;
	return () => {
		s = (s + 0x9e3779b9) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return (z ^ (z >>> 16)) >>> 0;
	};
}

const TWO_32 = 4294967296;

export class Rng {
	private s0: number;
	private s1: number;
	private s2: number;
	private s3: number;

	constructor(seed: number | string, stream: string) {
		const mix = splitmix32(fnv1a(`${seed}\u0000${stream}`));
		this.s0 = mix();
		this.s1 = mix();
		this.s2 = mix();
		this.s3 = mix();
		if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
	}

	/** uniform 32-bit unsigned integer */
	next(): number {
		const s1 = this.s1;
		const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
		const t = s1 << 9;
		this.s2 ^= this.s0;
		this.s3 ^= this.s1;
		this.s1 ^= this.s2;
		this.s0 ^= this.s3;
		this.s2 ^= t;
		this.s3 = rotl(this.s3, 11);
		return r >>> 0;
	}

	/** uniform in [0, 1) */
	float(): number {
		return this.next() / TWO_32;
	}

	/** uniform integer in [0, n) */
	int(n: number): number {
		return Math.floor(this.float() * n);
	}

	/** uniform integer in [lo, hi] */
	range(lo: number, hi: number): number {
		return lo + this.int(hi - lo + 1);
	}

	chance(p: number): boolean {
		return this.float() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)] as T;
	}

	/** standard normal (Box-Muller, one value per call) */
	normal(): number {
		const u1 = 1 - this.float();
		const u2 = this.float();
		return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
	}

	/** log-normal with the given median and log-scale sigma: long right tails */
	logNormal(median: number, sigma: number): number {
		return median * Math.exp(sigma * this.normal());
	}

	/** Binomial(n, p): exact inversion for small means, a rounded normal approximation otherwise. */
	binomial(n: number, p: number): number {
		if (n <= 0 || p <= 0) return 0;
		if (p >= 1) return n;
		const mean = n * p;
		if (mean < 30) {
			const q = 1 - p;
			let pmf = Math.exp(n * Math.log1p(-p));
			let cdf = pmf;
			const u = this.float();
			let k = 0;
			while (u > cdf && k < n) {
				pmf *= ((n - k) / (k + 1)) * (p / q);
				k++;
				cdf += pmf;
				if (pmf < 1e-300 && k > mean) break;
			}
			return k;
		}
		const k = Math.round(mean + Math.sqrt(mean * (1 - p)) * this.normal());
		return Math.min(n, Math.max(0, k));
	}
}

function rotl(x: number, k: number): number {
	return (x << k) | (x >>> (32 - k));
}

/** A fixed discrete distribution: draw an index with probability proportional to its weight. */
export class Weighted<T> {
	private readonly cumulative: Float64Array;
	readonly total: number;

	constructor(
		readonly items: readonly T[],
		weights: readonly number[]
	) {
		if (items.length !== weights.length || items.length === 0) throw new Error('Weighted: items and weights differ in length');
		this.cumulative = new Float64Array(weights.length);
		let sum = 0;
		weights.forEach((w, i) => {
			if (!(w >= 0)) throw new Error(`Weighted: bad weight ${w}`);
			sum += w;
			this.cumulative[i] = sum;
		});
		if (sum <= 0) throw new Error('Weighted: weights sum to zero');
		this.total = sum;
	}

	index(rng: Rng): number {
		const u = rng.float() * this.total;
		const c = this.cumulative;
		let lo = 0;
		let hi = c.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (u < c[mid]!) hi = mid;
			else lo = mid + 1;
		}
		return lo;
	}

	draw(rng: Rng): T {
		return this.items[this.index(rng)] as T;
	}
}

/**
 * Splits exactly `total` events over cells with probability proportional to their weights
 * (a multinomial draw done as successive conditional binomials, in cell order).
 */
export function allocate(rng: Rng, total: number, weights: Float64Array): Uint32Array {
	const out = new Uint32Array(weights.length);
	let remainingWeight = 0;
	let lastPositive = -1;
	for (let i = 0; i < weights.length; i++) {
		remainingWeight += weights[i]!;
		if (weights[i]! > 0) lastPositive = i;
	}
	if (lastPositive < 0) {
		if (total > 0) throw new Error('allocate: no cell has a positive weight');
		return out;
	}
	let remaining = total;
	for (let i = 0; i <= lastPositive && remaining > 0; i++) {
		const w = weights[i]!;
		if (w <= 0) continue;
		// the last positive cell takes the remainder, so rounding never loses an event
		const p = i === lastPositive ? 1 : Math.min(1, w / remainingWeight);
		const k = rng.binomial(remaining, p);
		out[i] = k;
		remaining -= k;
		remainingWeight -= w;
	}
	return out;
}
