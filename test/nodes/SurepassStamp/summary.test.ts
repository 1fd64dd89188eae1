import seedSample from '../../fixtures/surepass/seed-sample.json';
import seedShort from '../../fixtures/surepass/seed-sample-short.json';
import { interpretSummary } from '../../../nodes/SurepassStamp/api';
import { parseStampOrderSummary, routeSummary } from '../../../nodes/SurepassStamp/summary';
import type { HttpResponse } from '../../../nodes/shared/transport';

const SEED_ID = 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL';

function parsed(data: unknown, id = SEED_ID) {
	const result = parseStampOrderSummary(data, id);
	if (!result.ok) throw new Error(result.problem);
	return result.summary;
}

function response(status: number, body: unknown): HttpResponse {
	return {
		kind: 'response',
		status,
		headers: { 'content-type': 'application/json' },
		body: typeof body === 'string' ? body : JSON.stringify(body),
		attempts: 1,
	};
}

describe('parseStampOrderSummary with the seed payloads', () => {
	test('the curl sample: two available stamps, nothing pending or failed', () => {
		expect(parsed(seedSample.data)).toEqual({
			bulkOrderId: SEED_ID,
			vendorClientId: SEED_ID,
			quantity: 2,
			branches: [
				{ status: 'pending', output: 0, stampIds: [], reportedCount: 0 },
				{
					status: 'available',
					output: 1,
					stampIds: ['stamp_v2_ltIyIpbNoVxnclqhEVey', 'stamp_v2_mIaLighXQDcmgcijVceD'],
					reportedCount: 2,
				},
				{ status: 'failed', output: 2, stampIds: [], reportedCount: 0 },
			],
			unlistedCount: 0,
			warnings: [],
		});
	});

	test('the first sample answers for another client_id than asked: the ID asked for is kept, with a warning', () => {
		// The seed's request body says bulk_stamp_v2_vomMHvHneclzTL; its response says bulk_stamp_v2_vomMHvKlzTPL.
		const summary = parsed(seedShort.data, 'bulk_stamp_v2_vomMHvHneclzTL');
		expect(summary.bulkOrderId).toBe('bulk_stamp_v2_vomMHvHneclzTL');
		expect(summary.vendorClientId).toBe('bulk_stamp_v2_vomMHvKlzTPL');
		expect(summary.warnings).toEqual([
			'Surepass answered with client_id "bulk_stamp_v2_vomMHvKlzTPL" for the order "bulk_stamp_v2_vomMHvHneclzTL"',
		]);
	});
});

describe('parseStampOrderSummary tolerance', () => {
	const base = { client_id: SEED_ID, quantity: 2 };
	test('counts as strings become numbers', () => {
		const summary = parsed({
			...base,
			quantity: ' 2 ',
			summary: {
				pending: { count: '1', stamps: ['stamp_v2_a'] },
				available: { count: '1', stamps: ['stamp_v2_b'] },
				failed: { count: '0', stamps: [] },
			},
		});
		expect(summary.quantity).toBe(2);
		expect(summary.branches.map((b) => b.reportedCount)).toEqual([1, 1, 0]);
		expect(summary.warnings).toEqual([]);
	});

	test('a missing branch, null stamps and a missing count are empty, not errors', () => {
		const summary = parsed({
			...base,
			summary: {
				available: { stamps: ['stamp_v2_a', 'stamp_v2_b'] },
				failed: { count: 0, stamps: null },
			},
		});
		expect(summary.branches.map((b) => b.stampIds)).toEqual([[], ['stamp_v2_a', 'stamp_v2_b'], []]);
		expect(summary.warnings).toEqual([]);
	});

	test('a count that disagrees with its list: the list wins and the summary says so', () => {
		const summary = parsed({
			...base,
			summary: { available: { count: 5, stamps: ['stamp_v2_a', 'stamp_v2_b'] } },
		});
		expect(summary.branches[1].stampIds).toHaveLength(2);
		expect(summary.warnings).toEqual([
			'Surepass counts 5 available stamp(s) but lists 2; the list is used',
		]);
	});

	test('a count that is not a number is noted and the list counted', () => {
		const summary = parsed({
			...base,
			summary: { available: { count: 'two', stamps: ['stamp_v2_a', 'stamp_v2_b'] } },
		});
		expect(summary.warnings).toEqual([
			'"summary.available.count" is not a whole number ("two"); the list was counted instead',
		]);
	});

	test('a missing quantity is the number listed, with a warning', () => {
		const summary = parsed({
			client_id: SEED_ID,
			summary: { failed: { count: 1, stamps: ['stamp_v2_a'] } },
		});
		expect(summary.quantity).toBe(1);
		expect(summary.warnings).toEqual([
			'"quantity" is missing: it is taken as the number of stamps listed',
		]);
	});

	test('the same stamp in two branches is kept in both and flagged', () => {
		const summary = parsed({
			...base,
			summary: {
				pending: { count: 1, stamps: ['stamp_v2_a'] },
				available: { count: 1, stamps: ['stamp_v2_a'] },
			},
		});
		expect(summary.branches.map((b) => b.stampIds)).toEqual([['stamp_v2_a'], ['stamp_v2_a'], []]);
		expect(summary.warnings).toEqual(['Stamp stamp_v2_a is listed as both pending and available']);
	});

	test.each([
		[null, '"data" is null, expected the order summary object'],
		[[1], '"data" is a JSON array, expected the order summary object'],
		[{ client_id: SEED_ID }, 'the response has no "summary", so the stamps cannot be routed'],
		[
			{ summary: 'x' },
			'"summary" is a JSON string, expected an object with pending, available and failed',
		],
		[{ summary: { pending: [] } }, '"summary.pending" is a JSON array, expected an object'],
		[
			{ summary: { failed: { stamps: 'stamp_v2_a' } } },
			'"summary.failed.stamps" is a JSON string, expected a list of stamp IDs',
		],
		[
			{ summary: { failed: { stamps: ['stamp_v2_a', 7] } } },
			'"summary.failed.stamps[1]" is a JSON number, expected a stamp ID',
		],
	])('unreadable: %j', (data, problem) => {
		expect(parseStampOrderSummary(data, SEED_ID)).toEqual({ ok: false, problem });
	});
});

