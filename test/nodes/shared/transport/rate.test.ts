/**
 * The rate limiter on a virtual clock (test/harness/rate-sim.js): every wait is exact and no test
 * depends on how busy the machine is. The vendor shapes are the ones `npm run bench:rate` runs
 * through n8n's engine on the real clock.
 */
import type { Slot } from '../../../../nodes/shared/transport/rate';
import { RateLimiter } from '../../../../nodes/shared/transport/rate';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sim = require('../../../harness/rate-sim') as {
	VirtualClock: new () => {
		now(): number;
		sleep(ms: number, signal?: AbortSignal): Promise<void>;
		run(done: () => boolean, limitMs?: number): Promise<boolean>;
	};
	vendorShapes(options?: { retryAfter?: boolean }): Array<{
		name: string;
		noBurst?: boolean;
		vendor: () => (at: number) => { accepted: boolean };
	}>;
	alwaysRefuses(retryAfterS?: number): (at: number) => { accepted: boolean };
	earliestFinish(
		vendor: (at: number) => { accepted: boolean },
		requests: number,
		budget?: { limit?: number; windowMs?: number },
	): number;
	simulate(options: Record<string, unknown>): Promise<{
		completed: boolean;
		endMs: number;
		wallMs: number;
		requests: number;
		refused: number;
		lost: number;
		gaveUp: number;
		arrivals: Array<{ at: number; accepted: boolean }>;
		limiter: RateLimiter;
	}>;
};

type Clock = InstanceType<typeof sim.VirtualClock>;

/** A limiter on a virtual clock, and a way to take slots and see when they were given. */
function setup(limit: number, windowMs: number) {
	const clock = new sim.VirtualClock();
	const limiter = new RateLimiter(limit, windowMs, clock);
	/** Takes `count` slots (asked for at once, in order); resolves with them and their times. */
	async function take(count: number, options: Parameters<RateLimiter['acquire']>[0] = {}) {
		const taken: Array<{ index: number; at: number; slot: Slot | undefined }> = [];
		let settled = 0;
		for (let index = 0; index < count; index++) {
			void limiter.acquire(options).then(
				(slot) => {
					taken.push({ index, at: clock.now(), slot });
					settled++;
				},
				() => settled++,
			);
		}
		await clock.run(() => settled === count);
		return taken;
	}
	return { clock, limiter, take };
}

/** Lets the virtual clock run `ms` with nothing else happening. */
async function pass(clock: Clock, ms: number) {
	let done = false;
	void clock.sleep(ms).then(() => (done = true));
	await clock.run(() => done);
}

describe("RateLimiter: the credential's budget", () => {
	test('a batch within the budget goes at once; the rest waits for the window to roll on', async () => {
		const { take } = setup(5, 1000);
		const times = (await take(8)).map((entry) => entry.at);
		expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
		// The window and its margin (100 ms for a 1 s window) after the first starts.
		expect(times.slice(5)).toEqual([1101, 1101, 1101]);
	});

	test('slots are given in the order they were asked for', async () => {
		const { take } = setup(1, 100);
		expect((await take(4)).map((entry) => entry.index)).toEqual([0, 1, 2, 3]);
	});

	test('a request the vendor refused (a retry) is served before those that wait for their first', async () => {
		const { clock, limiter } = setup(1, 1000);
		const first = (await limiter.acquire()) as Slot;
		const order: string[] = [];
		void limiter.acquire().then(() => order.push('new'));
		void limiter.acquire({ retry: true }).then(() => order.push('retry'));
		limiter.record(first, 'accepted');
		await clock.run(() => order.length === 2);
		expect(order).toEqual(['retry', 'new']);
	});
});

