/**
 * "Only Changes Since Last Run": runs one after another against the emulator, with the orders and
 * batches changing state in between, and exactly which stamps and tokens each run routes. n8n's
 * deduplication store is the harness's in-memory copy of it; `npm run test:e2e` uses n8n's own.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { harness, useEmulator } from '../../harness/helpers';
import { singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

type Mode = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

function stamps(
	ids: string[],
	parameters: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
	onError: Mode = 'stopWorkflow',
	workflowId?: string | null,
	mode: 'trigger' | 'manual' = 'trigger',
) {
	return harness.run(
		singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Node',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: '={{ $json.id }}',
				output: 'perStamp',
				onlyChanges: true,
				...parameters,
				options: { retryDelayMs: 1, maxRetries: 0, ...options },
			},
			items: ids.map((id) => ({ id })),
			onError,
		}),
		// A schedule's run by default: a manual execution records nothing (see its own test).
		{ credentials: { surepassApi: emulator.surepassCredential() as never }, workflowId, mode },
	);
}

function tokens(refs: string[], parameters: Record<string, unknown> = {}) {
	return harness.run(
		singleNodeWorkflow({
			type: 'interswitchPaycode',
			credentialType: 'interswitchPaycodeApi',
			name: 'Node',
			typeVersion: 1.1,
			parameters: {
				resource: 'bulkTokenBatch',
				operation: 'getStatus',
				referenceId: '={{ $json.ref }}',
				output: 'perToken',
				onlyChanges: true,
				...parameters,
				options: { retryDelayMs: 1 },
			},
			items: refs.map((ref) => ({ ref })),
		}),
		{
			credentials: { interswitchPaycodeApi: emulator.interswitchCredential() as never },
			mode: 'trigger',
		},
	);
}

/** Per branch, what each routed item is: a stamp ID, a token's beneficiary, or a note. */
function routed(
	outputs: INodeExecutionData[][],
	describe: (json: Record<string, unknown>) => string,
) {
	return outputs.map((items) =>
		items.map((item) => describe(item.json as Record<string, unknown>)),
	);
}
const stampOf = (json: Record<string, unknown>) =>
	String(json.stampId ?? json.error ?? `unlisted ${String(json.unlistedCount)}`);
const tokenOf = (json: Record<string, unknown>) =>
	json.status === 'pending'
		? `pending ${String(json.outstandingCount)}`
		: `${String(json.beneficiaryNumber)} ${String(json.amountKobo)}`;

const PROGRESS = 'bulk_stamp_v2_progress_2_chg';
const stamp = (n: number) => `stamp_v2_progress_2_chg_${n}`;

describe('Surepass Stamp: Only Changes Since Last Run', () => {
	test('three runs: everything, then only what moved, then nothing', async () => {
		const first = await stamps([PROGRESS, 'bulk_stamp_v2_demoAllFailed1']);
		const failed = first.outputs('Node')[2].map((item) => String(item.json.stampId));
		expect(failed).toHaveLength(2);
		expect(routed(first.outputs('Node'), stampOf)).toEqual([
			[stamp(3), stamp(4)],
			[stamp(1), stamp(2)],
			failed,
		]);
		// The order completes: stamps 3 and 4 move from Pending to Available, and only they are routed.
		const second = await stamps([PROGRESS, 'bulk_stamp_v2_demoAllFailed1']);
		expect(routed(second.outputs('Node'), stampOf)).toEqual([[], [stamp(3), stamp(4)], []]);
		expect(second.outputs('Node')[1].map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
		]);
		const third = await stamps([PROGRESS, 'bulk_stamp_v2_demoAllFailed1']);
		expect(routed(third.outputs('Node'), stampOf)).toEqual([[], [], []]);
		expect(emulator.requestsTo('surepass')).toHaveLength(6);
	});

	test('a manual execution reads the record and leaves it as it was, and says so', async () => {
		const ids = [PROGRESS, 'bulk_stamp_v2_demoAllFailed1'];
		await stamps(ids);
		// Tested twice in the editor: both see stamps 3 and 4 newly available; neither records it.
		for (let test = 0; test < 2; test++) {
			const manual = await stamps(ids, {}, {}, 'stopWorkflow', undefined, 'manual');
			expect(routed(manual.outputs('Node'), stampOf)).toEqual([[], [stamp(3), stamp(4)], []]);
			expect(manual.outputs('Node')[1][0].json.warnings).toEqual([
				'A manual execution routes what is new since the last recorded run and records nothing: the next scheduled or triggered run still routes it',
			]);
		}
		// So the next scheduled run still sends them, and records them.
		const scheduled = await stamps(ids);
		expect(routed(scheduled.outputs('Node'), stampOf)).toEqual([[], [stamp(3), stamp(4)], []]);
		expect(scheduled.outputs('Node')[1][0].json.warnings).toBeUndefined();
		const after = await stamps(ids);
		expect(routed(after.outputs('Node'), stampOf)).toEqual([[], [], []]);
	});

	test('One Item per Order: count and stampIds are the new stamps, the *Count fields the order', async () => {
		await stamps([PROGRESS], { output: 'perOrder' });
		const second = await stamps([PROGRESS], { output: 'perOrder' });
		const [pending, available, failed] = second.outputs('Node');
		expect([pending, failed]).toEqual([[], []]);
		expect(available.map((item) => item.json)).toEqual([
			expect.objectContaining({
				bulkOrderId: PROGRESS,
				status: 'available',
				count: 2,
				stampIds: [stamp(3), stamp(4)],
				availableCount: 4,
				pendingCount: 0,
			}),
		]);
	});

	test('a request that fails records nothing: the next run sees everything as new', async () => {
		emulator.addFault({ route: 'surepass', status: 500, body: '', times: 1 });
		const failing = await stamps(['bulk_stamp_v2_demoAllFailed1'], {}, {}, 'continueRegularOutput');
		expect(routed(failing.outputs('Node'), stampOf)).toEqual([
			[],
			[],
			[
				'Order "bulk_stamp_v2_demoAllFailed1": Surepass had a server error (HTTP 500, 1 attempt) [item 0]',
			],
		]);
		const next = await stamps(['bulk_stamp_v2_demoAllFailed1']);
		expect(next.outputs('Node')[2]).toHaveLength(2);
	});

	test('Start Over forgets what was routed; the run after it remembers again', async () => {
		await stamps(['bulk_stamp_v2_demoAllFailed1']);
		const again = await stamps(['bulk_stamp_v2_demoAllFailed1'], {}, { changesStartOver: true });
		expect(again.outputs('Node')[2]).toHaveLength(2);
		const after = await stamps(['bulk_stamp_v2_demoAllFailed1']);
		expect(after.outputs('Node')[2]).toHaveLength(0);
	});

	test('with Wait for Completion: routed after the wait, only what is new', async () => {
		const waited = await stamps(['bulk_stamp_v2_progress_2_wait'], {
			waitForCompletion: true,
			pollIntervalSeconds: 0.02,
			maxWaitSeconds: 30,
		});
		expect(routed(waited.outputs('Node'), stampOf)).toEqual([
			[],
			[1, 2, 3, 4].map((n) => `stamp_v2_progress_2_wait_${n}`),
			[],
		]);
		const again = await stamps(['bulk_stamp_v2_progress_2_wait'], {
			waitForCompletion: true,
			pollIntervalSeconds: 0.02,
			maxWaitSeconds: 30,
		});
		expect(routed(again.outputs('Node'), stampOf)).toEqual([[], [], []]);
	});

	test('an unsaved workflow cannot keep a record: everything is routed, and every item says so', async () => {
		const result = await stamps(['bulk_stamp_v2_demoAllFailed1'], {}, {}, 'stopWorkflow', null);
		const items = result.outputs('Node')[2];
		expect(items).toHaveLength(2);
		for (const item of items) {
			expect(item.json.warnings).toEqual([
				"Only Changes Since Last Run could not use n8n's record of what was routed before (save the workflow first: the record is kept with the saved workflow): everything was routed, and nothing was recorded",
			]);
		}
	});

	test('without the option, every run routes everything', async () => {
		await stamps(['bulk_stamp_v2_demoAllFailed1'], { onlyChanges: false });
		const second = await stamps(['bulk_stamp_v2_demoAllFailed1'], { onlyChanges: false });
		expect(second.outputs('Node')[2]).toHaveLength(2);
		expect(harness.changeStore.stores.size).toBe(0);
	});
});