describe('routeSummary', () => {
	test('per stamp: one item per stamp in its branch, with the order and the three counts', () => {
		expect(routeSummary(parsed(seedSample.data), { mode: 'perStamp', orderTotals: true })).toEqual([
			[],
			[
				{
					bulkOrderId: SEED_ID,
					stampId: 'stamp_v2_ltIyIpbNoVxnclqhEVey',
					status: 'available',
					quantity: 2,
					pendingCount: 0,
					availableCount: 2,
					failedCount: 0,
				},
				{
					bulkOrderId: SEED_ID,
					stampId: 'stamp_v2_mIaLighXQDcmgcijVceD',
					status: 'available',
					quantity: 2,
					pendingCount: 0,
					availableCount: 2,
					failedCount: 0,
				},
			],
			[],
		]);
	});

	test('per stamp without order totals (the default from version 1.1): the order, the stamp and its status', () => {
		const outputs = routeSummary(parsed(seedSample.data), { mode: 'perStamp', orderTotals: false });
		expect(outputs).toEqual([
			[],
			[
				{ bulkOrderId: SEED_ID, stampId: 'stamp_v2_ltIyIpbNoVxnclqhEVey', status: 'available' },
				{ bulkOrderId: SEED_ID, stampId: 'stamp_v2_mIaLighXQDcmgcijVceD', status: 'available' },
			],
			[],
		]);
	});

	test('per order: one item for each non-empty branch, with the totals whatever orderTotals says', () => {
		expect(routeSummary(parsed(seedSample.data), { mode: 'perOrder', orderTotals: false })).toEqual(
			[
				[],
				[
					{
						bulkOrderId: SEED_ID,
						status: 'available',
						count: 2,
						stampIds: ['stamp_v2_ltIyIpbNoVxnclqhEVey', 'stamp_v2_mIaLighXQDcmgcijVceD'],
						quantity: 2,
						pendingCount: 0,
						availableCount: 2,
						failedCount: 0,
					},
				],
				[],
			],
		);
	});

	test('stamps counted in quantity but not listed become one Pending item', () => {
		const outputs = routeSummary(
			parsed({
				client_id: SEED_ID,
				quantity: 3,
				summary: { available: { count: 1, stamps: ['stamp_v2_a'] } },
			}),
			{ mode: 'perStamp', orderTotals: false },
		);
		expect(outputs[0]).toEqual([
			{
				bulkOrderId: SEED_ID,
				stampId: null,
				status: 'pending',
				unlistedCount: 2,
				quantity: 3,
				pendingCount: 0,
				availableCount: 1,
				failedCount: 0,
				note: '2 stamp(s) of the order are not listed in any branch yet',
			},
		]);
	});
});