describe('RateLimiter: what the vendor shows it accepts', () => {
	test('the first 429 spaces requests evenly at the credential rate, not slower', async () => {
		const { clock, limiter, take } = setup(100, 60_000);
		const burst = (await take(10)).map((entry) => entry.slot as Slot);
		for (const slot of burst.slice(0, 5)) limiter.record(slot, 'accepted');
		limiter.record(burst[5], 'refused');
		expect(limiter.spaced).toBe(true);
		// The credential's 100 a minute, 4% wider: every 624 ms.
		expect(Math.round(limiter.perMinute)).toBe(96);
		const started = clock.now();
		const times = (await take(3)).map((entry) => entry.at - started);
		expect(times).toEqual([624, 1248, 1872]);
	});

	test('a refused probe means the vendor counts a window: spacing resumes once the burst is paid for', async () => {
		const { limiter, take } = setup(100, 60_000);
		const burst = (await take(12)).map((entry) => entry.slot as Slot);
		for (const slot of burst.slice(0, 10)) limiter.record(slot, 'accepted');
		limiter.record(burst[10], 'refused');
		limiter.record(burst[11], 'refused');
		const [probe] = await take(1);
		expect(probe.slot?.probe).toBe(true);
		limiter.record(probe.slot as Slot, 'refused');
		const [next] = await take(1);
		// The 10 accepted (and answered) at 0, paid for at 624 ms each.
		expect(next.at).toBe(6240);
	});

	test("Retry-After says when to resume, for the whole account, and then the rate is the credential's", async () => {
		const { limiter, take } = setup(100, 60_000);
		const [first] = await take(1);
		limiter.record(first.slot as Slot, 'refused', 3000);
		const times = (await take(3)).map((entry) => entry.at);
		expect(times).toEqual([3000, 3624, 4248]);
		expect(Math.round(limiter.perMinute)).toBe(96);
	});

	test('a 429 while spaced evenly cuts the rate once per round, and success brings it back within seconds', async () => {
		const { clock, limiter, take } = setup(100, 60_000);
		const [first] = await take(1);
		limiter.record(first.slot as Slot, 'refused', 1);
		const refused = (await take(2)).map((entry) => entry.slot as Slot);
		limiter.record(refused[0], 'refused');
		// A second 429 for a request sent before the cut does not cut again.
		limiter.record(refused[1], 'refused');
		expect(Math.round(limiter.perMinute)).toBe(67);
		// The vendor accepts again: within 30 s the rate is back to the credential's.
		const started = clock.now();
		while (limiter.perMinute < 96 && clock.now() - started < 60_000) {
			const [ok] = await take(1);
			limiter.record(ok.slot as Slot, 'accepted');
		}
		expect(Math.round(limiter.perMinute)).toBe(96);
		// The hold after the cut (1 s), then back to where it was refused within 30 s.
		expect(clock.now() - started).toBeLessThanOrEqual(33_000);
	});

	test('429s after a cut, before anything is accepted, wait longer each time instead of cutting the rate again', async () => {
		const { limiter, take } = setup(100, 60_000);
		const [first] = await take(1);
		limiter.record(first.slot as Slot, 'refused', 1);
		const [cutting] = await take(1);
		limiter.record(cutting.slot as Slot, 'refused');
		expect(Math.round(limiter.perMinute)).toBe(67);
		// A vendor whose window is full refuses everything until it rolls on: the rate stays, the
		// gaps double (891 ms is the cut rate's interval).
		const times: number[] = [];
		for (let i = 0; i < 3; i++) {
			const [refused] = await take(1);
			times.push(refused.at);
			limiter.record(refused.slot as Slot, 'refused');
		}
		expect(Math.round(limiter.perMinute)).toBe(67);
		expect([times[1] - times[0], times[2] - times[1]].map(Math.round)).toEqual([1783, 3566]);
	});

	test('refused again once the burst is paid for: the window is taken as twice as long, then twice again', async () => {
		const { limiter, take } = setup(100, 60_000);
		const burst = (await take(6)).map((entry) => entry.slot as Slot);
		for (const slot of burst.slice(0, 5)) limiter.record(slot, 'accepted');
		limiter.record(burst[5], 'refused');
		const [probe] = await take(1);
		limiter.record(probe.slot as Slot, 'refused');
		const [paid] = await take(1);
		// 5 paid for at 624 ms each.
		expect(paid.at).toBe(3120);
		limiter.record(paid.slot as Slot, 'refused');
		const [twice] = await take(1);
		expect(twice.at).toBe(6240);
		// 5 per 6.24 s, 4% wider.
		expect(Math.round(limiter.perMinute)).toBe(46);
		limiter.record(twice.slot as Slot, 'refused');
		const [again] = await take(1);
		expect(again.at).toBe(12_480);
		limiter.record(again.slot as Slot, 'accepted');
		expect(Math.round(limiter.perMinute)).toBe(23);
	});

	test('a wait ends at once when its signal aborts', async () => {
		const { limiter } = setup(1, 60_000);
		await limiter.acquire();
		const controller = new AbortController();
		const aborted = limiter.acquire({ signal: controller.signal });
		controller.abort();
		await expect(aborted).rejects.toThrow('aborted');
		expect(limiter.queued).toBe(0);
	});
});