describe('Interswitch Paycode: Only Changes Since Last Run', () => {
	test('tokens as they are generated, then fail or succeed: each routed once', async () => {
		const first = await tokens(['PROGRESS-2-chg'], { expectedTokenCount: 4 });
		const [pending, successful, failed] = routed(first.outputs('Node'), tokenOf);
		expect(pending).toEqual(['pending 2']);
		expect(successful).toHaveLength(2);
		expect(failed).toEqual([]);
		const second = await tokens(['PROGRESS-2-chg'], { expectedTokenCount: 4 });
		const after = routed(second.outputs('Node'), tokenOf);
		// The batch is complete: one more successful token and one failed; the first two are not repeated.
		expect(after[0]).toEqual([]);
		expect(after[1]).toHaveLength(1);
		expect(after[2]).toHaveLength(1);
		expect(after[1]).not.toContain(successful[0]);
		const third = await tokens(['PROGRESS-2-chg'], { expectedTokenCount: 4 });
		expect(routed(third.outputs('Node'), tokenOf)).toEqual([[], [], []]);
	});

	test('a beneficiary with two tokens of the same amount in one batch gets both, once', async () => {
		const twin = {
			surcharge: '',
			amount: '500000',
			beneficiaryNumber: '08030000001',
			oneTimePin: '1111',
		};
		const body = {
			summary: { batchReference: 'TWINS' },
			successful: [twin, { ...twin, oneTimePin: '2222' }],
			failed: [],
		};
		emulator.addFault({ route: 'interswitch', status: 200, body });
		const first = await tokens(['TWINS']);
		expect(routed(first.outputs('Node'), tokenOf)).toEqual([
			[],
			['08030000001 500000', '08030000001 500000'],
			[],
		]);
		const second = await tokens(['TWINS']);
		expect(routed(second.outputs('Node'), tokenOf)).toEqual([[], [], []]);
		// A third token for the same beneficiary and amount is new.
		emulator.clearFaults();
		emulator.addFault({
			route: 'interswitch',
			status: 200,
			body: { ...body, successful: [...body.successful, { ...twin, oneTimePin: '3333' }] },
		});
		const third = await tokens(['TWINS']);
		expect(routed(third.outputs('Node'), tokenOf)).toEqual([[], ['08030000001 500000'], []]);
	});

	test('One Item per Batch: the tokens and totals are those routed; the summary is the batch', async () => {
		await tokens(['PROGRESS-2-pb'], { expectedTokenCount: 4, output: 'perBatch' });
		const second = await tokens(['PROGRESS-2-pb'], { expectedTokenCount: 4, output: 'perBatch' });
		const successful = second.outputs('Node')[1].map((item) => item.json);
		expect(successful).toEqual([
			expect.objectContaining({
				count: 1,
				totalAmountKobo: 200_000,
				summary: expect.objectContaining({ numberOfSuccessful: 3, numberOfFailed: 1 }),
			}),
		]);
	});
});
