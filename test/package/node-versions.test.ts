/**
 * What changed with Surepass Stamp 1.2 and Interswitch Paycode 1.3, and that workflows saved with
 * the versions before keep their behaviour.
 */
import { harness, useEmulator } from '../harness/helpers';
import { singleNodeWorkflow } from '../harness/workflows';

const emulator = useEmulator();

async function paycode(typeVersion: number, items: Array<Record<string, unknown>>, extra = {}) {
	const result = await harness.run(
		singleNodeWorkflow({
			type: 'interswitchPaycode',
			credentialType: 'interswitchPaycodeApi',
			name: 'Node',
			typeVersion,
			parameters: {
				resource: 'bulkTokenBatch',
				operation: 'getStatus',
				referenceId: '={{ $json.referenceId }}',
				expectedTokenCount: '={{ $json.expectedTokenCount }}',
				options: { retryDelayMs: 1 },
				...extra,
			},
			items,
			onError: 'continueRegularOutput',
		}),
		{ credentials: { interswitchPaycodeApi: emulator.interswitchCredential() as never } },
	);
	return result.outputs('Node').map((items) => items.map((item) => item.json));
}

async function surepass(typeVersion: number, ids: string[]) {
	const result = await harness.run(
		singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Node',
			typeVersion,
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: '={{ $json.id }}',
				options: { retryDelayMs: 1 },
			},
			items: ids.map((id) => ({ id })),
			onError: 'continueRegularOutput',
		}),
		{ credentials: { surepassApi: emulator.surepassCredential() as never } },
	);
	return result.outputs('Node');
}

describe("Interswitch Paycode 1.3: items use the parameters' names", () => {
	test('referenceId and expectedTokenCount, so an item goes back into the node as it is', async () => {
		const [pending, successful] = await paycode(1.3, [
			{ referenceId: 'GEN-IN-PROGRESS', expectedTokenCount: 5 },
		]);
		expect(Object.keys(successful[0]).slice(0, 3)).toEqual([
			'referenceId',
			'frontEndPartnerId',
			'status',
		]);
		expect(successful[0]).not.toHaveProperty('batchReference');
		expect(pending[0]).toMatchObject({
			referenceId: 'GEN-IN-PROGRESS',
			expectedTokenCount: 5,
			generatedCount: 3,
			outstandingCount: 2,
		});
		expect(pending[0]).not.toHaveProperty('expectedCount');
		expect(pending[0].summary).toMatchObject({ expectedTokenCount: 5 });
		// The Pending item, fed back in (a Wait loop), asks for the same batch.
		const again = await paycode(1.3, [pending[0]]);
		expect(again[0][0]).toMatchObject({ referenceId: 'GEN-IN-PROGRESS', expectedTokenCount: 5 });
	});

	test('version 1.2 keeps batchReference and expectedCount', async () => {
		const [pending, successful] = await paycode(1.2, [
			{ referenceId: 'GEN-IN-PROGRESS', expectedTokenCount: 5 },
		]);
		expect(successful[0]).toHaveProperty('batchReference', 'GEN-IN-PROGRESS');
		expect(pending[0]).toMatchObject({ batchReference: 'GEN-IN-PROGRESS', expectedCount: 5 });
	});

	test('an error item in Failed says status "error" and names its batch; 1.2 gives n8n\'s { error }', async () => {
		const items = [{ referenceId: 'BATCH-WITH-FAILURES' }, { referenceId: 'NO-SUCH-BATCH' }];
		const failed = (await paycode(1.3, items))[2];
		expect(failed.filter((json) => json.status === 'failed')).toHaveLength(2);
		expect(failed.filter((json) => json.status === 'error')).toEqual([
			{
				status: 'error',
				referenceId: 'NO-SUCH-BATCH',
				error:
					'Interswitch has no batch with reference "NO-SUCH-BATCH" for front-end partner "455" (10904) [item 1]',
				errorDescription: expect.stringContaining('Check the Reference ID'),
			},
		]);
		const before = (await paycode(1.2, items))[2];
		expect(before.filter((json) => json.error !== undefined)).toEqual([
			{
				error:
					'Interswitch has no batch with reference "NO-SUCH-BATCH" for front-end partner "455" (10904) [item 1]',
			},
		]);
	});
});

describe('Surepass Stamp 1.2: an error item cannot pass for a failed stamp', () => {
	test('status "error", the order, the message and what to do; 1.1 keeps { error }', async () => {
		const ids = ['bulk_stamp_v2_demoAllFailed1', 'bulk_stamp_v2_nosuchorder1'];
		const failed = (await surepass(1.2, ids))[2];
		expect(failed.map((item) => item.json)).toEqual([
			expect.objectContaining({ status: 'failed', stampId: 'stamp_v2_fail00001' }),
			expect.objectContaining({ status: 'failed', stampId: 'stamp_v2_fail00002' }),
			{
				status: 'error',
				bulkOrderId: 'bulk_stamp_v2_nosuchorder1',
				error: 'Surepass has no bulk stamp order "bulk_stamp_v2_nosuchorder1" [item 1]',
				errorDescription: expect.stringContaining('Check the Bulk Order ID'),
			},
		]);
		expect(failed[2].pairedItem).toEqual({ item: 1 });
		const before = (await surepass(1.1, ids))[2];
		expect(before[2].json).toEqual({
			error: 'Surepass has no bulk stamp order "bulk_stamp_v2_nosuchorder1" [item 1]',
		});
	});
});
