/**
 * Many orders within the vendor's rate limit, through n8n's engine against the emulator limiting
 * API requests with a sliding window (Surepass documents 100 a minute; scaled down here to a few
 * requests per second, with the credential's hidden window set to match, so the tests run fast).
 * The figures (429s, wall time against the floor) are printed by `npm run bench:rate`.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { harness, useEmulator } from '../harness/helpers';
import { orderSummaryWorkflow } from '../harness/workflows';

const emulator = useEmulator();

function stamp(
	items: Array<Record<string, unknown>>,
	credential: Record<string, unknown>,
	options: Record<string, unknown> = {},
	abortSignal?: AbortSignal,
) {
	return harness.run(orderSummaryWorkflow(items, { options }), {
		credentials: { surepassApi: { ...emulator.surepassCredential(), ...credential } as never },
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
			/^Surepass's rate limit was reached \(the order kept trying for 2 s, \d+ attempts\)$/,
		);
		expect(error.description).toContain(
			"The account's rate is set in the credential (Requests per Minute)",
		);
		expect(error.description).toContain("raise Max Wait on Rate Limit in the node's options");
	});
});
