import type { INodeExecutionData } from 'n8n-workflow';

import { harness, itemsOf, runNodeOnce, useEmulator } from '../../harness/helpers';
import { batchStatusWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

async function run(
	items: Array<Record<string, unknown>>,
	parameters: Record<string, unknown> = {},
	onError?: OnError,
	credential: Record<string, unknown> = emulator.interswitchCredential(),
) {
	const workflow = batchStatusWorkflow(items, parameters, onError);
	const result = await harness.run(workflow, {
		credentials: { interswitchPaycodeApi: credential as never },
	});
	return {
		...result,
		raw: result.outputs('Interswitch Paycode'),
		branches: itemsOf(result.outputs('Interswitch Paycode')),
	};
}

// The seed's sample: 10 successful tokens, ₦43,000.00 in all.
const SEED_TOKENS: Array<[string, number, string]> = [
	['08021111111', 400000, '4321'],
	['08021111112', 300000, '1234'],
	['08021111113', 500000, '1234'],
	['08021111114', 400000, '1234'],
	['08021111115', 300000, '1234'],
	['08021111116', 500000, '1234'],
	['08021111117', 500000, '1234'],
	['08021111118', 400000, '1234'],
	['08021111119', 500000, '1234'],
	['08021111110', 500000, '1234'],
];
const SEED_SUMMARY = {
	numberOfSuccessful: 10,
	numberOfFailed: 0,
	amountOfSuccessfulKobo: 4300000,
	amountOfFailedKobo: 0,
	amountOfSuccessfulNaira: 43000,
	amountOfFailedNaira: 0,
	currency: 'NGN',
};

/** `pin`: the PIN the item should carry; null when it should have no PIN field at all. */
function seedToken(
	[beneficiaryNumber, amountKobo, seedPin]: [string, number, string],
	pin?: string | null,
) {
	const oneTimePin = pin === undefined ? seedPin : pin;
	const json: Record<string, unknown> = {
		batchReference: '123456',
		frontEndPartnerId: '455',
		status: 'successful',
		beneficiaryNumber,
		amountKobo,
		surchargeKobo: 0,
		amountNaira: amountKobo / 100,
		currency: 'NGN',
	};
	if (oneTimePin !== null) json.oneTimePin = oneTimePin;
	json.summary = SEED_SUMMARY;
	return { json, pairedItem: { item: 0 } };
}

describe('Interswitch Paycode through the n8n engine', () => {
	test('routes the seed sample batch: 10 successful tokens, ₦43,000.00, nothing pending or failed', async () => {
		const { branches, error } = await run([{ referenceId: '123456' }]);
		expect(error).toBeUndefined();
		expect(branches).toEqual([[], SEED_TOKENS.map((token) => seedToken(token)), []]);
		const [request] = emulator.requestsTo('interswitch');
		expect(request.method).toBe('GET');
		expect(request.path).toBe('/api/v1/pwm/bulk/tokens/comprehensive/status');
		expect(request.query).toEqual({ referenceId: ['123456'], frontEndPartner: ['455'] });
		expect(request.headers.authorization).toMatch(/^Bearer emu_[0-9a-f]+$/);
		const [tokenRequest] = emulator.requestsTo('passport');
		expect(tokenRequest.params).toMatchObject({
			grant_type: 'client_credentials',
			clientId: 'IKIA-EMULATOR-CLIENT',
		});
	});

	test('version 1.2: token items leave the batch summary out (PINs masked), Include Batch Summary puts it back', async () => {
		const runVersion = async (parameters: Record<string, unknown>) =>
			await runNodeOnce(
				{
					type: 'interswitchPaycode',
					typeVersion: 1.2,
					credentialType: 'interswitchPaycodeApi',
					name: 'Interswitch Paycode',
					items: [{ referenceId: '123456' }, { referenceId: 'GEN-IN-PROGRESS' }],
					parameters: {
						resource: 'bulkTokenBatch',
						operation: 'getStatus',
						referenceId: '={{ $json.referenceId }}',
						...parameters,
					},
				},
				{ interswitchPaycodeApi: emulator.interswitchCredential() },
			);
		const lean = await runVersion({});
		expect(lean[1].slice(0, 10)).toEqual(
			SEED_TOKENS.map((token) => {
				const { json, pairedItem } = seedToken(token, '****');
				const { summary, ...rest } = json;
				void summary;
				return { json: rest, pairedItem };
			}),
		);
		expect(
			lean[1]
				.slice(10)
				.map((item) => [item.json.batchReference, item.json.summary, item.pairedItem]),
		).toEqual([
			['GEN-IN-PROGRESS', undefined, { item: 1 }],
			['GEN-IN-PROGRESS', undefined, { item: 1 }],
			['GEN-IN-PROGRESS', undefined, { item: 1 }],
		]);
		const withSummary = await runVersion({ batchSummary: true });
		expect(withSummary[1].slice(0, 10)).toEqual(
			SEED_TOKENS.map((token) => seedToken(token, '****')),
		);
		expect(withSummary[1][10].json.summary).toMatchObject({
			numberOfSuccessful: 3,
			numberOfFailed: 0,
		});
	});

	test('one item per batch: the list with totals, per non-empty branch', async () => {
		const { branches } = await run([{ referenceId: '123456' }], { output: 'perBatch' });
		expect(branches).toEqual([
			[],
			[
				{
					json: {
						batchReference: '123456',
						frontEndPartnerId: '455',
						status: 'successful',
						count: 10,
						totalAmountKobo: 4300000,
						totalAmountNaira: 43000,
						currency: 'NGN',
						tokens: SEED_TOKENS.map(([beneficiaryNumber, amountKobo, oneTimePin]) => ({
							beneficiaryNumber,
							amountKobo,
							surchargeKobo: 0,
							amountNaira: amountKobo / 100,
							currency: 'NGN',
							oneTimePin,
						})),
						summary: SEED_SUMMARY,
					},
					pairedItem: { item: 0 },
				},
			],
			[],
		]);
	});

	test('a batch with failures (listed as "Failed"), a surcharge, and the expected count reached', async () => {
		const { branches } = await run([{ referenceId: 'BATCH-WITH-FAILURES' }], {
			expectedTokenCount: 6,
			output: 'perBatch',
		});
		expect(branches[0]).toEqual([]);
		expect(branches[1]).toHaveLength(1);
		expect(branches[2]).toEqual([
			{
				json: {
					batchReference: 'BATCH-WITH-FAILURES',
					frontEndPartnerId: '455',
					status: 'failed',
					count: 2,
					totalAmountKobo: 400000,
					totalAmountNaira: 4000,
					currency: 'NGN',
					// From the emulator's generator: amount 100000 + (i % 5) * 50000, surcharge "" when i % 3 is 0.
					tokens: [
						{
							beneficiaryNumber: '08030000004',
							amountKobo: 300000,
							surchargeKobo: 10000,
							amountNaira: 3000,
							currency: 'NGN',
							oneTimePin: '5676',
						},
						{
							beneficiaryNumber: '08030000005',
							amountKobo: 100000,
							surchargeKobo: 10000,
							amountNaira: 1000,
							currency: 'NGN',
							oneTimePin: '4595',
						},
					],
					summary: {
						numberOfSuccessful: 4,
						numberOfFailed: 2,
						amountOfSuccessfulKobo: 700000,
						amountOfFailedKobo: 400000,
						amountOfSuccessfulNaira: 7000,
						amountOfFailedNaira: 4000,
						currency: 'NGN',
						expectedCount: 6,
						outstandingCount: 0,
					},
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('Pending: expected count not reached gives one item with expected, generated, outstanding', async () => {
		const { branches } = await run([{ referenceId: 'GEN-IN-PROGRESS' }], {
			expectedTokenCount: 10,
			output: 'perBatch',
		});
		expect(branches[0]).toEqual([
			{
				json: {
					batchReference: 'GEN-IN-PROGRESS',
					frontEndPartnerId: '455',
					status: 'pending',
					expectedCount: 10,
					generatedCount: 3,
					outstandingCount: 7,
					note: '7 of 10 tokens are not generated yet',
					summary: {
						numberOfSuccessful: 3,
						numberOfFailed: 0,
						amountOfSuccessfulKobo: 450000,
						amountOfFailedKobo: 0,
						amountOfSuccessfulNaira: 4500,
						amountOfFailedNaira: 0,
						currency: 'NGN',
						expectedCount: 10,
						outstandingCount: 7,
					},
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(branches[1]).toHaveLength(1);
		expect(branches[2]).toEqual([]);
	});

	test('PINs: include, mask, omit', async () => {
		const masked = await run([{ referenceId: '123456' }], { oneTimePins: 'mask' });
		expect(masked.branches).toEqual([[], SEED_TOKENS.map((token) => seedToken(token, '****')), []]);
		const omitted = await run([{ referenceId: '123456' }], { oneTimePins: 'omit' });
		expect(omitted.branches).toEqual([[], SEED_TOKENS.map((token) => seedToken(token, null)), []]);
		expect(JSON.stringify(omitted.run)).not.toMatch(/"oneTimePin"/);
		expect(JSON.stringify(masked.run)).not.toMatch(/4321/);
	});

	test('the access token is fetched once and reused across items and concurrent requests', async () => {
		const items = Array.from({ length: 12 }, () => ({ referenceId: '123456' }));
		const { branches } = await run(items, { output: 'perBatch', options: { maxConcurrency: 4 } });
		expect(branches[1].map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		expect(emulator.requestsTo('interswitch')).toHaveLength(12);
	});

	test('a stored token that has expired is renewed before the request goes out, once', async () => {
		const first = await run([{ referenceId: '123456' }], { output: 'perBatch' });
		const stored = first.credentialsHelper.store.interswitchPaycodeApi;
		expect(stored.accessToken).toMatch(/^emu_/);
		expect(Number(stored.validUntil)).toBeGreaterThan(Date.now());
		emulator.resetStats();
		// The same credential, saved with a token whose lifetime has run out.
		const expired = { ...stored, validUntil: Date.now() - 1000 };
		const { branches } = await run(
			[{ referenceId: '123456' }, { referenceId: '123456' }],
			{ output: 'perBatch' },
			undefined,
			expired,
		);
		expect(branches[1]).toHaveLength(2);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		// No request was sent with the expired token.
		expect(
			emulator.requestsTo('interswitch').map((req) => req.headers.authorization),
		).not.toContain(`Bearer ${stored.accessToken}`);
	});

	test('a token the API rejects is renewed once and the request retried', async () => {
		const revoked = {
			...emulator.interswitchCredential(),
			accessToken: 'emu_revoked',
			validUntil: Date.now() + 3_600_000,
		};
		const { branches, credentialsHelper } = await run(
			[{ referenceId: '123456' }],
			{ output: 'perBatch' },
			undefined,
			revoked,
		);
		expect(branches[1]).toHaveLength(1);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		expect(credentialsHelper.store.interswitchPaycodeApi.accessToken).not.toBe('emu_revoked');
	});

	test('after a renewal, a business error behind HTTP 401 reads as that error, not as a rejected token', async () => {
		// The renewal request lets every error status throw (nodes/shared/n8n.ts, statusErrors): the
		// answer is read back from the thrown error.
		const revoked = {
			...emulator.interswitchCredential(),
			accessToken: 'emu_revoked',
			validUntil: Date.now() + 3_600_000,
		};
		const { raw, credentialsHelper } = await run(
			[{ referenceId: 'UNKNOWN-REF' }],
			{ output: 'perBatch' },
			'continueRegularOutput',
			revoked,
		);
		const errors = raw.flat().filter((item) => item.error);
		expect(errors.map((item) => item.error?.message)).toEqual([
			'Interswitch has no batch with reference "UNKNOWN-REF" for front-end partner "455" (10904) [item 0]',
		]);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		expect(credentialsHelper.store.interswitchPaycodeApi.accessToken).not.toBe('emu_revoked');
	});

	test('a refused token is renewed once per run, however many items find out at once', async () => {
		const revoked = {
			...emulator.interswitchCredential(),
			accessToken: 'emu_revoked',
			validUntil: Date.now() + 3_600_000,
		};
		const items = Array.from({ length: 10 }, () => ({ referenceId: '123456' }));
		const { branches } = await run(
			items,
			{ output: 'perBatch', options: { maxConcurrency: 10 } },
			undefined,
			revoked,
		);
		expect(branches[1]).toHaveLength(10);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
	});

	test('when every token is refused, the run renews once and every other item fails at once', async () => {
		emulator.addFault({
			route: 'interswitch',
			when: (req) => req.path.endsWith('/comprehensive/status'),
			status: 401,
			body: { error: 'invalid_token', error_description: 'Invalid access token' },
		});
		const items = Array.from({ length: 50 }, () => ({ referenceId: '123456' }));
		const { raw } = await run(
			items,
			{ output: 'perBatch', options: { maxConcurrency: 1 } },
			'continueRegularOutput',
		);
		const errors = raw.flat().filter((item) => item.error);
		expect(errors).toHaveLength(50);
		expect(new Set(errors.map((item) => item.error?.message))).toEqual(
			new Set(
				items.map(
					(_, index) =>
						`Batch "123456": Interswitch rejected the access token (HTTP 401: Invalid access token) [item ${index}]`,
				),
			),
		);
		// The run's first token and one renewal. The first item: its request, the one whose 401 makes
		// n8n renew, the retry with the new token; then one request per item, each refusal final.
		expect(emulator.requestsTo('passport')).toHaveLength(2);
		expect(emulator.requestsTo('interswitch')).toHaveLength(52);
	});

	test('a stored token refused, then its renewal refused too: one renewal, then every item fails at once', async () => {
		emulator.addFault({
			route: 'interswitch',
			when: (req) => req.path.endsWith('/comprehensive/status'),
			status: 401,
			body: { error: 'invalid_token', error_description: 'Invalid access token' },
		});
		const stored = {
			...emulator.interswitchCredential(),
			accessToken: 'emu_stored',
			validUntil: Date.now() + 3_600_000,
		};
		const items = Array.from({ length: 50 }, () => ({ referenceId: '123456' }));
		const { raw } = await run(
			items,
			{ output: 'perBatch', options: { maxConcurrency: 1 } },
			'continueRegularOutput',
			stored,
		);
		expect(raw.flat().filter((item) => item.error)).toHaveLength(50);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		// The first item: its request, the one whose 401 makes n8n renew, the retry with the new
		// token; then one request per item.
		expect(emulator.requestsTo('interswitch')).toHaveLength(52);
	});

	test('signature headers are sent and accepted for the exact request (SHA-512 and SHA-1)', async () => {
		for (const method of ['SHA512', 'SHA1'] as const) {
			emulator.resetStats();
			emulator.interswitch.settings.requireSignature = method;
			const credential = {
				...emulator.interswitchCredential(),
				signatureHeaders: true,
				signatureMethod: method,
			};
			const { branches, error } = await run(
				[{ referenceId: '123456' }],
				{ output: 'perBatch' },
				undefined,
				credential,
			);
			expect(error).toBeUndefined();
			expect(branches[1]).toHaveLength(1);
			const [request] = emulator.requestsTo('interswitch');
			expect(request.status).toBe(200);
			expect(request.params.signatureMethod).toBe(method);
			expect(request.headers.nonce).toMatch(/^[0-9a-f]{32}$/);
		}
		// Without the headers, an API that requires them refuses the request.
		const { raw } = await run([{ referenceId: '123456' }], {}, 'continueRegularOutput');
		expect((raw[2][0].error as { message: string }).message).toBe(
			'Batch "123456": Interswitch could not process the request (10500: Unable to validate authentication details) [item 0]',
		);
	});
});

describe('Interswitch errors', () => {
	function errorOf(items: INodeExecutionData[], item = 0) {
		const found = items.filter(
			(entry) => entry.error && (entry.pairedItem as { item: number }).item === item,
		);
		expect(found).toHaveLength(1);
		return found[0].error as unknown as {
			message: string;
			description: string;
			httpCode: string;
			context: Record<string, unknown>;
		};
	}

	test.each([
		[
			'UNKNOWN-REF',
			'455',
			'Interswitch has no batch with reference "UNKNOWN-REF" for front-end partner "455" (10904) [item 0]',
			'10904',
		],
		[
			'123456',
			'999',
			'Batch "123456": Interswitch does not know the front-end partner "999" (10801) [item 0]',
			'10801',
		],
	])('%s / %s', async (referenceId, partner, message, code) => {
		const { raw } = await run(
			[{ referenceId }],
			{ frontEndPartnerId: partner },
			'continueRegularOutput',
		);
		const error = errorOf(raw[2]);
		expect(error).toMatchObject({
			message,
			httpCode: '401',
			context: expect.objectContaining({ vendorCode: code, itemIndex: 0 }),
		});
		expect(error.message).not.toMatch(/authori[sz]ation/i);
		// A business error is not a token problem: one token, one status request, no renewal loop.
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		expect(emulator.requestsTo('interswitch')).toHaveLength(1);
	});

	test('E50 from Interswitch for an empty reference', async () => {
		emulator.addFault({
			route: 'interswitch',
			status: 401,
			body: {
				errors: [{ code: 'E50', message: 'referenceId cannot be empty.' }],
				error: { code: 'E50', message: 'referenceId cannot be empty.' },
			},
		});
		const { raw } = await run([{ referenceId: 'X' }], {}, 'continueRegularOutput');
		expect(errorOf(raw[2]).message).toBe(
			'Batch "X": Interswitch says the Reference ID is empty (E50: referenceId cannot be empty.) [item 0]',
		);
	});

	test('an empty Reference ID is refused before any request', async () => {
		const { raw } = await run([{ referenceId: '  ' }], {}, 'continueRegularOutput');
		expect(errorOf(raw[2]).message).toBe('The Reference ID is empty [item 0]');
		expect(emulator.stats.requests).toBe(0);
	});

	test('E24 as HTTP 403 says to check the clock', async () => {
		emulator.addFault({
			route: 'interswitch',
			status: 403,
			body: {
				error: {
					code: 'E24',
					message: 'Invalid authentication credentials: Timestamp out of window',
				},
			},
		});
		const { raw } = await run([{ referenceId: '123456' }], {}, 'continueRegularOutput');
		expect(errorOf(raw[2])).toMatchObject({
			message:
				'Batch "123456": Interswitch refused the request signature: its timestamp is out of window (E24) [item 0]',
			description: expect.stringMatching(/clock/),
			httpCode: '403',
		});
	});

	test("Passport rejecting the client says the client ID or secret was rejected, with Passport's words", async () => {
		const credential = { ...emulator.interswitchCredential(), clientSecret: 'wrong-secret-value' };
		const { raw } = await run(
			[{ referenceId: '123456' }, { referenceId: '123456' }],
			{},
			'continueRegularOutput',
			credential,
		);
		const error = errorOf(raw[2], 0);
		expect(error.message).toMatch(
			/^Batch "123456": Interswitch Passport rejected the client ID or secret \(HTTP 401: invalid_client: Bad client credentials\)/,
		);
		expect(JSON.stringify(raw)).not.toContain('wrong-secret-value');
		expect(raw[2]).toHaveLength(2);
	});

	test('"Treat No Record of Batch as Pending" turns 10904 into a Pending item', async () => {
		const { branches } = await run([{ referenceId: 'JUST-SUBMITTED' }], {
			expectedTokenCount: 5,
			options: { noRecordAsPending: true },
		});
		expect(branches).toEqual([
			[
				{
					json: {
						batchReference: 'JUST-SUBMITTED',
						frontEndPartnerId: '455',
						status: 'pending',
						expectedCount: 5,
						generatedCount: 0,
						outstandingCount: 5,
						note: 'Interswitch has no record of this batch yet (10904); check again later',
					},
					pairedItem: { item: 0 },
				},
			],
			[],
			[],
		]);
	});

	test('Continue (using error output): failed batches move to the error output, the rest is routed', async () => {
		const { raw, error } = await run(
			[{ referenceId: 'UNKNOWN-REF' }, { referenceId: '123456' }, { referenceId: '' }],
			{ output: 'perBatch' },
			'continueErrorOutput',
		);
		expect(error).toBeUndefined();
		expect(raw).toHaveLength(4);
		expect(raw[1].map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(raw[3].map((item) => [item.pairedItem, item.json.error])).toEqual([
			[
				{ item: 0 },
				'Interswitch has no batch with reference "UNKNOWN-REF" for front-end partner "455" (10904) [item 0]',
			],
			[{ item: 2 }, 'The Reference ID is empty [item 2]'],
		]);
	});

	test('stop on error fails the run with the first failing item', async () => {
		const { error } = await run([{ referenceId: '123456' }, { referenceId: 'UNKNOWN-REF' }]);
		expect(error).toMatchObject({
			name: 'NodeApiError',
			context: expect.objectContaining({ itemIndex: 1, vendorCode: '10904' }),
		});
	});

	test('the credential test gets a token and tells a rejected client from an accepted one', async () => {
		await expect(
			harness.testCredential('interswitchPaycodeApi', emulator.interswitchCredential()),
		).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		const rejected = await harness.testCredential('interswitchPaycodeApi', {
			...emulator.interswitchCredential(),
			clientSecret: 'nope-wrong-secret',
		});
		expect(rejected.status).toBe('Error');
		expect(rejected.message).toMatch(
			/Interswitch Passport rejected the client ID or secret \(HTTP 401: invalid_client: Bad client credentials\)/,
		);
		const badPartner = await harness.testCredential('interswitchPaycodeApi', {
			...emulator.interswitchCredential(),
			frontEndPartnerId: '999',
		});
		expect(badPartner).toEqual({
			status: 'Error',
			message: 'The token works, but Interswitch does not know the Front-End Partner ID. Check it.',
		});
	});
});
