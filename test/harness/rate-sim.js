// @ts-check
/**
 * The rate limiter against vendors that count their limit in different ways, on a virtual clock:
 * minutes of traffic in milliseconds, the same result every time. Items go through the limiter
 * as the transport sends them (nodes/shared/transport/retry.ts): a slot, the request, the answer
 * recorded; a 429 is retried (served first) until the account has been refused for Max Wait.
 *
 * Used by test/nodes/shared/transport/rate.test.ts (targets on every vendor shape) and by
 * `npm run bench:rate` (the same shapes through n8n's engine, on the real clock, compared).
 */
const { alwaysRefuses, earliestFinish, vendorShapes } = require('../emulator/rate-limits');

/** @typedef {import('../emulator/rate-limits').VendorAnswer} VendorAnswer */

/** A clock whose time moves only when everything else waits for it. */
class VirtualClock {
	constructor() {
		this.time = 0;
		this.seq = 0;
		/** @type {Array<{ at: number, seq: number, fire: () => void }>} */
		this.timers = [];
	}

	now() {
		return this.time;
	}

	/** @param {number} ms @param {AbortSignal} [signal] */
	sleep(ms, signal) {
		return new Promise((resolve, reject) => {
			if (signal?.aborted) {
				reject(new Error('aborted'));
				return;
			}
			const timer = {
				at: this.time + Math.max(0, ms),
				seq: this.seq++,
				fire: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(undefined);
				},
			};
			const onAbort = () => {
				const index = this.timers.indexOf(timer);
				if (index >= 0) this.timers.splice(index, 1);
				reject(new Error('aborted'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.timers.push(timer);
		});
	}

	/** Runs until `done()` or nothing is left to wait for; false if time ran past `limitMs`. */
	async run(/** @type {() => boolean} */ done, limitMs = 24 * 3600_000) {
		for (;;) {
			// Everything that is not waiting for the clock runs first.
			await new Promise((resolve) => setImmediate(resolve));
			if (done()) return true;
			if (this.timers.length === 0) return done();
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const timer = /** @type {{ at: number, seq: number, fire: () => void }} */ (
				this.timers.shift()
			);
			this.time = Math.max(this.time, timer.at);
			if (this.time > limitMs) return false;
			timer.fire();
		}
	}
}

/** A small deterministic pseudo-random sequence (latency jitter). */
function jitter(seed = 1) {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

/**
 * Runs `orders` items against `answer` on a virtual clock, split among `processes` (each its own
 * limiter, as n8n's queue-mode workers have) and within each among `executions` runs sharing the
 * process's limiter, each run `concurrency` items at a time.
 * @param {{
 *   RateLimiter: new (limit: number, windowMs: number, clock: VirtualClock) => any,
 *   answer: (at: number) => VendorAnswer,
 *   orders: number,
 *   limit?: number, windowMs?: number, concurrency?: number, executions?: number, processes?: number,
 *   maxWaitMs?: number, latencyMs?: number, jitterMs?: number, limitMs?: number,
 * }} options
 */
async function simulate(options) {
	const {
		RateLimiter,
		answer,
		orders,
		limit = 100,
		windowMs = 60_000,
		concurrency = 5,
		executions = 1,
		processes = 1,
		maxWaitMs = 600_000,
		latencyMs = 20,
		jitterMs = 10,
		limitMs,
	} = options;
	const clock = new VirtualClock();
	const limiters = Array.from({ length: processes }, () => new RateLimiter(limit, windowMs, clock));
	const random = jitter();
	const stats = { requests: 0, refused: 0, done: 0, gaveUp: 0, lastAnswer: 0, firstRequest: NaN };
	/** @type {Array<{ at: number, accepted: boolean }>} */
	const arrivals = [];

	async function item(/** @type {any} */ limiter) {
		let refused = false;
		for (;;) {
			const slot = await limiter.acquire({ maxWaitMs, retry: refused });
			if (slot === undefined) {
				stats.gaveUp++;
				return;
			}
			// Half the latency to the vendor, half back, each with some jitter.
			await clock.sleep(latencyMs / 2 + random() * jitterMs);
			const at = clock.now();
			if (Number.isNaN(stats.firstRequest)) stats.firstRequest = at;
			const result = answer(at);
			stats.requests++;
			arrivals.push({ at, accepted: result.accepted });
			await clock.sleep(latencyMs / 2 + random() * jitterMs);
			stats.lastAnswer = clock.now();
			if (result.accepted) {
				limiter.record(slot, 'accepted');
				stats.done++;
				return;
			}
			stats.refused++;
			const retryAfterMs = 'retryAfterS' in result ? (result.retryAfterS ?? 0) * 1000 : undefined;
			limiter.record(slot, 'refused', retryAfterMs);
			if (limiter.exhausted(maxWaitMs)) {
				stats.gaveUp++;
				return;
			}
			refused = true;
		}
	}

	async function execution(/** @type {any} */ limiter, /** @type {number} */ count) {
		let next = 0;
		await Promise.all(
			Array.from({ length: Math.min(concurrency, count) }, async () => {
				while (next < count) {
					next++;
					await item(limiter);
				}
			}),
		);
	}

	const runs = processes * executions;
	const perRun = Math.ceil(orders / runs);
	let finished = false;
	const all = Promise.all(
		Array.from({ length: runs }, (_, index) =>
			execution(limiters[index % processes], Math.min(perRun, orders - index * perRun)),
		),
	).then(() => {
		finished = true;
	});
	const completed = await clock.run(() => finished, limitMs);
	if (completed) await all;
	return {
		completed,
		endMs: clock.now(),
		wallMs: stats.lastAnswer,
		requests: stats.requests,
		refused: stats.refused,
		done: stats.done,
		gaveUp: stats.gaveUp,
		lost: orders - stats.done,
		arrivals,
		limiter: limiters[0],
		limiters,
	};
}

module.exports = { VirtualClock, vendorShapes, alwaysRefuses, earliestFinish, simulate };
