import type { INodeExecutionData } from 'n8n-workflow';

import { harness, standAloneMessage, useEmulator } from '../../harness/helpers';
import { singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

const SEED_ORDER = 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL';

interface ErrorDetails {
	name: string;
	message: string;
	description?: string;
	httpCode?: string;
	context: { itemIndex?: number; vendorCode?: string };
}

type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

async function run(
	items: Array<Record<string, unknown>>,
	onError?: OnError,
	credential: Record<string, unknown> = emulator.surepassCredential(),
	options: Record<string, unknown> = {},
) {
	const workflow = singleNodeWorkflow({
		type: 'surepassStamp',
		credentialType: 'surepassApi',
		name: 'Surepass Stamp',
		parameters: {
			resource: 'bulkStampOrder',
			operation: 'getSummary',
			bulkOrderId: '={{ $json.orderId }}',
			output: 'perOrder',
			options: { retryDelayMs: 1, ...options },
		},
		items,
		onError,
	});
	const result = await harness.run(workflow, { credentials: { surepassApi: credential as never } });
	return { ...result, branches: result.outputs('Surepass Stamp') };
}

/** The single error item an input item produced, checked for the shape n8n expects. */
function errorItemOf(items: INodeExecutionData[], itemIndex: number) {
	const found = items.filter(
		(item) => item.error !== undefined && (item.pairedItem as { item: number }).item === itemIndex,
	);
	expect(found).toHaveLength(1);
	expect(found[0].pairedItem).toEqual({ item: itemIndex });
	return found[0];
}

async function expectFailure(
	orderId: string,
	expected: { message: string | RegExp; description?: RegExp; httpCode?: string; code?: string },
	credential?: Record<string, unknown>,
	options?: Record<string, unknown>,
) {
	const { branches } = await run([{ orderId }], 'continueRegularOutput', credential, options);
	expect(branches[0]).toEqual([]);
	expect(branches[1]).toEqual([]);
	expect(branches[2]).toHaveLength(1);
	const item = errorItemOf(branches[2], 0);
	const error = item.error as unknown as ErrorDetails;
	// The engine keeps only the message in the item's JSON; the rest stays on the error.
	expect(item.json).toEqual({ error: error.message });
	if (typeof expected.message === 'string')
		expect(error.message).toBe(
			expected.message.endsWith(']')
				? expected.message
				: standAloneMessage(expected.message, 'Order', orderId, 0),
		);
	else expect(error.message).toMatch(expected.message);
	if (expected.description) expect(error.description).toMatch(expected.description);
	if (expected.httpCode) expect(error.httpCode).toBe(expected.httpCode);
	if (expected.code) expect(error.context.vendorCode).toBe(expected.code);
	expect(error.context.itemIndex).toBe(0);
	return error;
}

describe('bad input gets a clear error naming the item', () => {
	test.each([
		['', /^The Bulk Order ID is empty \[item 0\]$/],
		['   ', /^The Bulk Order ID is empty \[item 0\]$/],
		[
			'stamp_v2_ltIyIpbNoVxnclqhEVey',
			/^"stamp_v2_ltIyIpbNoVxnclqhEVey" is the ID of a single stamp, not of a bulk order: enter the bulk order ID, which starts with "bulk_stamp_v2_" \[item 0\]$/,
		],
	])('%j', async (orderId, message) => {
		const error = await expectFailure(orderId, { message });
		expect(error.name).toBe('NodeOperationError');
		expect(error.description).toMatch(/bulk order ID Surepass returned/);
		expect(emulator.stats.requests).toBe(0);
	});

	test('stop on error (the default) fails the run with the first bad item, as a NodeOperationError', async () => {
		const { error, run: execution } = await run([
			{ orderId: SEED_ORDER },
			{ orderId: '' },
			{ orderId: 'stamp_v2_x' },
		]);
		expect(error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The Bulk Order ID is empty [item 1]',
		});
		expect(execution.status).toBe('error');
	});
});