describe('interpretSummary', () => {
	const base = 'https://kyc-api.surepass.app';
	test('the seed sample envelope', () => {
		const outcome = interpretSummary(response(200, seedSample), SEED_ID, base);
		expect(outcome.ok && outcome.summary.branches[1].stampIds).toEqual([
			'stamp_v2_ltIyIpbNoVxnclqhEVey',
			'stamp_v2_mIaLighXQDcmgcijVceD',
		]);
	});

	test('the seed 401 body', () => {
		const outcome = interpretSummary(
			response(401, {
				status_code: 401,
				success: false,
				message: 'Unauthorized. Invalid or missing authentication token.',
				message_code: 'unauthorized',
			}),
			SEED_ID,
			base,
		);
		expect(outcome).toEqual({
			ok: false,
			failure: {
				httpCode: 401,
				vendorCode: 'unauthorized',
				vendorMessage: 'Unauthorized. Invalid or missing authentication token.',
				message:
					'Surepass rejected the token (HTTP 401: Unauthorized. Invalid or missing authentication token.)',
				description: expect.stringContaining('a sandbox token does not work against production'),
			},
		});
	});

	test.each([
		['[]', 'Unexpected response from Surepass: the body is a JSON array, expected a JSON object'],
		[
			'"ok"',
			'Unexpected response from Surepass: the body is a JSON string, expected a JSON object',
		],
		[
			'{"success": true, "data": null}',
			'Unexpected response from Surepass: "data" is null, so there is no order summary',
		],
	])('200 with %s', (body, message) => {
		const outcome = interpretSummary(response(200, body), SEED_ID, base);
		expect(outcome.ok ? undefined : outcome.failure.message).toBe(message);
	});

	test('a redirect is reported, not followed', () => {
		const outcome = interpretSummary(
			{
				kind: 'response',
				status: 302,
				headers: { location: 'https://elsewhere.example/' },
				body: '',
				attempts: 1,
			},
			SEED_ID,
			base,
		);
		expect(outcome.ok ? undefined : outcome.failure.message).toBe(
			'Surepass answered with a redirect (HTTP 302), which is not followed',
		);
	});

	test('network failures name the host and the attempts', () => {
		const outcome = interpretSummary(
			{
				kind: 'network',
				reason: 'connection',
				code: 'ECONNREFUSED',
				detail: 'connect ECONNREFUSED',
				attempts: 4,
				stage: 'request',
			},
			SEED_ID,
			base,
		);
		expect(outcome.ok ? undefined : outcome.failure.message).toBe(
			'Could not reach Surepass at kyc-api.surepass.app: the connection was refused (4 attempts)',
		);
	});
});

describe('branch names that drift', () => {
	const order = (summary: Record<string, unknown>, quantity = 3) => ({
		client_id: SEED_ID,
		quantity,
		summary,
	});

	test('capitalised branches are read, with a warning', () => {
		const parsed = parseStampOrderSummary(
			order({
				Pending: { count: 1, stamps: ['stamp_v2_p'] },
				Available: { count: 1, stamps: ['stamp_v2_a'] },
				Failed: { count: 1, stamps: ['stamp_v2_f'] },
			}),
			SEED_ID,
		);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(routeSummary(parsed.summary, { mode: 'perStamp', orderTotals: false })).toEqual([
			[
				{
					bulkOrderId: SEED_ID,
					stampId: 'stamp_v2_p',
					status: 'pending',
					warnings: parsed.summary.warnings,
				},
			],
			[
				{
					bulkOrderId: SEED_ID,
					stampId: 'stamp_v2_a',
					status: 'available',
					warnings: parsed.summary.warnings,
				},
			],
			[
				{
					bulkOrderId: SEED_ID,
					stampId: 'stamp_v2_f',
					status: 'failed',
					warnings: parsed.summary.warnings,
				},
			],
		]);
		expect(parsed.summary.warnings).toEqual([
			'Surepass named branches "Pending", "Available", "Failed" with other capitals than pending, available and failed; they were read as such',
		]);
	});

	test('both spellings of a branch: both lists are read', () => {
		const parsed = parseStampOrderSummary(
			order(
				{
					failed: { count: 1, stamps: ['stamp_v2_a'] },
					Failed: { count: 1, stamps: ['stamp_v2_b'] },
				},
				2,
			),
			SEED_ID,
		);
		expect(parsed.ok && parsed.summary.branches[2].stampIds).toEqual(['stamp_v2_a', 'stamp_v2_b']);
	});

	test('a branch this node does not know goes to Pending with its name as the status, with a warning; other keys are left alone', () => {
		const parsed = parseStampOrderSummary(
			order({
				available: { count: 1, stamps: ['stamp_v2_a'] },
				on_hold: { count: 2, stamps: ['stamp_v2_h1', 'stamp_v2_h2'] },
				total: 3,
			}),
			SEED_ID,
		);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		const outputs = routeSummary(parsed.summary, { mode: 'perStamp', orderTotals: true });
		expect(outputs[0].map((item) => [item.stampId, item.status, item.pendingCount])).toEqual([
			['stamp_v2_h1', 'on_hold', 2],
			['stamp_v2_h2', 'on_hold', 2],
		]);
		expect(outputs[1].map((item) => item.stampId)).toEqual(['stamp_v2_a']);
		expect(parsed.summary.warnings).toEqual([
			'Surepass lists 2 stamp(s) under "on_hold", a branch this node does not know: they are routed to Pending with status "on_hold"',
		]);
		expect(parsed.summary.unlistedCount).toBe(0);
		// Per order: one Pending item for the branch, with its name.
		const perOrder = routeSummary(parsed.summary, { mode: 'perOrder', orderTotals: true });
		expect(perOrder[0].map((item) => [item.status, item.count])).toEqual([['on_hold', 2]]);
	});
});