describe('RateLimiter: Max Wait on Rate Limit counts from the moment the account is refused', () => {
	test('a request that never got a slot gives up when the account has been refused for its Max Wait', async () => {
		const { clock, limiter } = setup(1, 60_000);
		const sent = (await limiter.acquire()) as Slot;
		let result: Slot | undefined | 'waiting' = 'waiting';
		void limiter.acquire({ maxWaitMs: 5000 }).then((slot) => (result = slot));
		await pass(clock, 1000);
		limiter.record(sent, 'refused');
		await clock.run(() => result !== 'waiting');
		expect(result).toBeUndefined();
		expect(clock.now()).toBe(6000);
		expect(limiter.refusedForMs()).toBe(5000);
	});

	test('an accepted answer ends the refusal: nobody gives up while the account makes progress', async () => {
		const { clock, limiter } = setup(100, 60_000);
		const [a, b] = [(await limiter.acquire()) as Slot, (await limiter.acquire()) as Slot];
		limiter.record(a, 'refused');
		expect(limiter.exhausted(0)).toBe(true);
		limiter.record(b, 'accepted');
		expect(limiter.exhausted(0)).toBe(false);
		expect(limiter.refusedForMs()).toBeUndefined();
		void clock;
	});

	test('a Retry-After past Max Wait ends the wait at once', async () => {
		const { limiter } = setup(100, 60_000);
		const slot = (await limiter.acquire()) as Slot;
		limiter.record(slot, 'refused', 3_600_000);
		expect(limiter.exhausted(600_000)).toBe(true);
		await expect(limiter.acquire({ maxWaitMs: 600_000 })).resolves.toBeUndefined();
	});

	test('500 orders against a vendor that refuses everything end at Max Wait, with requests bounded', async () => {
		for (const retryAfterS of [1, undefined]) {
			const result = await sim.simulate({
				RateLimiter,
				answer: sim.alwaysRefuses(retryAfterS),
				orders: 500,
				concurrency: 50,
				maxWaitMs: 10_000,
			});
			expect(result.gaveUp).toBe(500);
			// Max Wait after the first 429, and one request's time.
			expect(result.endMs).toBeLessThanOrEqual(10_000 + 100);
			// The first 50 at once (the concurrency), then about one a second at most.
			expect(result.requests).toBeLessThanOrEqual(50 + 12);
		}
	});
});

describe('RateLimiter against vendors that count 100 a minute their own way (credential at its default)', () => {
	const cases = [false, true].flatMap((retryAfter) =>
		sim.vendorShapes({ retryAfter }).flatMap((shape) =>
			[
				{ orders: 120, executions: 1 },
				{ orders: 600, executions: 1 },
				{ orders: 600, executions: 2 },
			].map((size) => ({
				...size,
				shape,
				retryAfter,
				label: `${shape.name}${retryAfter ? ', Retry-After' : ''}: ${size.orders} orders${size.executions > 1 ? ', two executions' : ''}`,
			})),
		),
	);

	test.each(cases)('$label', async ({ shape, orders, executions }) => {
		const result = await sim.simulate({
			RateLimiter,
			answer: shape.vendor(),
			orders,
			executions,
		});
		expect(result.lost).toBe(0);
		// The earliest this vendor allows to a client that keeps the credential's 100 in any minute.
		const earliest = sim.earliestFinish(shape.vendor(), orders, { limit: 100, windowMs: 60_000 });
		expect(result.wallMs / earliest).toBeLessThanOrEqual(shape.noBurst ? 1.3 : 1.15);
		expect(result.refused / result.requests).toBeLessThanOrEqual(shape.noBurst ? 0.1 : 0.05);
	});
});