describe('errors from Surepass become one NodeApiError with a hint', () => {
	test('401: the token was rejected; check the token and the environment', async () => {
		const error = await expectFailure(
			SEED_ORDER,
			{
				message:
					'Surepass rejected the token (HTTP 401: Unauthorized. Invalid or missing authentication token.)',
				description:
					/Environment matches the token: a sandbox token does not work against production/,
				httpCode: '401',
				code: 'unauthorized',
			},
			{ ...emulator.surepassCredential(), token: 'wrong-token-value' },
		);
		expect(error.name).toBe('NodeApiError');
		expect(JSON.stringify(error)).not.toContain('wrong-token-value');
		expect(emulator.stats.requests).toBe(1);
	});

	test('404: says which order was not found', async () => {
		await expectFailure('bulk_stamp_v2_doesNotExist0', {
			message: 'Surepass has no bulk stamp order "bulk_stamp_v2_doesNotExist0"',
			description: /same environment as the credential/,
			httpCode: '404',
			code: 'client_id_not_found',
		});
	});

	test('400 invalid_client_id: the vendor says the ID is invalid', async () => {
		await expectFailure('not_an_order', {
			message: 'Surepass rejected the Bulk Order ID "not_an_order" (HTTP 400: Invalid client_id)',
			httpCode: '400',
			code: 'invalid_client_id',
		});
	});

	test('403 and 422 are not retried', async () => {
		emulator.addFault({
			status: 403,
			body: { status_code: 403, success: false, message: 'Forbidden', message_code: 'forbidden' },
		});
		await expectFailure(SEED_ORDER, {
			message: 'Surepass refused access (HTTP 403: Forbidden)',
			httpCode: '403',
			code: 'forbidden',
		});
		expect(emulator.stats.requests).toBe(1);
		emulator.clearFaults();
		emulator.resetStats();
		emulator.addFault({
			status: 422,
			body: {
				status_code: 422,
				success: false,
				message: 'client_id is invalid',
				message_code: 'validation_error',
			},
		});
		await expectFailure(SEED_ORDER, {
			message: /rejected the Bulk Order ID .* \(HTTP 422: client_id is invalid\)/,
			httpCode: '422',
		});
		expect(emulator.stats.requests).toBe(1);
	});

	test('the older error variant without message_code is read too', async () => {
		emulator.addFault({
			status: 401,
			body: { success: false, error: 'unauthorized', message: 'Token expired' },
		});
		await expectFailure(SEED_ORDER, {
			message: 'Surepass rejected the token (HTTP 401: Token expired)',
			code: 'unauthorized',
		});
	});

	test('success: false with HTTP 200 is an error, classified by its own status_code', async () => {
		emulator.addFault({
			status: 200,
			body: {
				data: null,
				status_code: 404,
				success: false,
				message: 'Order not found',
				message_code: 'client_id_not_found',
			},
		});
		await expectFailure(SEED_ORDER, {
			message: `Surepass has no bulk stamp order "${SEED_ORDER}"`,
			httpCode: '200',
			code: 'client_id_not_found',
		});
	});

	test('500s are retried with back-off, then succeed', async () => {
		emulator.addFault({
			status: 500,
			body: {
				status_code: 500,
				success: false,
				message: 'Internal error',
				message_code: 'server_error',
			},
			times: 2,
		});
		const { branches } = await run([{ orderId: SEED_ORDER }]);
		expect(branches[1]).toHaveLength(1);
		expect(emulator.stats.requests).toBe(3);
	});

	test('503 and 429 that never recover are reported after the retries, Retry-After honoured', async () => {
		emulator.addFault({
			status: 503,
			headers: { 'retry-after': '0' },
			body: 'Service Unavailable',
		});
		const started = Date.now();
		await expectFailure(
			SEED_ORDER,
			{ message: 'Surepass had a server error (HTTP 503, 3 attempts)', httpCode: '503' },
			undefined,
			{
				maxRetries: 2,
				retryDelayMs: 600_000,
			},
		);
		// Retry-After: 0 replaced a back-off of at least 5 minutes.
		expect(Date.now() - started).toBeLessThan(60_000);
		expect(emulator.stats.requests).toBe(3);
		emulator.clearFaults();
		emulator.resetStats();
		emulator.addFault({
			status: 429,
			body: {
				status_code: 429,
				success: false,
				message: 'Too many requests',
				message_code: 'rate_limited',
			},
		});
		// A 429 is paced by the account's rate, not retried on the spot: the item gives up after
		// Max Wait on Rate Limit (1 s here) and says what to change.
		await expectFailure(
			SEED_ORDER,
			{
				message: "Surepass's rate limit was reached (the order kept trying for 1 s, 1 attempt)",
				description: /Requests per Minute/,
			},
			undefined,
			{ rateLimitWaitSeconds: 1 },
		);
		expect(emulator.stats.requests).toBe(1);
		// "Retry-After: 0" every time: retried at once, bounded by Max Retries.
		emulator.clearFaults();
		emulator.resetStats();
		emulator.addFault({ status: 429, headers: { 'retry-after': '0' }, body: '' });
		await expectFailure(
			SEED_ORDER,
			{ message: "Surepass's rate limit was reached (HTTP 429, 3 attempts)" },
			undefined,
			{ maxRetries: 2 },
		);
		expect(emulator.stats.requests).toBe(3);
	});

	test('a connection reset is retried; a body that is not JSON is an "unexpected response"', async () => {
		emulator.addFault({ action: 'reset', times: 1 });
		const ok = await run([{ orderId: SEED_ORDER }]);
		expect(ok.branches[1]).toHaveLength(1);
		expect(emulator.stats.requests).toBe(2);

		emulator.addFault({
			status: 200,
			headers: { 'content-type': 'text/html' },
			body: '<html>maintenance</html>',
		});
		await expectFailure(SEED_ORDER, {
			message: /: Unexpected response from Surepass: the body is an HTML page/,
		});
		emulator.clearFaults();
		emulator.addFault({ status: 200, body: '{"data": {"client_id": "bulk_stamp_v2_x", "summ' });
		await expectFailure(SEED_ORDER, {
			message: /: Unexpected response from Surepass: the body is malformed or truncated JSON/,
		});
		emulator.clearFaults();
		emulator.addFault({ status: 200, body: '' });
		await expectFailure(SEED_ORDER, {
			message: 'Unexpected response from Surepass: the body is empty',
		});
		emulator.clearFaults();
		emulator.addFault({
			status: 200,
			body: { data: { client_id: SEED_ORDER, quantity: 2 }, success: true },
		});
		await expectFailure(SEED_ORDER, {
			message:
				'Unexpected response from Surepass: the response has no "summary", so the stamps cannot be routed',
		});
	});

	test('a server that never answers times out, retried a bounded number of times', async () => {
		emulator.addFault({ action: 'hang' });
		await expectFailure(
			SEED_ORDER,
			{
				message: 'Surepass did not answer within 1 s (2 attempts)',
				description: /no answer within 1000 ms/,
			},
			undefined,
			{
				timeoutMs: 1000,
				maxRetries: 1,
			},
		);
		expect(emulator.stats.requests).toBe(2);
	});
});

