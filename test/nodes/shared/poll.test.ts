/* eslint-disable @n8n/community-nodes/no-restricted-globals -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/** Wait for Completion, on both nodes: bounded polling that stops when the batch completes. */
import { harness, itemsOf, useEmulator } from '../../harness/helpers';
import { singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

function stampRun(orderId: string, wait: Record<string, unknown>, abortSignal?: AbortSignal) {
	return harness.run(
		singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Node',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: orderId,
				output: 'perOrder',
				waitForCompletion: true,
				...wait,
				options: { retryDelayMs: 1 },
			},
			items: [{}],
		}),
		{ credentials: { surepassApi: emulator.surepassCredential() as never }, abortSignal },
	);
}

function paycodeRun(referenceId: string, parameters: Record<string, unknown>) {
	return harness.run(
		singleNodeWorkflow({
			type: 'interswitchPaycode',
			credentialType: 'interswitchPaycodeApi',
			name: 'Node',
			parameters: {
				resource: 'bulkTokenBatch',
				operation: 'getStatus',
				referenceId,
				output: 'perBatch',
				waitForCompletion: true,
				...parameters,
			},
			items: [{}],
			onError: 'continueRegularOutput',
		}),
		{ credentials: { interswitchPaycodeApi: emulator.interswitchCredential() as never } },
	);
}

describe('Surepass Stamp: Wait for Completion', () => {
	test('polls until nothing is pending, then routes: exactly as many requests as it took', async () => {
		const result = await stampRun('bulk_stamp_v2_progress_3_a', {
			pollIntervalSeconds: 0.02,
			maxWaitSeconds: 30,
		});
		const branches = itemsOf(result.outputs('Node'));
		expect(branches[0]).toEqual([]);
		expect(branches[1]).toEqual([
			{
				json: {
					bulkOrderId: 'bulk_stamp_v2_progress_3_a',
					status: 'available',
					count: 4,
					stampIds: [1, 2, 3, 4].map((n) => `stamp_v2_progress_3_a_${n}`),
					quantity: 4,
					pendingCount: 0,
					availableCount: 4,
					failedCount: 0,
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(emulator.requestsTo('surepass')).toHaveLength(3);
	});

	test('at Max Wait it routes what it has; pending items say the wait timed out; requests bounded', async () => {
		const result = await stampRun('bulk_stamp_v2_progress_999_b', {
			pollIntervalSeconds: 0.02,
			maxWaitSeconds: 0.1,
		});
		const branches = itemsOf(result.outputs('Node'));
		expect(branches[0]).toEqual([
			{
				json: expect.objectContaining({
					status: 'pending',
					count: 2,
					waitTimedOut: true,
					waitNote: 'Still pending after 6 checks over 0.1 s (Max Wait)',
				}),
				pairedItem: { item: 0 },
			},
		]);
		expect(branches[1]).toHaveLength(1);
		expect(branches[1][0].json.waitTimedOut).toBeUndefined();
		// 1 + floor(0.1 s / 0.02 s) requests at most.
		expect(emulator.requestsTo('surepass')).toHaveLength(6);
	});

	test('without Wait for Completion there is one request and no timeout mark', async () => {
		const result = await stampRun('bulk_stamp_v2_progress_3_c', { waitForCompletion: false });
		expect(itemsOf(result.outputs('Node'))[0][0].json.waitTimedOut).toBeUndefined();
		expect(emulator.requestsTo('surepass')).toHaveLength(1);
	});

	test('a cancelled execution stops waiting promptly', async () => {
		// Each wait is 10 minutes: only the cancel can end the run within the minute allowed below.
		const controller = new AbortController();
		const started = Date.now();
		const running = stampRun(
			'bulk_stamp_v2_progress_999_d',
			{ pollIntervalSeconds: 600, maxWaitSeconds: 6000 },
			controller.signal,
		);
		while (emulator.requestsTo('surepass').length === 0)
			await new Promise((resolve) => setTimeout(resolve, 20));
		controller.abort();
		await running;
		expect(Date.now() - started).toBeLessThan(60_000);
		expect(emulator.requestsTo('surepass')).toHaveLength(1);
	});
});

describe('Interswitch Paycode: Wait for Completion', () => {
	test('polls until successful + failed reaches the expected count', async () => {
		const result = await paycodeRun('PROGRESS-2-a', {
			expectedTokenCount: 4,
			pollIntervalSeconds: 0.02,
			maxWaitSeconds: 30,
		});
		const branches = itemsOf(result.outputs('Node'));
		expect(branches[0]).toEqual([]);
		expect(branches[1].map((item) => item.json.count)).toEqual([3]);
		expect(branches[2].map((item) => item.json.count)).toEqual([1]);
		expect(emulator.requestsTo('interswitch')).toHaveLength(2);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
	});

	test('at Max Wait the Pending item says the wait timed out', async () => {
		const result = await paycodeRun('PROGRESS-999-b', {
			expectedTokenCount: 4,
			pollIntervalSeconds: 0.02,
			maxWaitSeconds: 0.06,
		});
		const pending = itemsOf(result.outputs('Node'))[0];
		expect(pending).toEqual([
			{
				json: expect.objectContaining({
					status: 'pending',
					expectedCount: 4,
					generatedCount: 2,
					outstandingCount: 2,
					waitTimedOut: true,
					waitNote: 'Still pending after 4 checks over 0.06 s (Max Wait)',
				}),
				pairedItem: { item: 0 },
			},
		]);
		expect(emulator.requestsTo('interswitch')).toHaveLength(4);
	});

	test('"no record of batch" as pending keeps waiting; the result stays Pending', async () => {
		const result = await paycodeRun('NOT-YET', {
			expectedTokenCount: 4,
			pollIntervalSeconds: 0.02,
			maxWaitSeconds: 0.04,
			options: { noRecordAsPending: true },
		});
		expect(itemsOf(result.outputs('Node'))[0][0].json).toMatchObject({
			status: 'pending',
			waitTimedOut: true,
			generatedCount: 0,
		});
		expect(emulator.requestsTo('interswitch')).toHaveLength(3);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
	});

	test('Wait for Completion needs the Expected Token Count', async () => {
		const result = await paycodeRun('123456', { pollIntervalSeconds: 0.02, maxWaitSeconds: 1 });
		const [failed] = result.outputs('Node')[2];
		expect(failed.json.error).toBe(
			'Batch "123456": Wait for Completion needs the Expected Token Count [item 0]',
		);
		expect(emulator.stats.requests).toBe(0);
	});
});
