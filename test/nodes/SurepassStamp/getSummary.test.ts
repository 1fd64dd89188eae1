import { harness, itemsOf, runNodeOnce, useEmulator } from '../../harness/helpers';
import { CredentialsHelper } from '../../harness/engine';
import { singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

const SEED_ORDER = 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL';

function stampWorkflow(
	items: Array<Record<string, unknown>>,
	parameters: Record<string, unknown> = {},
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput',
) {
	return singleNodeWorkflow({
		type: 'surepassStamp',
		credentialType: 'surepassApi',
		name: 'Surepass Stamp',
		parameters: {
			resource: 'bulkStampOrder',
			operation: 'getSummary',
			bulkOrderId: '={{ $json.orderId }}',
			// Tests keep retries fast; the back-off itself is the same code.
			options: { retryDelayMs: 1 },
			...parameters,
		},
		items,
		onError,
	});
}

async function run(
	items: Array<Record<string, unknown>>,
	parameters: Record<string, unknown> = {},
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput',
	credential: Record<string, unknown> = emulator.surepassCredential(),
) {
	const result = await harness.run(stampWorkflow(items, parameters, onError), {
		credentials: { surepassApi: credential as never },
	});
	return { ...result, branches: itemsOf(result.outputs('Surepass Stamp')) };
}

const counts = (pendingCount: number, availableCount: number, failedCount: number) => ({
	pendingCount,
	availableCount,
	failedCount,
});

describe('Surepass Stamp through the n8n engine', () => {
	test('routes the seed sample order: both stamps to Available, nothing else', async () => {
		const { branches, error } = await run([{ orderId: SEED_ORDER }]);
		expect(error).toBeUndefined();
		expect(branches).toEqual([
			[],
			[
				{
					json: {
						bulkOrderId: SEED_ORDER,
						stampId: 'stamp_v2_ltIyIpbNoVxnclqhEVey',
						status: 'available',
						quantity: 2,
						...counts(0, 2, 0),
					},
					pairedItem: { item: 0 },
				},
				{
					json: {
						bulkOrderId: SEED_ORDER,
						stampId: 'stamp_v2_mIaLighXQDcmgcijVceD',
						status: 'available',
						quantity: 2,
						...counts(0, 2, 0),
					},
					pairedItem: { item: 0 },
				},
			],
			[],
		]);
		const [request] = emulator.requestsTo('surepass');
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/api/v1/stamper-v2/bulk-stamp-order-summary');
		expect(request.headers.authorization).toBe(`Bearer ${emulator.surepassCredential().token}`);
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(JSON.parse(request.body)).toEqual({ client_id: SEED_ORDER });
	});

	test('version 1.1: each stamp item holds the order, the stamp and its status; Include Order Totals adds the counts', async () => {
		const id = 'bulk_stamp_v2_demoMixed00001';
		const runVersion = async (parameters: Record<string, unknown>) =>
			await runNodeOnce(
				{
					type: 'surepassStamp',
					typeVersion: 1.1,
					credentialType: 'surepassApi',
					name: 'Surepass Stamp',
					items: [{ orderId: id }, { orderId: SEED_ORDER }],
					parameters: {
						resource: 'bulkStampOrder',
						operation: 'getSummary',
						bulkOrderId: '={{ $json.orderId }}',
						...parameters,
					},
				},
				{ surepassApi: emulator.surepassCredential() },
			);
		const lean = await runVersion({});
		expect(lean.map((branch) => branch.length)).toEqual([1, 5, 2]);
		expect(lean[2]).toEqual([
			{
				json: { bulkOrderId: id, stampId: expect.stringMatching(/^stamp_v2_/), status: 'failed' },
				pairedItem: { item: 0 },
			},
			{
				json: { bulkOrderId: id, stampId: expect.stringMatching(/^stamp_v2_/), status: 'failed' },
				pairedItem: { item: 0 },
			},
		]);
		expect(lean[1][4]).toEqual({
			json: {
				bulkOrderId: SEED_ORDER,
				stampId: 'stamp_v2_mIaLighXQDcmgcijVceD',
				status: 'available',
			},
			pairedItem: { item: 1 },
		});
		const withTotals = await runVersion({ orderTotals: true });
		expect(withTotals[2][0].json).toEqual({ ...lean[2][0].json, quantity: 6, ...counts(1, 3, 2) });
		expect(withTotals[1][4].json).toEqual({ ...lean[1][4].json, quantity: 2, ...counts(0, 2, 0) });
	});

	test('the credential is read from n8n once per run, not once per request', async () => {
		const reads = jest.spyOn(CredentialsHelper.prototype, 'getDecrypted');
		try {
			const items = Array.from({ length: 20 }, (_, i) => ({ orderId: `bulk_stamp_v2_load_${i}` }));
			const { branches, error } = await run(items);
			expect(error).toBeUndefined();
			expect(branches[1]).toHaveLength(20);
			expect(emulator.requestsTo('surepass')).toHaveLength(20);
			expect(reads).toHaveBeenCalledTimes(1);
		} finally {
			reads.mockRestore();
		}
	});

	test("a mapped ID whose expression fails is that item's error, in its turn, whichever item it is", async () => {
		// Items' parameters are evaluated ahead of their turn; an expression that throws still ends
		// as exactly one error item for its own input item, and the others are routed.
		const items = Array.from({ length: 8 }, (_, i) => ({
			orderId: i === 5 ? 5 : `bulk_stamp_v2_load_${i}`,
		}));
		const result = await harness.run(
			stampWorkflow(
				items,
				{
					bulkOrderId:
						"={{ $json.orderId === 5 ? $('No such node').first().json.id : $json.orderId }}",
					options: { retryDelayMs: 1, maxConcurrency: 2 },
				},
				'continueRegularOutput',
			),
			{ credentials: { surepassApi: emulator.surepassCredential() as never } },
		);
		const [pending, available, failed] = itemsOf(result.outputs('Surepass Stamp'));
		expect(pending).toEqual([]);
		expect(available.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4, 6, 7].map((item) => ({ item })),
		);
		expect(failed).toEqual([
			{
				json: { error: expect.stringMatching(/Referenced node doesn't exist/) },
				pairedItem: { item: 5 },
			},
		]);
		expect(emulator.requestsTo('surepass')).toHaveLength(7);
		const stopped = await harness.run(
			stampWorkflow(
				items,
				{
					bulkOrderId:
						"={{ $json.orderId === 5 ? $('No such node').first().json.id : $json.orderId }}",
					options: { retryDelayMs: 1, maxConcurrency: 2 },
				},
				'stopWorkflow',
			),
			{
				credentials: { surepassApi: emulator.surepassCredential() as never },
			},
		);
		expect(String((stopped.error as { message?: string } | undefined)?.message)).toMatch(
			/Referenced node doesn't exist/,
		);
	});

	test('one item per stamp across all three branches, in the vendor order', async () => {
		const { branches } = await run([{ orderId: 'bulk_stamp_v2_demoMixed00001' }]);
		const id = 'bulk_stamp_v2_demoMixed00001';
		const item = (stampId: string, status: string) => ({
			json: { bulkOrderId: id, stampId, status, quantity: 6, ...counts(1, 3, 2) },
			pairedItem: { item: 0 },
		});
		expect(branches).toEqual([
			[item('stamp_v2_mixPend001', 'pending')],
			[
				item('stamp_v2_mixAvail01', 'available'),
				item('stamp_v2_mixAvail02', 'available'),
				item('stamp_v2_mixAvail03', 'available'),
			],
			[item('stamp_v2_mixFail001', 'failed'), item('stamp_v2_mixFail002', 'failed')],
		]);
	});

	test('one item per order: each non-empty branch gets one item with the stamp IDs', async () => {
		const id = 'bulk_stamp_v2_demoMixed00001';
		const { branches } = await run([{ orderId: id }], { output: 'perOrder' });
		const item = (status: string, stampIds: string[]) => ({
			json: {
				bulkOrderId: id,
				status,
				count: stampIds.length,
				stampIds,
				quantity: 6,
				...counts(1, 3, 2),
			},
			pairedItem: { item: 0 },
		});
		expect(branches).toEqual([
			[item('pending', ['stamp_v2_mixPend001'])],
			[item('available', ['stamp_v2_mixAvail01', 'stamp_v2_mixAvail02', 'stamp_v2_mixAvail03'])],
			[item('failed', ['stamp_v2_mixFail001', 'stamp_v2_mixFail002'])],
		]);

		const seed = await run([{ orderId: SEED_ORDER }], { output: 'perOrder' });
		expect(seed.branches).toEqual([
			[],
			[
				{
					json: {
						bulkOrderId: SEED_ORDER,
						status: 'available',
						count: 2,
						stampIds: ['stamp_v2_ltIyIpbNoVxnclqhEVey', 'stamp_v2_mIaLighXQDcmgcijVceD'],
						quantity: 2,
						...counts(0, 2, 0),
					},
					pairedItem: { item: 0 },
				},
			],
			[],
		]);
	});

	test('many input items: each is its own order, output in input order, pairedItem per input', async () => {
		const { branches } = await run(
			[
				{ orderId: 'bulk_stamp_v2_demoAllFailed1' },
				{ orderId: SEED_ORDER },
				{ orderId: 'bulk_stamp_v2_demoAllPending' },
				{ orderId: '  bulk_stamp_v2_demoMixed00001 ' },
			],
			{ output: 'perOrder' },
		);
		const summary = (item: number, bulkOrderId: string, status: string, count: number) =>
			expect.objectContaining({
				json: expect.objectContaining({ bulkOrderId, status, count }),
				pairedItem: { item },
			});
		expect(branches).toEqual([
			[
				summary(2, 'bulk_stamp_v2_demoAllPending', 'pending', 3),
				summary(3, 'bulk_stamp_v2_demoMixed00001', 'pending', 1),
			],
			[
				summary(1, SEED_ORDER, 'available', 2),
				summary(3, 'bulk_stamp_v2_demoMixed00001', 'available', 3),
			],
			[
				summary(0, 'bulk_stamp_v2_demoAllFailed1', 'failed', 2),
				summary(3, 'bulk_stamp_v2_demoMixed00001', 'failed', 2),
			],
		]);
	});

	test('never more requests in flight than Max Concurrent Requests, and order stays stable', async () => {
		// The emulator holds requests until 3 are in flight together: the limit is reached whatever
		// the machine's speed, and the cap shows as the most in flight.
		const gate = emulator.gather(3);
		const ids = Array.from({ length: 12 }, (_, i) =>
			i % 2 === 0 ? SEED_ORDER : 'bulk_stamp_v2_demoAllFailed1',
		);
		const { branches } = await run(
			ids.map((orderId) => ({ orderId })),
			{ output: 'perOrder', options: { maxConcurrency: 3, retryDelayMs: 1 } },
		);
		expect(gate.gathered).toBe(true);
		expect(emulator.stats.maxInFlight).toBe(3);
		expect(emulator.stats.requests).toBe(12);
		expect(branches[1].map((item) => item.pairedItem)).toEqual(
			[0, 2, 4, 6, 8, 10].map((item) => ({ item })),
		);
		expect(branches[2].map((item) => item.pairedItem)).toEqual(
			[1, 3, 5, 7, 9, 11].map((item) => ({ item })),
		);
	});

	test('the default concurrency is 5', async () => {
		const gate = emulator.gather(5);
		await run(Array.from({ length: 10 }, () => ({ orderId: SEED_ORDER })));
		expect(gate.gathered).toBe(true);
		expect(emulator.stats.maxInFlight).toBe(5);
	});

	test('drift: counts as strings, a missing branch, a count that disagrees with its list', async () => {
		const { branches } = await run(
			[
				{ orderId: 'bulk_stamp_v2_driftStrings1' },
				{ orderId: 'bulk_stamp_v2_driftNoFailed' },
				{ orderId: 'bulk_stamp_v2_driftCount001' },
			],
			{ output: 'perOrder' },
		);
		expect(branches).toEqual([
			[
				{
					json: {
						bulkOrderId: 'bulk_stamp_v2_driftStrings1',
						status: 'pending',
						count: 1,
						stampIds: ['stamp_v2_strPend001'],
						quantity: 3,
						...counts(1, 2, 0),
					},
					pairedItem: { item: 0 },
				},
				{
					json: {
						bulkOrderId: 'bulk_stamp_v2_driftCount001',
						stampId: null,
						status: 'pending',
						unlistedCount: 1,
						quantity: 3,
						...counts(0, 2, 0),
						note: '1 stamp(s) of the order are not listed in any branch yet',
						warnings: ['Surepass counts 3 available stamp(s) but lists 2; the list is used'],
					},
					pairedItem: { item: 2 },
				},
			],
			[
				{
					json: {
						bulkOrderId: 'bulk_stamp_v2_driftStrings1',
						status: 'available',
						count: 2,
						stampIds: ['stamp_v2_strAvail01', 'stamp_v2_strAvail02'],
						quantity: 3,
						...counts(1, 2, 0),
					},
					pairedItem: { item: 0 },
				},
				{
					json: {
						bulkOrderId: 'bulk_stamp_v2_driftNoFailed',
						status: 'available',
						count: 1,
						stampIds: ['stamp_v2_nfAvail001'],
						quantity: 1,
						...counts(0, 1, 0),
					},
					pairedItem: { item: 1 },
				},
				{
					json: {
						bulkOrderId: 'bulk_stamp_v2_driftCount001',
						status: 'available',
						count: 2,
						stampIds: ['stamp_v2_cntAvail01', 'stamp_v2_cntAvail02'],
						quantity: 3,
						...counts(0, 2, 0),
						warnings: ['Surepass counts 3 available stamp(s) but lists 2; the list is used'],
					},
					pairedItem: { item: 2 },
				},
			],
			[],
		]);
	});

	test('an order with no stamps listed still yields one Pending item', async () => {
		const { branches } = await run([{ orderId: 'bulk_stamp_v2_demoEmpty00001' }]);
		expect(branches).toEqual([
			[
				{
					json: {
						bulkOrderId: 'bulk_stamp_v2_demoEmpty00001',
						stampId: null,
						status: 'pending',
						unlistedCount: 0,
						quantity: 0,
						...counts(0, 0, 0),
						note: 'Surepass lists no stamps for this order yet',
					},
					pairedItem: { item: 0 },
				},
			],
			[],
			[],
		]);
	});
});
