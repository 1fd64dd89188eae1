/* eslint-disable @n8n/community-nodes/no-restricted-globals -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * Many orders within the vendor's rate limit, through n8n's engine against the emulator limiting
 * API requests. Most tests scale the limit down (a few requests per second, the credential's
 * hidden window set to match) so they run fast; the vendors that count 100 a minute their own way
 * run at the real rate, with the credential at its default. The targets (wall time against the
 * earliest possible, 429s) are asserted exactly on a virtual clock in
 * test/nodes/shared/transport/rate.test.ts and printed for every shape by `npm run bench:rate`;
 * here, on the real clock, the bounds leave room for a busy machine and still fail on a limiter
 * that collapses.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { createEmulator } from '../emulator';
import { harness, useEmulator, withOwnEmulator } from '../harness/helpers';
import { orderSummaryWorkflow } from '../harness/workflows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const limits = require('../emulator/rate-limits') as {
	slidingWindow(limit: number, windowMs: number, ra: (ms: number) => object): unknown;
	calendarSeconds(perSecond: number, ra: (ms: number) => object): unknown;
	alwaysRefuses(retryAfterS?: number): unknown;
	earliestFinish(
		vendor: unknown,
		requests: number,
		budget?: { limit?: number; windowMs?: number },
	): number;
};

const emulator = useEmulator();

function stamp(
	items: Array<Record<string, unknown>>,
	credential: Record<string, unknown>,
	options: Record<string, unknown> = {},
	abortSignal?: AbortSignal,
	vendor: ReturnType<typeof createEmulator> = emulator,
) {
	return harness.run(orderSummaryWorkflow(items, { options }), {
		credentials: { surepassApi: { ...vendor.surepassCredential(), ...credential } as never },
		abortSignal,
	});
}

const orders = (count: number) =>
	Array.from({ length: count }, () => ({ id: 'bulk_stamp_v2_demoMixed00001' }));
const errorsOf = (outputs: INodeExecutionData[][]) => outputs.flat().filter((item) => item.error);

describe('many orders within the rate limit', () => {
	test('25 orders against 10 requests in any 2 s, the node left at its defaults: none lost', async () => {
		emulator.limitRate({ limit: 10, windowMs: 2000 });
		const result = await stamp(orders(25), { requestsPerMinute: 10, rateLimitWindowSeconds: 2 });
		expect(result.error).toBeUndefined();
		const outputs = result.outputs('Node');
		expect(errorsOf(outputs)).toEqual([]);
		// Every order routed: its pending, available and failed item.
		expect(outputs.map((items) => items.length)).toEqual([25, 25, 25]);
		// Paced: unpaced, 5 at a time, about half the requests would be refused. Not exactly 0: on a
		// busy machine a request can reach the server late enough to share a window with the next
		// window's first ones (npm run bench:rate measures the rate of 429s).
		expect(emulator.stats.rateLimited).toBeLessThanOrEqual(5);
	});

	test('a credential that allows more than the vendor: 429s lower the rate, and no order is lost', async () => {
		emulator.limitRate({ limit: 10, windowMs: 2000 });
		const result = await stamp(orders(30), { requestsPerMinute: 40, rateLimitWindowSeconds: 2 });
		expect(errorsOf(result.outputs('Node'))).toEqual([]);
		expect(result.outputs('Node').map((items) => items.length)).toEqual([30, 30, 30]);
		expect(emulator.stats.rateLimited).toBeGreaterThan(0);
	});

	test('a cancel while orders wait for a slot ends the run at once', async () => {
		const controller = new AbortController();
		// One request a minute: the second and third order wait for a slot.
		const running = stamp(orders(3), { requestsPerMinute: 1 }, {}, controller.signal);
		const deadline = Date.now() + 30_000;
		while (emulator.requestsTo('surepass').length === 0 && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 20));
		await new Promise((resolve) => setTimeout(resolve, 200));
		const cancelledAt = Date.now();
		controller.abort();
		const result = await running;
		// Far under the minute the next slot would take.
		expect(Date.now() - cancelledAt).toBeLessThan(5000);
		expect(result.run.status).toBe('canceled');
		expect(emulator.requestsTo('surepass')).toHaveLength(1);
	});

	test('an order gives up on the rate limit after Max Wait on Rate Limit, saying how long it tried and what to change', async () => {
		emulator.limitRate({ limit: 0, windowMs: 60_000 });
		const result = await stamp(
			orders(1),
			{ requestsPerMinute: 10, rateLimitWindowSeconds: 1 },
			{ rateLimitWaitSeconds: 2 },
		);
		const [error] = errorsOf(result.outputs('Node')).map(
			(item) => item.error as unknown as { message: string; description: string },
		);
		expect(error.message).toMatch(
			/^Order "bulk_stamp_v2_demoMixed00001": Surepass's rate limit was reached \(the order kept trying for 2 s, \d+ attempts\) \[item 0\]$/,
		);
		expect(error.description).toContain(
			"The account's rate is set in the credential (Requests per Minute)",
		);
		expect(error.description).toContain("raise Max Wait on Rate Limit in the node's options");
	});
});

describe('vendors that count their limit their own way', () => {
	/**
	 * 240 orders against a vendor shape on an emulator of its own, the credential at 100 requests
	 * in any 20 s: the default's 100 a minute, three times as fast, so that the test takes a minute.
	 * (Not withOwnEmulator: two of these run at once, and it cancels every run when it ends.)
	 */
	async function against(vendor: () => unknown) {
		const own = createEmulator();
		await own.start();
		try {
			own.limitRate({ vendor: vendor() as never });
			const started = Date.now();
			const result = await stamp(
				orders(240),
				{ requestsPerMinute: 100, rateLimitWindowSeconds: 20 },
				{},
				undefined,
				own,
			);
			const wallMs = Date.now() - started;
			const outputs = result.outputs('Node');
			return {
				errors: errorsOf(outputs).length,
				routed: outputs.map((items) => items.length),
				requests: own.requestsTo('surepass').length,
				refused: own.stats.rateLimited,
				wallMs,
				earliestMs: limits.earliestFinish(vendor(), 240, { limit: 100, windowMs: 20_000 }),
			};
		} finally {
			await own.stop();
		}
	}

	test('10 in any 2 s and 6 per calendar second (as 10 in any 6 s and 2 per second are to 100 a minute): none lost, few 429s, no collapse', async () => {
		const none = () => ({});
		// Both at once, each on its own account: the test takes as long as the longer one.
		const [window, perSecond] = await Promise.all([
			against(() => limits.slidingWindow(10, 2000, none)),
			against(() => limits.calendarSeconds(6, none)),
		]);
		// n8n's log says, at info level, how each run's rate was set and where it settled.
		const settled = harness.logger.lines.filter((line) =>
			line.startsWith("info: Node: the Surepass account's rate settled at"),
		);
		// The credential's rate (100 in 20 s, 4% wider), and why: the vendor refused a burst, or,
		// on a busy machine, a request that arrived early was refused and the rate came back.
		expect(settled.slice(-2)).toEqual([
			expect.stringMatching(/settled at 28\d requests a minute, spaced evenly: \w/),
			expect.stringMatching(/settled at 28\d requests a minute, spaced evenly: \w/),
		]);
		for (const run of [window, perSecond]) {
			expect(run.errors).toBe(0);
			expect(run.routed).toEqual([240, 240, 240]);
			// A burst's worth (the concurrency) and one probe; the target is at most 5%.
			expect(run.refused / run.requests).toBeLessThanOrEqual(0.05);
			// Collapsed to "what the vendor took in the last window" it took 5x the earliest and
			// more; the 1.15x target is checked on a virtual clock (rate.test.ts).
			expect(run.wallMs / run.earliestMs).toBeLessThan(1.5);
		}
	});

	test('a vendor that refuses everything: 500 orders end at Max Wait on Rate Limit, each one error, requests bounded', async () => {
		await withOwnEmulator(async (own) => {
			own.limitRate({ vendor: limits.alwaysRefuses(1) as never });
			const started = Date.now();
			const result = await stamp(
				orders(500),
				{ requestsPerMinute: 100 },
				{ rateLimitWaitSeconds: 10, maxRetries: 1, maxConcurrency: 50 },
				undefined,
				own,
			);
			const wallMs = Date.now() - started;
			const errors = errorsOf(result.outputs('Node'));
			expect(errors).toHaveLength(500);
			expect(new Set(errors.map((item) => (item.pairedItem as { item: number }).item)).size).toBe(
				500,
			);
			const messages = new Set(errors.map((item) => (item.error as { message: string }).message));
			for (const message of messages)
				expect(message).toMatch(
					/^Order "bulk_stamp_v2_demoMixed00001": Surepass's rate limit was reached \((the order kept trying for 10 s, \d+ attempts?|the account was refused for 10 s; the order was not sent)\) \[item \d+\]$/,
				);
			// Max Wait and one request's time; before, this run went on for over 15 minutes.
			expect(wallMs).toBeLessThan(15_000);
			// The first 50 at once (the concurrency), then the limiter's pace: no herd.
			const requests = own.requestsTo('surepass').length;
			expect(requests).toBeLessThan(100);
			// Nothing is sent once the run has ended.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(own.requestsTo('surepass')).toHaveLength(requests);
		});
	});
});
