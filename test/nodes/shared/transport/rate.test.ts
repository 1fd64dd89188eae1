import { RateLimiter } from '../../../../nodes/shared/transport/rate';

/** Takes `count` slots one after another; the times (ms from start) they were given. */
async function take(limiter: RateLimiter, count: number): Promise<number[]> {
	const started = Date.now();
	const times: number[] = [];
	await Promise.all(
		Array.from({ length: count }, async () => {
			await limiter.acquire();
			times.push(Date.now() - started);
		}),
	);
	return times.sort((a, b) => a - b);
}

describe('RateLimiter: at most `limit` starts in any window', () => {
	test('a batch within the limit goes at once; the rest waits for the window to roll on', async () => {
		const limiter = new RateLimiter(5, 400);
		const times = await take(limiter, 8);
		// Lower bounds only: a busy machine can make waits longer, never shorter.
		expect(times.slice(0, 5).every((time) => time < 400)).toBe(true);
		expect(times.slice(5).every((time) => time >= 400)).toBe(true);
	});

	test('slots are given in the order they were asked for', async () => {
		const limiter = new RateLimiter(1, 100);
		const order: number[] = [];
		await Promise.all(
			[0, 1, 2, 3].map(async (index) => limiter.acquire().then(() => order.push(index))),
		);
		expect(order).toEqual([0, 1, 2, 3]);
	});

	test('429s lower the rate to what the vendor accepted in its window, however many one burst brings', async () => {
		const limiter = new RateLimiter(40, 1000);
		await take(limiter, 40);
		// The vendor accepted 20 of the 40: its 20 refusals arrive one by one.
		for (let i = 0; i < 20; i++) limiter.record(true);
		expect(limiter.rate).toBe(20);
		limiter.record(false);
		expect(limiter.rate).toBe(20);
	});

	test('success after a full window without a 429 raises the rate by one', async () => {
		const limiter = new RateLimiter(8, 200);
		await take(limiter, 8);
		for (let i = 0; i < 4; i++) limiter.record(true);
		expect(limiter.rate).toBe(4);
		await new Promise((resolve) => setTimeout(resolve, 350));
		limiter.record(false);
		expect(limiter.rate).toBe(5);
	});

	test('with no limit, a 429 sets one from what was accepted in the window', async () => {
		const limiter = new RateLimiter(0, 1000);
		expect(limiter.rate).toBe(Number.POSITIVE_INFINITY);
		await take(limiter, 10);
		limiter.record(true);
		expect(limiter.rate).toBe(9);
	});

	test('Retry-After holds every request of the account', async () => {
		const limiter = new RateLimiter(100, 1000);
		limiter.record(true, 300);
		const times = await take(limiter, 2);
		expect(times.every((time) => time >= 290)).toBe(true);
	});

	test('a wait ends at once when its signal aborts, and gives up after maxWaitMs', async () => {
		const limiter = new RateLimiter(1, 60_000);
		await limiter.acquire();
		const controller = new AbortController();
		const aborted = limiter.acquire(controller.signal);
		controller.abort();
		await expect(aborted).rejects.toThrow('aborted');
		await expect(limiter.acquire(undefined, 50)).resolves.toBe(false);
		expect(limiter.queued).toBe(0);
	});
});
