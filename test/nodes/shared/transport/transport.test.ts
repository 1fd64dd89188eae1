/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * The transport against servers that behave like real ones, not like the emulator: bodies sent with
 * Content-Length (not chunked), gzip-compressed bodies (small ones grow when compressed), a
 * byte-order mark counted in Content-Length, a server that closes before the announced length,
 * keep-alive connections reused across items.
 */
import { gzipSync } from 'zlib';

import { networkErrorCode, parseRetryAfter } from '../../../../nodes/shared/transport';

import { harness, useEmulator } from '../../../harness/helpers';
import { singleNodeWorkflow } from '../../../harness/workflows';
import type { TestServer } from '../../../harness/servers';
import { sendWithLength, startHttpServer } from '../../../harness/servers';

useEmulator();

const ORDER = 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL';
const SUMMARY = JSON.stringify({
	data: {
		client_id: ORDER,
		quantity: 2,
		summary: {
			pending: { count: 0, stamps: [] },
			available: { count: 2, stamps: ['stamp_v2_a', 'stamp_v2_b'] },
			failed: { count: 0, stamps: [] },
		},
	},
	status_code: 200,
	success: true,
	message_code: 'success',
});

const servers: TestServer[] = [];
afterEach(async () => {
	while (servers.length) await servers.pop()!.stop();
});

async function check(
	handler: Parameters<typeof startHttpServer>[0],
	items = 1,
	options: Record<string, unknown> = {},
) {
	const server = await startHttpServer(handler);
	servers.push(server);
	const result = await harness.run(
		singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Node',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: ORDER,
				output: 'perOrder',
				options: { retryDelayMs: 1, maxRetries: 2, ...options },
			},
			items: Array.from({ length: items }, () => ({})),
			onError: 'continueRegularOutput',
		}),
		{
			credentials: {
				surepassApi: {
					token: 'transport-test-token',
					environment: 'custom',
					baseUrl: server.url,
				} as never,
			},
		},
	);
	const [pending, available, failed] = result.outputs('Node');
	return {
		server,
		pending,
		available,
		failed,
		errors: failed.filter((item) => item.error).map((item) => (item.error as Error).message),
	};
}

describe('the transport against real-world servers', () => {
	test('a JSON body sent with Content-Length', async () => {
		const { available, errors, server } = await check((_req, res) =>
			sendWithLength(res, 200, SUMMARY),
		);
		expect(errors).toEqual([]);
		expect(available.map((item) => item.json.count)).toEqual([2]);
		expect(server.requests).toHaveLength(1);
	});

	test('a byte-order mark counted in Content-Length is not mistaken for a cut-off body', async () => {
		const { available, errors, server } = await check((_req, res) =>
			sendWithLength(
				res,
				200,
				Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SUMMARY)]),
			),
		);
		expect(errors).toEqual([]);
		expect(available).toHaveLength(1);
		expect(server.requests).toHaveLength(1);
	});

	test('gzip bodies, including a small error body that compression makes larger than it is', async () => {
		const notFound = JSON.stringify({
			status_code: 404,
			success: false,
			message: 'No order',
			message_code: 'client_id_not_found',
		});
		expect(gzipSync(Buffer.from('{}')).length).toBeGreaterThan(2);
		const ok = await check((_req, res) =>
			sendWithLength(res, 200, gzipSync(Buffer.from(SUMMARY)), { 'content-encoding': 'gzip' }),
		);
		expect(ok.errors).toEqual([]);
		expect(ok.available).toHaveLength(1);
		const small = await check((_req, res) =>
			sendWithLength(res, 404, gzipSync(Buffer.from(notFound)), { 'content-encoding': 'gzip' }),
		);
		expect(small.errors).toEqual([`Surepass has no bulk stamp order "${ORDER}" [item 0]`]);
		expect(small.server.requests).toHaveLength(1);
	});

	test('a server that closes before the announced Content-Length is a dropped connection, retried', async () => {
		let calls = 0;
		const { available, errors, server } = await check((_req, res) => {
			calls++;
			if (calls === 1) {
				res.writeHead(200, {
					'content-type': 'application/json',
					'content-length': String(Buffer.byteLength(SUMMARY)),
				});
				res.write(SUMMARY.slice(0, 40));
				setTimeout(() => res.socket?.destroy(), 20);
				return;
			}
			sendWithLength(res, 200, SUMMARY);
		});
		expect(errors).toEqual([]);
		expect(available).toHaveLength(1);
		expect(server.requests).toHaveLength(2);
	});

	test('keep-alive: many items over reused connections', async () => {
		const { available, errors, server } = await check(
			(_req, res) => sendWithLength(res, 200, SUMMARY, { connection: 'keep-alive' }),
			20,
			{ maxConcurrency: 2 },
		);
		expect(errors).toEqual([]);
		expect(available).toHaveLength(20);
		expect(server.requests).toHaveLength(20);
	});
});

describe('transport: what an answer or an error means', () => {
	test('Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-11-21T10:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});

	test('network codes are found anywhere in the cause chain', () => {
		expect(networkErrorCode({ message: 'x', cause: { code: 'ECONNRESET' } })).toBe('ECONNRESET');
		expect(networkErrorCode({ code: 'ERR_BAD_RESPONSE', cause: { code: 'ECONNREFUSED' } })).toBe(
			'ECONNREFUSED',
		);
		expect(networkErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
		expect(networkErrorCode(new Error('The Base URL uses plain http://'))).toBeUndefined();
	});
});
