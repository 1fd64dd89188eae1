/**
 * The nodes as AI tools. n8n gives an agent only a tool's first output, so in tool mode each node
 * returns one item describing every branch of every order or batch (nodes/shared/tool.ts). These
 * tests run the tool versions (type "<name>Tool") through n8n's engine; `npm run test:e2e` runs them
 * under a real AI Agent and a real MCP client.
 */
import { TOOL_LIST_LIMIT } from '../../../nodes/shared/tool';
import { harness, useEmulator } from '../../harness/helpers';
import { singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

function stampTool(
	ids: string[],
	onError: 'stopWorkflow' | 'continueRegularOutput' = 'stopWorkflow',
) {
	return harness.run(
		singleNodeWorkflow({
			type: 'surepassStampTool',
			credentialType: 'surepassApi',
			name: 'Tool',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: '={{ $json.id }}',
				output: 'perStamp',
				options: { retryDelayMs: 1, maxRetries: 0 },
			},
			items: ids.map((id) => ({ id })),
			onError,
		}),
		{ credentials: { surepassApi: emulator.surepassCredential() as never } },
	);
}

function paycodeTool(
	refs: string[],
	parameters: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
) {
	return harness.run(
		singleNodeWorkflow({
			type: 'interswitchPaycodeTool',
			credentialType: 'interswitchPaycodeApi',
			name: 'Tool',
			typeVersion: 1.1,
			parameters: {
				resource: 'bulkTokenBatch',
				operation: 'getStatus',
				referenceId: '={{ $json.ref }}',
				output: 'perToken',
				...parameters,
				options: { retryDelayMs: 1, ...options },
			},
			items: refs.map((ref) => ({ ref })),
		}),
		{ credentials: { interswitchPaycodeApi: emulator.interswitchCredential() as never } },
	);
}

function answer(result: Awaited<ReturnType<typeof stampTool>>) {
	const outputs = result.outputs('Tool');
	expect(result.error).toBeUndefined();
	// One output, one item: what the agent receives.
	expect(outputs.map((items) => items.length)).toEqual([1]);
	return outputs[0][0].json as { summary: string; results: AnswerResult[]; note?: string };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read nested fields of the answer freely
type AnswerResult = Record<string, any>;

describe('Surepass Stamp as a tool', () => {
	test('one answer with every branch, counts and stamp IDs', async () => {
		const json = answer(await stampTool(['bulk_stamp_v2_demoMixed00001']));
		expect(json.summary).toBe(
			'Order bulk_stamp_v2_demoMixed00001: 1 pending, 3 available, 2 failed.',
		);
		expect(json.results).toEqual([
			{
				order: 'bulk_stamp_v2_demoMixed00001',
				counts: { pending: 1, available: 3, failed: 2 },
				quantity: 6,
				pending: { count: 1, stampIds: ['stamp_v2_mixPend001'] },
				available: {
					count: 3,
					stampIds: ['stamp_v2_mixAvail01', 'stamp_v2_mixAvail02', 'stamp_v2_mixAvail03'],
				},
				failed: { count: 2, stampIds: ['stamp_v2_mixFail001', 'stamp_v2_mixFail002'] },
			},
		]);
		expect(json.note).toBeUndefined();
	});

	test('a failing check is readable text in the answer, not a crash, whatever On Error says', async () => {
		const json = answer(
			await stampTool([
				'bulk_stamp_v2_vomMHvHnecrlzTPRtyL',
				'bulk_stamp_v2_missing00001',
				'stamp_v2_single',
			]),
		);
		expect(json.results.map((result) => [result.order, result.error ?? result.counts])).toEqual([
			['bulk_stamp_v2_vomMHvHnecrlzTPRtyL', { pending: 0, available: 2, failed: 0 }],
			[
				'bulk_stamp_v2_missing00001',
				expect.stringMatching(
					/^Surepass has no bulk stamp order "bulk_stamp_v2_missing00001"\. Check the Bulk Order ID/,
				),
			],
			[
				'stamp_v2_single',
				expect.stringMatching(
					/^"stamp_v2_single" is the ID of a single stamp, not of a bulk order/,
				),
			],
		]);
		expect(json.summary).toMatch(
			/Order bulk_stamp_v2_missing00001: the check failed: Surepass has no bulk stamp order/,
		);
	});

	test('a 100,000-stamp order: complete counts, lists cut, the answer stays small', async () => {
		const json = answer(await stampTool(['bulk_stamp_v2_large_100000']));
		const [result] = json.results;
		expect(result.counts).toEqual({ pending: 10_000, available: 80_000, failed: 10_000 });
		for (const branch of ['pending', 'available', 'failed'])
			expect(result[branch].stampIds).toHaveLength(TOOL_LIST_LIMIT);
		expect(result.available.omitted).toBe(80_000 - TOOL_LIST_LIMIT);
		expect(json.note).toBe(
			`Lists are cut to ${TOOL_LIST_LIMIT} entries per branch; 99,940 entries were left out of this answer (the counts are complete). Run the node outside an agent for the full lists.`,
		);
		expect(JSON.stringify(json).length).toBeLessThan(8_000);
	});
});

describe('Interswitch Paycode as a tool', () => {
	test('no PIN goes to the model by default, even with One-Time PINs: Include', async () => {
		const json = answer(
			await paycodeTool(['123456', 'BATCH-WITH-FAILURES'], { oneTimePins: 'include' }),
		);
		expect(json.summary).toBe(
			'Batch 123456: 0 pending, 10 successful, 0 failed. Batch BATCH-WITH-FAILURES: 0 pending, 4 successful, 2 failed.',
		);
		const [seed, mixed] = json.results;
		expect(seed.successful).toMatchObject({
			count: 10,
			totalAmountNaira: 43_000,
			totalAmountKobo: 4_300_000,
			currency: 'NGN',
		});
		expect(seed.successful.tokens[0]).toEqual({
			beneficiaryNumber: '08021111111',
			amountKobo: 400_000,
			surchargeKobo: 0,
			amountNaira: 4000,
			currency: 'NGN',
		});
		expect(mixed.failed.count).toBe(2);
		expect(JSON.stringify(json)).not.toMatch(/oneTimePin|"4321"|"1234"/);
	});

	test('PINs go to the model only with "Give One-Time PINs to an AI Agent"', async () => {
		const json = answer(await paycodeTool(['123456'], {}, { pinsForAgents: true }));
		expect(json.results[0].successful.tokens[0].oneTimePin).toBe('4321');
	});

	test('tokens not generated yet are the pending count', async () => {
		const json = answer(await paycodeTool(['PROGRESS-999-tool'], { expectedTokenCount: 4 }));
		expect(json.results[0]).toMatchObject({
			batch: 'PROGRESS-999-tool',
			counts: { pending: 2, successful: 2, failed: 0 },
			expectedCount: 4,
			outstandingCount: 2,
		});
	});
});

test('the normal (non-tool) node still routes to three outputs', async () => {
	const result = await harness.run(
		singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Node',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: 'bulk_stamp_v2_demoMixed00001',
				output: 'perStamp',
			},
			items: [{}],
		}),
		{ credentials: { surepassApi: emulator.surepassCredential() as never } },
	);
	expect(result.outputs('Node').map((items) => items.length)).toEqual([1, 3, 2]);
});
