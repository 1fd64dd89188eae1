/**
 * Bulk Token Batch → Cancel through n8n's engine against the emulator's
 * DELETE {context}/pwm/bulk/tokens. A cancel is never sent twice on a guess.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { harness, useEmulator } from '../../harness/helpers';
import { singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

async function run(
	items: Array<Record<string, unknown>>,
	parameters: Record<string, unknown> = {},
	credential: Record<string, unknown> = emulator.interswitchCredential(),
) {
	const result = await harness.run(
		singleNodeWorkflow({
			type: 'interswitchPaycode',
			credentialType: 'interswitchPaycodeApi',
			name: 'Interswitch Paycode',
			parameters: {
				resource: 'bulkTokenBatch',
				operation: 'cancel',
				...parameters,
				options: { retryDelayMs: 1, ...(parameters.options as object) },
			},
			items,
			onError: 'continueRegularOutput',
		}),
		{ credentials: { interswitchPaycodeApi: credential as never } },
	);
	return { ...result, items: result.outputs('Interswitch Paycode') };
}

const cancelRequests = () =>
	emulator.requestsTo('interswitch').filter((req) => req.path.endsWith('/pwm/bulk/tokens'));
const errorOf = (item: INodeExecutionData) => item.error?.message;
const QUEUED = {
	referenceId: '123456',
	frontEndPartnerId: '455',
	cancelStatus: 'queued',
	code: '00',
	description: 'Successfully queued to be cancelled',
};

describe('Interswitch Paycode → Bulk Token Batch → Cancel', () => {
	test('cancels a batch named by a Get Status item: one output, the answer read, fields in body and query', async () => {
		const { items, error, outputNames } = await run([
			{ batchReference: '123456', frontEndPartnerId: '455', beneficiaryNumber: '08021111111' },
		]);
		expect(error).toBeUndefined();
		expect(outputNames('Interswitch Paycode')).toEqual(['Output 1']);
		expect(items).toEqual([[{ json: QUEUED, pairedItem: { item: 0 } }]]);
		const [request] = cancelRequests();
		expect(request.method).toBe('DELETE');
		expect(JSON.parse(request.body)).toEqual({ referenceId: '123456', frontEndPartner: '455' });
		expect(request.query).toEqual({ referenceId: ['123456'], frontEndPartner: ['455'] });
		expect(emulator.interswitch.cancels.get('455/123456')).toBe(1);
	});

	test('items that name the same batch cancel it once; each item gets the answer', async () => {
		const items = [
			{ batchReference: '123456', beneficiaryNumber: '08021111111' },
			{ batchReference: 'BATCH-WITH-FAILURES', beneficiaryNumber: '1' },
			{ batchReference: '123456', beneficiaryNumber: '08021111112' },
			{ batchReference: '123456', beneficiaryNumber: '08021111113' },
		];
		const { items: out } = await run(items, { options: { maxConcurrency: 4 } });
		expect(out[0].map((item) => [item.json.referenceId, item.pairedItem])).toEqual([
			['123456', { item: 0 }],
			['BATCH-WITH-FAILURES', { item: 1 }],
			['123456', { item: 2 }],
			['123456', { item: 3 }],
		]);
		expect(cancelRequests()).toHaveLength(2);
		expect([...emulator.interswitch.cancels]).toEqual(
			expect.arrayContaining([
				['455/123456', 1],
				['455/BATCH-WITH-FAILURES', 1],
			]),
		);
	});

	test("Interswitch's business answers read like Get Status's: 10904, E50, unknown partner", async () => {
		emulator.addFault({
			route: 'interswitch',
			when: (req) => req.params.referenceId === 'FORCE-E50',
			status: 401,
			body: {
				errors: [{ code: 'E50', message: 'referenceId cannot be empty.' }],
				error: { code: 'E50', message: 'referenceId cannot be empty.' },
			},
		});
		const { items } = await run([
			{ referenceId: 'NO-SUCH-BATCH' },
			{ referenceId: 'FORCE-E50' },
			{ referenceId: '123456', frontEndPartnerId: '999' },
			{ referenceId: '' },
		]);
		expect(items[0].map(errorOf)).toEqual([
			'Interswitch has no batch with reference "NO-SUCH-BATCH" for front-end partner "455" (10904); nothing was cancelled [item 0]',
			'Batch "FORCE-E50": Interswitch says the Reference ID is empty (E50: referenceId cannot be empty.); nothing was cancelled [item 1]',
			'Batch "123456": Interswitch does not know the front-end partner "999" (10801); nothing was cancelled [item 2]',
			'The Reference ID is empty; the cancel was not sent [item 3]',
		]);
		expect(items[0][0].error?.description).toMatch(/^Nothing was cancelled\./);
		// Three requests (the empty Reference ID is refused before anything is sent), none repeated.
		expect(cancelRequests()).toHaveLength(3);
		expect(emulator.interswitch.cancels.size).toBe(0);
	});

	test.each([
		[
			'a server error',
			{ status: 503, body: '' },
			'Interswitch had a server error (HTTP 503, 1 attempt)',
		],
		[
			'a connection reset before the answer',
			{ action: 'reset' as const },
			'Interswitch at 127.0.0.1:<port> closed the connection before answering (1 attempt)',
		],
		[
			'an answer cut in the middle',
			{ action: 'reset-mid' as const, status: 200 },
			"Interswitch's answer from 127.0.0.1:<port> was cut off before its end (1 attempt)",
		],
	])(
		'after %s the cancel is not sent again, and the message itself says it may have reached Interswitch',
		async (_, fault, happened) => {
			emulator.addFault({ route: 'interswitch', when: (req) => req.method === 'DELETE', ...fault });
			const { items } = await run([{ referenceId: '123456' }], { options: { maxRetries: 5 } });
			expect(items[0]).toHaveLength(1);
			expect(errorOf(items[0][0])?.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:<port>')).toBe(
				`Batch "123456": ${happened}; the cancel may have reached Interswitch and was not sent again: check the batch with Get Status before you cancel again [item 0]`,
			);
			expect(cancelRequests()).toHaveLength(1);
		},
	);

	test('a timeout is not retried either', async () => {
		emulator.addFault({
			route: 'interswitch',
			when: (req) => req.method === 'DELETE',
			action: 'hang',
		});
		const { items } = await run([{ referenceId: '123456' }], {
			options: { maxRetries: 5, timeoutMs: 1000 },
		});
		expect(errorOf(items[0][0])).toBe(
			'Batch "123456": Interswitch did not answer within 1 s (1 attempt); the cancel may have reached Interswitch and was not sent again: check the batch with Get Status before you cancel again [item 0]',
		);
		expect(cancelRequests()).toHaveLength(1);
	});

	test('what proves the cancel did not arrive is retried: a 429, a refused token (renewed once)', async () => {
		let limited = 0;
		emulator.addFault({
			route: 'interswitch',
			when: (req) => req.method === 'DELETE' && limited++ === 0,
			status: 429,
			headers: { 'retry-after': '0' },
			body: '',
		});
		const revoked = {
			...emulator.interswitchCredential(),
			accessToken: 'emu_revoked',
			validUntil: Date.now() + 3_600_000,
		};
		const { items } = await run([{ referenceId: '123456' }], {}, revoked);
		expect(items[0].map((item) => item.json)).toEqual([QUEUED]);
		// The 429, the refused token, the request that makes n8n renew, then the cancel itself.
		expect(cancelRequests()).toHaveLength(4);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		expect(emulator.interswitch.cancels.get('455/123456')).toBe(1);
	});

	test('no connection at all is retried: it cannot have reached Interswitch', async () => {
		const closed = { ...emulator.interswitchCredential(), contextUrl: 'http://127.0.0.1:9/api/v1' };
		const { items } = await run(
			[{ referenceId: '123456' }],
			{ options: { maxRetries: 2 } },
			closed,
		);
		expect(errorOf(items[0][0])).toBe(
			'Batch "123456": Could not reach Interswitch at 127.0.0.1:9: the connection was refused (3 attempts); the cancel was not sent [item 0]',
		);
	});
});