describe('continue on fail', () => {
	const items = [
		{ orderId: SEED_ORDER },
		{ orderId: 'bulk_stamp_v2_missing00001' },
		{ orderId: 'bulk_stamp_v2_demoAllFailed1' },
		{ orderId: '' },
	];

	test('Continue (regular output): each failed item is one error item in Failed, the others are routed', async () => {
		const { branches, error } = await run(items, 'continueRegularOutput');
		expect(error).toBeUndefined();
		expect(branches).toHaveLength(3);
		expect(branches[0]).toEqual([]);
		expect(branches[1].map((item) => [item.pairedItem, item.json.bulkOrderId])).toEqual([
			[{ item: 0 }, SEED_ORDER],
		]);
		expect(branches[2].map((item) => item.pairedItem)).toEqual([
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		const notFound = errorItemOf(branches[2], 1);
		expect(notFound.json).toEqual({
			error: 'Surepass has no bulk stamp order "bulk_stamp_v2_missing00001" [item 1]',
		});
		expect(notFound.error).toMatchObject({
			name: 'NodeApiError',
			description: expect.stringMatching(/Check the Bulk Order ID/),
			httpCode: '404',
			context: { itemIndex: 1, vendorCode: 'client_id_not_found' },
		});
		expect(branches[2][1]).toMatchObject({
			json: { bulkOrderId: 'bulk_stamp_v2_demoAllFailed1', status: 'failed', count: 2 },
		});
		expect(branches[2][1].error).toBeUndefined();
		expect(errorItemOf(branches[2], 3).json.error).toBe('The Bulk Order ID is empty [item 3]');
	});

	test('Continue (using error output): failed items move to the error output, routed stamps stay', async () => {
		const { branches, error } = await run(items, 'continueErrorOutput');
		expect(error).toBeUndefined();
		expect(branches).toHaveLength(4);
		expect(branches[0]).toEqual([]);
		expect(branches[1].map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(branches[2].map((item) => [item.pairedItem, item.json.status])).toEqual([
			[{ item: 2 }, 'failed'],
		]);
		expect(branches[3].map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 1 }, 'Surepass has no bulk stamp order "bulk_stamp_v2_missing00001" [item 1]'],
			[{ item: 3 }, 'The Bulk Order ID is empty [item 3]'],
		]);
	});

	test('Stop on error: the run fails with the first failing item in input order', async () => {
		emulator.latencyMs = 20;
		const { error } = await run([
			{ orderId: SEED_ORDER },
			{ orderId: 'bulk_stamp_v2_missing00001' },
			{ orderId: 'bulk_stamp_v2_missing00002' },
		]);
		expect(error).toMatchObject({
			name: 'NodeApiError',
			message: 'Surepass has no bulk stamp order "bulk_stamp_v2_missing00001" [item 1]',
			context: expect.objectContaining({ itemIndex: 1 }),
		});
	});
});

describe('the credential', () => {
	test('plain http:// to a non-loopback host is refused for every item, before any request', async () => {
		const { branches } = await run(
			[{ orderId: SEED_ORDER }, { orderId: SEED_ORDER }],
			'continueRegularOutput',
			{
				...emulator.surepassCredential(),
				baseUrl: 'http://surepass.example.com',
			},
		);
		expect(branches[2].map((item) => [item.pairedItem, item.json.error])).toEqual([
			[
				{ item: 0 },
				expect.stringMatching(
					/^Order "bulk_stamp_v2_vomMHvHnecrlzTPRtyL": The Base URL uses plain http:\/\/ to surepass.example.com: use https:\/\/.* \[item 0\]$/,
				),
			],
			[
				{ item: 1 },
				expect.stringMatching(
					/^Order "bulk_stamp_v2_vomMHvHnecrlzTPRtyL": The Base URL uses plain http:\/\/.* \[item 1\]$/,
				),
			],
		]);
	});

	test('a credential that cannot be loaded fails each item once, not the node as a whole', async () => {
		const workflow = singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Surepass Stamp',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: '={{ $json.orderId }}',
			},
			items: [{ orderId: SEED_ORDER }, { orderId: SEED_ORDER }],
			onError: 'continueRegularOutput',
		});
		const result = await harness.run(workflow, { credentials: {} });
		expect(
			result.outputs('Surepass Stamp')[2].map((item) => [item.pairedItem, item.json.error]),
		).toEqual([
			[
				{ item: 0 },
				expect.stringMatching(
					/^Order "bulk_stamp_v2_vomMHvHnecrlzTPRtyL": No credential of type "surepassApi".*\[item 0\]$/,
				),
			],
			[{ item: 1 }, expect.stringMatching(/\[item 1\]$/)],
		]);
		expect(emulator.stats.requests).toBe(0);
	});

	test('trailing slashes on the Base URL do not matter', async () => {
		const { branches } = await run([{ orderId: SEED_ORDER }], undefined, {
			...emulator.surepassCredential(),
			baseUrl: `${emulator.url}///`,
		});
		expect(branches[1]).toHaveLength(1);
		expect(emulator.requestsTo('surepass')[0].rawUrl).toBe(
			'/api/v1/stamper-v2/bulk-stamp-order-summary',
		);
	});

	test('the credential test tells a rejected token from an accepted one', async () => {
		await expect(
			harness.testCredential('surepassApi', emulator.surepassCredential()),
		).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const rejected = await harness.testCredential('surepassApi', {
			...emulator.surepassCredential(),
			token: 'not-the-token',
		});
		expect(rejected).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^Surepass rejected the token \(HTTP 401\)/),
		});
		expect(emulator.requestsTo('surepass').map((req) => req.params.client_id)).toEqual([
			'bulk_stamp_v2_n8n_credential_test',
			'bulk_stamp_v2_n8n_credential_test',
		]);
		const insecure = await harness.testCredential('surepassApi', {
			...emulator.surepassCredential(),
			baseUrl: 'http://example.com',
		});
		expect(insecure.status).toBe('Error');
		expect(insecure.message).toMatch(/uses plain http:\/\/ to example.com: use https:\/\//);
	});
});
