/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * A misbehaving vendor cannot leak a secret, exhaust memory, stall n8n or hang a run. One test per
 * problem found by trying the package as an attacker would, grouped by the behaviour it proves;
 * each failed on the code before the fix. The reliability table in docs/RELIABILITY.md is written from
 * these results. Servers that behave like real ones (Content-Length, gzip, keep-alive, TLS) are
 * in test/harness/servers.ts; the rest runs against the emulator.
 */
import { gzipSync } from 'zlib';

import type { ICredentialTestRequest, INodeExecutionData } from 'n8n-workflow';

import { InterswitchPaycodeApi } from '../../credentials/InterswitchPaycodeApi.credentials';
import { SurepassApi } from '../../credentials/SurepassApi.credentials';

import { parseStampOrderSummary } from '../../nodes/SurepassStamp/summary';
import { harness, useEmulator } from '../harness/helpers';
import { singleNodeWorkflow } from '../harness/workflows';
import { reportSection, stable } from '../harness/report';
import {
	type Handler,
	type TestServer,
	sendWithLength,
	startHttpServer,
	startRawServer,
	startSelfSignedHttpsServer,
} from '../harness/servers';
import seedBatch from '../fixtures/interswitch/seed-sample.json';

const emulator = useEmulator();

type Mode = 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
const MODES: Mode[] = ['continueRegularOutput', 'continueErrorOutput', 'stopWorkflow'];
const SEED_ORDER = 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL';

/** The report's areas, in the order its table lists them. */
const AREAS = [
	'Secrets',
	'Answers',
	'Token endpoint',
	'Waiting',
	'Stop and cancel',
	'Retries',
	'Messages',
	'Inputs',
	'Money',
] as const;
type Area = (typeof AREAS)[number];
/** The rows this suite reports, one per problem it proves fixed. */
const EXPECTED_ROWS = 28;
const rows: Array<{ area: Area; text: string }> = [];
function row(area: Area, problem: string, now: string) {
	rows.push({ area, text: `| ${area} | ${problem} | ${stable(now)} |` });
}

const servers: TestServer[] = [];
afterEach(async () => {
	while (servers.length) await servers.pop()!.stop();
});
async function own<T extends TestServer>(server: Promise<T>): Promise<T> {
	const started = await server;
	servers.push(started);
	return started;
}

function serialise(value: unknown): string {
	const seen = new WeakSet();
	return JSON.stringify(value, (_key, inner: unknown) => {
		if (inner instanceof Error)
			return {
				...inner,
				name: inner.name,
				message: inner.message,
				stack: inner.stack,
				cause: (inner as { cause?: unknown }).cause,
			};
		if (typeof inner === 'object' && inner !== null) {
			if (seen.has(inner)) return '[circular]';
			seen.add(inner);
		}
		return inner;
	});
}

interface RunSpec {
	items: Array<Record<string, unknown>>;
	parameters?: Record<string, unknown>;
	options?: Record<string, unknown>;
	credential?: Record<string, unknown>;
	onError?: Mode;
	typeVersion?: number;
	abortSignal?: AbortSignal;
}

const NODES = {
	paycode: {
		type: 'interswitchPaycode',
		credentialType: 'interswitchPaycodeApi',
		parameters: {
			resource: 'bulkTokenBatch',
			operation: 'getStatus',
			referenceId: '={{ $json.ref }}',
			output: 'perBatch',
		},
		credential: () => emulator.interswitchCredential() as Record<string, unknown>,
	},
	stamp: {
		type: 'surepassStamp',
		credentialType: 'surepassApi',
		parameters: {
			resource: 'bulkStampOrder',
			operation: 'getSummary',
			bulkOrderId: '={{ $json.id }}',
			output: 'perOrder',
		},
		credential: () => emulator.surepassCredential() as Record<string, unknown>,
	},
};

function runNode(node: (typeof NODES)[keyof typeof NODES], spec: RunSpec) {
	return harness.run(
		singleNodeWorkflow({
			type: node.type,
			credentialType: node.credentialType,
			name: 'Node',
			typeVersion: spec.typeVersion,
			parameters: {
				...node.parameters,
				...spec.parameters,
				options: { retryDelayMs: 1, ...spec.options },
			},
			items: spec.items,
			onError: spec.onError ?? 'continueRegularOutput',
		}),
		{
			credentials: { [node.credentialType]: (spec.credential ?? node.credential()) as never },
			abortSignal: spec.abortSignal,
		},
	);
}

const paycode = (spec: RunSpec) => runNode(NODES.paycode, spec);
const stamp = (spec: RunSpec) => runNode(NODES.stamp, spec);

/** The error item of an input item, when the node continued on failure. */
function errorOf(outputs: INodeExecutionData[][], itemIndex = 0) {
	const found = outputs
		.flat()
		.filter((item) => item.error && (item.pairedItem as { item: number }).item === itemIndex);
	expect(found).toHaveLength(1);
	return found[0].error as unknown as { message: string; description: string };
}

describe('secrets: a vendor that echoes a secret back never makes it leak', () => {
	test.each(MODES)(
		'an access token echoed by the status endpoint (401 and 500) and Basic credentials echoed by Passport never appear (%s)',
		async (onError) => {
			let text = '';
			const echoToken = (req: { headers: Record<string, unknown> }) => ({
				error: 'invalid_token',
				error_description: `Token rejected: ${String(req.headers.authorization)}`,
			});
			emulator.addFault({ route: 'interswitch', status: 401, body: echoToken });
			const runData = (result: { run: unknown; error: unknown }) =>
				serialise({ run: result.run, error: result.error });
			text += runData(
				await paycode({ items: [{ ref: '123456' }, { ref: 'BATCH-WITH-FAILURES' }], onError }),
			);
			emulator.clearFaults();
			emulator.addFault({
				route: 'interswitch',
				status: 500,
				body: (req: { headers: Record<string, unknown> }) => ({
					message: `upstream said: ${String(req.headers.authorization)}`,
				}),
			});
			text += runData(
				await paycode({ items: [{ ref: '123456' }], onError, options: { maxRetries: 0 } }),
			);
			emulator.clearFaults();
			emulator.addFault({
				route: 'passport',
				status: 401,
				body: (req: { headers: Record<string, unknown> }) => ({
					error: 'invalid_client',
					error_description: `Bad credentials. Received Authorization: ${String(req.headers.authorization)}`,
				}),
			});
			const passport = await paycode({ items: [{ ref: '123456' }], onError });
			text += runData(passport);
			const credential = emulator.interswitchCredential();
			const basic = Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString(
				'base64',
			);
			const issued = [...emulator.interswitch.tokens.keys()];
			expect(issued.length).toBeGreaterThan(0);
			// The texts really came back, scrubbed.
			expect(text).toContain('Token rejected: Bearer [redacted]');
			expect(text).toContain('Received Authorization: Basic [redacted]');
			for (const secret of [...issued, basic, credential.clientSecret])
				expect(text).not.toContain(secret);
			if (onError === 'continueRegularOutput') {
				row(
					'Secrets',
					'The Paycode API echoes the access token (a 401 `error_description`, a 500 message); Passport echoes the `Authorization: Basic …` header',
					`Every error is scrubbed where it leaves the node of every secret the run has known (client secret, each access token issued during the run, their Basic, percent-encoded and JSON-escaped forms): "${errorOf(passport.outputs('Node')).message}"`,
				);
			}
		},
	);
});

describe('secrets: a secret pasted with whitespace around it never leaks', () => {
	test.each(MODES)(
		'a Surepass token or an Interswitch client secret with a trailing newline, space or tab, echoed back, never appears (%s)',
		async (onError) => {
			// A real server that echoes the Authorization header it received in its 401.
			const server = await own(
				startHttpServer((req, res) => {
					res.writeHead(401, { 'content-type': 'application/json' });
					res.end(
						JSON.stringify({
							status_code: 401,
							success: false,
							message: `Unauthorized: ${String(req.headers.authorization)}`,
							message_code: 'unauthorized',
						}),
					);
				}),
			);
			let text = '';
			let shown = '';
			for (const [index, space] of ['\n', ' ', '\t', '\r\n'].entries()) {
				const token = `sp-pasted-token-${index}-0123456789abcdef`;
				const result = await stamp({
					items: [{ id: SEED_ORDER }],
					onError,
					credential: { token: `${token}${space}`, environment: 'custom', baseUrl: server.url },
				});
				text += serialise({ run: result.run, error: result.error });
				expect(text).not.toContain(token);
				if (onError !== 'stopWorkflow') shown = errorOf(result.outputs('Node')).message;
			}
			// Passport echoes the Basic credentials it received.
			emulator.addFault({
				route: 'passport',
				status: 401,
				body: (req: { headers: Record<string, unknown> }) => ({
					error: 'invalid_client',
					error_description: `Received Authorization: ${String(req.headers.authorization)}`,
				}),
			});
			const credential = emulator.interswitchCredential();
			const passport = await paycode({
				items: [{ ref: '123456' }],
				onError,
				credential: { ...credential, clientSecret: `${credential.clientSecret}\n` },
			});
			text += serialise({ run: passport.run, error: passport.error });
			for (const secret of [
				credential.clientSecret,
				Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64'),
				Buffer.from(`${credential.clientId}:${credential.clientSecret}\n`).toString('base64'),
			])
				expect(text).not.toContain(secret);
			// The texts really came back, scrubbed.
			expect(text).toContain('Unauthorized: Bearer [redacted]');
			expect(text).toContain('Received Authorization: Basic [redacted]');
			if (onError === 'continueRegularOutput') {
				row(
					'Secrets',
					'A Surepass token saved with a trailing newline, space or tab worked (the HTTP stack trims the header) but was redacted only with the whitespace: echoed in a 401, the real token appeared in clear in the error and the run data',
					`Secret fields are sent trimmed and redacted in both forms (and their Basic form): "${shown}"`,
				);
			}
		},
	);
});

describe('secrets: one-time PINs are masked unless the user chooses otherwise', () => {
	test('version 1.1 of the node masks the PINs unless told otherwise; a workflow saved with version 1 keeps including them', async () => {
		const latest = await paycode({ items: [{ ref: '123456' }], typeVersion: 1.1 });
		const pins = (result: typeof latest) =>
			(result.outputs('Node')[1][0].json.tokens as Array<{ oneTimePin?: string }>).map(
				(token) => token.oneTimePin,
			);
		expect(pins(latest).length).toBeGreaterThan(1);
		expect(new Set(pins(latest))).toEqual(new Set(['****']));
		expect(serialise(latest.run)).not.toMatch(/"(4321|1234)"/);
		const saved = await paycode({ items: [{ ref: '123456' }], typeVersion: 1 });
		expect(pins(saved)).toEqual(expect.arrayContaining(['4321', '1234']));
		row(
			'Secrets',
			'One-Time PINs: *Include* was the default, and n8n 2.41.1 saves node output in clear in its execution history',
			'Version 1.1 of the node masks PINs by default (workflows saved with version 1 keep their behaviour); choosing *Include* shows a notice saying where the PINs will be stored and how to prevent it; `npm run test:e2e` checks, per mode, whether the PINs appear in the saved execution and in the REST answer',
		);
	});
});

describe('answers: bounded in size, before and after decompression', () => {
	test('a 40 MB body (with Content-Length) and a gzip bomb (300 MB in 0.3 MB) stop at the bound, which an option can raise', async () => {
		const big = Buffer.from(
			JSON.stringify({
				data: {
					client_id: 'x',
					quantity: 1,
					summary: { pending: { stamps: ['x'.repeat(40 * 1024 * 1024)] } },
				},
			}),
		);
		const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024, 0x20));
		const server = await own(
			startHttpServer((req, res) => {
				if (String(req.url).includes('bomb'))
					sendWithLength(res, 200, bomb, { 'content-encoding': 'gzip' });
				else sendWithLength(res, 200, big);
			}),
		);
		const credential = { token: 'size-test-token', environment: 'custom', baseUrl: server.url };
		const plain = await stamp({
			items: [{ id: SEED_ORDER }],
			credential,
			options: { maxRetries: 0 },
		});
		expect(errorOf(plain.outputs('Node')).message).toBe(
			`Order "${SEED_ORDER}": Surepass's answer is too large: the answer is larger than 32 MB [item 0]`,
		);
		const bombServer = await own(
			startHttpServer((_req, res) => {
				sendWithLength(res, 200, bomb, { 'content-encoding': 'gzip' });
			}),
		);
		const bombed = await stamp({
			items: [{ id: SEED_ORDER }],
			credential: { ...credential, baseUrl: bombServer.url },
			options: { maxRetries: 0, maxResponseMb: 8 },
		});
		expect(errorOf(bombed.outputs('Node')).message).toBe(
			`Order "${SEED_ORDER}": Surepass's answer is too large: the answer is larger than 8 MB [item 0]`,
		);
		// With the bound raised, the same 40 MB answer is read and routed.
		const raised = await stamp({
			items: [{ id: SEED_ORDER }],
			credential,
			options: { maxRetries: 0, maxResponseMb: 64 },
		});
		expect(raised.outputs('Node')[0].map((item) => item.json.count)).toEqual([1]);
		row(
			'Answers',
			'No bound on the size of an answer: a 300 MB gzip body (0.3 MB on the wire) or a 200 MB plain body was read whole',
			'The body is read as a stream and reading stops past *Max Response Size (MB)* (default 32 MB, counted after decompression, so a compression bomb stops at the same bound): "Surepass\'s answer is too large: the answer is larger than 32 MB"',
		);
	});
});

describe('answers: duplicate stamps are found in one pass, with one bounded warning', () => {
	// 30,000 keeps a regression visible without hanging the suite: the quadratic version took about
	// 45 s here and wrote 30,000 warnings; the linear one takes a fraction of a second (npm run bench).
	test('30,000 stamps each listed twice parse in one pass, with one bounded warning', () => {
		const ids = Array.from({ length: 30_000 }, (_, i) => `stamp_v2_d${i}`);
		const summary = parseStampOrderSummary(
			{
				client_id: 'bulk_stamp_v2_dup',
				quantity: 30_000,
				summary: {
					pending: { count: 30_000, stamps: ids },
					available: { count: 30_000, stamps: ids },
					failed: { count: 0, stamps: [] },
				},
			},
			'bulk_stamp_v2_dup',
		);
		expect(summary.ok).toBe(true);
		if (!summary.ok) return;
		expect(summary.summary.warnings).toEqual([
			'30,000 stamps are listed more than once (30,000 in more than one branch); each is routed to every branch it is listed in: stamp_v2_d0 (pending and available), stamp_v2_d1 (pending and available), stamp_v2_d2 (pending and available), stamp_v2_d3 (pending and available), stamp_v2_d4 (pending and available), and 29,995 more',
		]);
	});

	test('through the engine, 20,000 duplicated stamps give items that carry one warning each', async () => {
		const ids = Array.from({ length: 20_000 }, (_, i) => `stamp_v2_e${i}`);
		emulator.addFault({
			route: 'surepass',
			status: 200,
			body: {
				data: {
					client_id: SEED_ORDER,
					quantity: 20_000,
					summary: { pending: { stamps: ids }, available: { stamps: ids }, failed: { stamps: [] } },
				},
				status_code: 200,
				success: true,
				message_code: 'success',
			},
		});
		const result = await stamp({ items: [{ id: SEED_ORDER }], parameters: { output: 'perStamp' } });
		const [pending, available] = result.outputs('Node');
		expect(pending).toHaveLength(20_000);
		expect(available).toHaveLength(20_000);
		expect(
			new Set([...pending, ...available].map((item) => (item.json.warnings as string[]).length)),
		).toEqual(new Set([1]));
		row(
			'Answers',
			'Every stamp listed in two branches made parsing quadratic (16,000 stamps: 12.8 s; 50,000 through the engine blocked n8n about 50 s) and every item carried one warning per duplicate',
			'One pass over the stamps; one warning per order with the count and the first 5 IDs: "20,000 stamps are listed more than once (20,000 in more than one branch); …"',
		);
	});
});

describe('answers: deep nesting and numbers JSON cannot hold are described in words', () => {
	test('a count nested 100,000 levels deep and quantity 1e309 are described in words', async () => {
		const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
		const body = `{"data":{"client_id":"${SEED_ORDER}","quantity":1e309,"summary":{"pending":{"count":${deep},"stamps":[]},"available":{"count":1,"stamps":["stamp_v2_x"]},"failed":{"stamps":[]}}},"status_code":200,"success":true}`;
		emulator.addFault({ route: 'surepass', status: 200, body });
		const result = await stamp({ items: [{ id: SEED_ORDER }] });
		const item = result.outputs('Node')[1][0];
		expect(item.json.warnings).toEqual([
			'"summary.pending.count" is not a whole number (an object); the list was counted instead',
			'"quantity" is not a whole number (a number too large to hold)',
		]);
		row(
			'Answers',
			'A `count` nested 100,000 levels deep ended as "Maximum call stack size exceeded"; `quantity: 1e309` showed as "(null)"',
			`Values are described, never serialised: "${(item.json.warnings as string[]).join('", "')}"`,
		);
	});
});

describe('token endpoint: bounded by the Timeout and by the cancel', () => {
	test('a Passport that accepts and never answers is named, and follows the Timeout', async () => {
		const passport = await own(startHttpServer(() => undefined));
		const credential = {
			...emulator.interswitchCredential(),
			passportTokenUrl: `${passport.url}/passport/oauth/token`,
		};
		const result = await paycode({
			items: [{ ref: '123456' }],
			credential,
			options: { timeoutMs: 1000, maxRetries: 0 },
		});
		const error = errorOf(result.outputs('Node'));
		expect(error.message).toBe(
			'Batch "123456": Interswitch Passport did not give an access token within 1 s (1 attempt); nothing was sent to Interswitch [item 0]',
		);
		expect(error.description).toMatch(
			/^127\.0\.0\.1:\d+: no answer within 1000 ms while getting an access token/,
		);
		expect(passport.requests).toHaveLength(1);
		expect(emulator.requestsTo('interswitch')).toHaveLength(0);
		row(
			'Token endpoint',
			"The Passport token request ignored *Timeout* and the execution's cancel (a Passport that never answers: 30.3 s with a 500 ms Timeout; a cancel 1 s in ended the run at 30.0 s), and the error blamed the status endpoint",
			`The token request runs inside the request's deadline and cancel signal: "${error.message}"; a cancel ends the run at once, recorded as canceled`,
		);
	});

	test('a cancel while Passport hangs ends the run at once, recorded as canceled', async () => {
		const passport = await own(startHttpServer(() => undefined));
		const credential = {
			...emulator.interswitchCredential(),
			passportTokenUrl: `${passport.url}/passport/oauth/token`,
		};
		const controller = new AbortController();
		const running = paycode({
			items: [{ ref: '123456' }],
			credential,
			options: { timeoutMs: 600_000 },
			abortSignal: controller.signal,
			onError: 'stopWorkflow',
		});
		while (passport.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		const cancelledAt = Date.now();
		controller.abort();
		const result = await running;
		// Only the cancel can end it before the 10-minute Timeout; it normally takes milliseconds.
		expect(Date.now() - cancelledAt).toBeLessThan(20_000);
		expect(result.run.status).toBe('canceled');
	});
});

describe('token endpoint: one renewal for many items', () => {
	test('a token that expires while 50 requests are in flight costs one Passport request, never two at once', async () => {
		// A stored credential with a valid token, as n8n holds it after an earlier run.
		const earlier = await paycode({ items: [{ ref: '123456' }] });
		const stored = { ...earlier.credentialsHelper.store.interswitchPaycodeApi };
		emulator.resetStats();
		// The first 50 requests are held until all 50 are in flight; then the clock moves past the
		// token's usable life (it is renewed 30 s before Passport's expiry, so the status endpoint still
		// accepts it), and each item's next request finds it expired. The node decrypts the credential
		// once per run, so only the passing of time, as in a real run, can expire it.
		const gate = emulator.gather(50, { route: 'interswitch' });
		const realNow = Date.now.bind(Date);
		const expiredFrom = Number(stored.validUntil) + 1000;
		let seen = 0;
		emulator.beforeRoute = (req) => {
			if (req.route !== 'passport' && ++seen === 50) {
				const shift = expiredFrom - realNow();
				jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shift);
			}
		};
		let result: Awaited<ReturnType<typeof paycode>>;
		try {
			result = await paycode({
				items: Array.from({ length: 100 }, () => ({ ref: '123456' })),
				credential: stored,
				options: { maxConcurrency: 50 },
			});
		} finally {
			jest.restoreAllMocks();
		}
		expect(Date.now()).toBeLessThan(expiredFrom);
		expect(gate.gathered).toBe(true);
		expect(result.outputs('Node')[1]).toHaveLength(100);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		expect(emulator.stats.maxInFlightByRoute.passport).toBe(1);
	});

	test('an invalid first item does not make every other item fetch its own token', async () => {
		const items = [{ ref: '' }, ...Array.from({ length: 9 }, () => ({ ref: '123456' }))];
		const result = await paycode({ items, options: { maxConcurrency: 10 } });
		expect(errorOf(result.outputs('Node'), 0).message).toBe('The Reference ID is empty [item 0]');
		expect(result.outputs('Node')[1]).toHaveLength(9);
		expect(emulator.requestsTo('passport')).toHaveLength(1);
		row(
			'Token endpoint',
			'A token expiring mid-run at concurrency 50 caused 50 simultaneous Passport requests (84 with a 1 s token lifetime); an invalid item 0 made 10 token requests instead of 1',
			'One token request per credential at a time: identical concurrent requests share one, and a renewal that just finished is handed to callers that ask a moment later. 50 items with an expired token: 1 Passport request, at most 1 in flight; invalid item 0 with 9 others: 1 request',
		);
	});
});

/**
 * A real server playing both Interswitch Passport (at /token, answered by `passport`) and the
 * Paycode status endpoint (at /api/v1/…, answered by `status`, by default the seed's batch), for
 * the credential of a run.
 */
async function interswitchServer(passport: Handler, status?: Handler) {
	const sample = JSON.stringify(seedBatch);
	const server = await own(
		startHttpServer(async (req, res, body) => {
			if (String(req.url).startsWith('/token')) return await passport(req, res, body);
			if (status) return await status(req, res, body);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(sample);
		}),
	);
	const credential = {
		...emulator.interswitchCredential(),
		contextUrl: `${server.url}/api/v1`,
		passportTokenUrl: `${server.url}/token`,
	} as Record<string, unknown>;
	const passportRequests = () => server.requests.filter((req) => req.url.startsWith('/token'));
	const statusRequests = () => server.requests.filter((req) => !req.url.startsWith('/token'));
	return { server, credential, passportRequests, statusRequests };
}

const tokenAnswer = (extra: Record<string, unknown> = {}) =>
	JSON.stringify({
		access_token: 'passport-token-0123456789',
		token_type: 'bearer',
		expires_in: 3599,
		...extra,
	});

describe('token endpoint: its answer is bounded in size, before and after decompression', () => {
	test('a gzip bomb (300 MB in 0.3 MB) and a 40 MB answer from Passport stop at 1 MB; their token is never used', async () => {
		const bomb = gzipSync(
			Buffer.concat([
				Buffer.from('{"access_token":"bomb-token-0123456789","pad":"'),
				Buffer.alloc(300 * 1024 * 1024, 0x20),
				Buffer.from('"}'),
			]),
		);
		const huge = `{"access_token":"huge-token-0123456789","pad":"${' '.repeat(40 * 1024 * 1024)}"}`;
		const messages: string[] = [];
		for (const [name, send] of [
			[
				'bomb',
				(res: Parameters<Handler>[1]) =>
					sendWithLength(res, 200, bomb, {
						'content-type': 'application/json',
						'content-encoding': 'gzip',
					}),
			],
			[
				'40 MB',
				(res: Parameters<Handler>[1]) =>
					sendWithLength(res, 200, huge, { 'content-type': 'application/json' }),
			],
		] as const) {
			const { credential, statusRequests } = await interswitchServer((_req, res) => send(res));
			const result = await paycode({
				items: [{ ref: '123456' }],
				credential,
				options: { maxRetries: 0 },
			});
			const message = errorOf(result.outputs('Node')).message;
			messages.push(message);
			expect([name, message]).toEqual([
				name,
				expect.stringMatching(
					/^Batch "123456": Interswitch Passport at 127\.0\.0\.1:\d+ answered with more than 1 MB, which is no token answer/,
				),
			]);
			expect(statusRequests()).toHaveLength(0);
		}
		expect(bomb.length).toBeLessThan(512 * 1024);
		row(
			'Token endpoint',
			"Passport's answer had no bound: a gzip bomb from the token URL (0.3 MB on the wire, 300 MB inflated) raised n8n's memory by 770–900 MB and its token was used; a 40 MB answer was accepted",
			`The token answer is read as a stream, within 1 MB after decompression (a token answer is a few hundred bytes), and within the Timeout: "${messages[0]}"`,
		);
	});
});

describe("token endpoint: transient failures are retried as the request's are, with honest messages", () => {
	test('a connection cut in the middle of the answer (after a 200 or a 503 head) is retried, and said so when it persists', async () => {
		let cuts = 2;
		const cutting = await interswitchServer((_req, res) => {
			if (cuts-- > 0) {
				res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
				// Written out, and read, before the connection is cut: the head and part of the body
				// arrive (cut at once, a reset can make the client's system drop what it had).
				res.write('{"access_token":"cut-tok', () => setTimeout(() => res.socket?.destroy(), 20));
				return;
			}
			sendWithLength(res, 200, tokenAnswer(), { 'content-type': 'application/json' });
		});
		const recovered = await paycode({
			items: [{ ref: '123456' }],
			credential: cutting.credential,
			options: { maxRetries: 2 },
		});
		expect(recovered.outputs('Node')[1]).toHaveLength(1);
		expect(cutting.passportRequests()).toHaveLength(3);

		const always = await interswitchServer((_req, res) => {
			res.writeHead(503, { 'content-type': 'application/json', 'content-length': '500' });
			res.write('{"error":"temporar', () => setTimeout(() => res.socket?.destroy(), 20));
		});
		const failed = await paycode({
			items: [{ ref: '123456' }],
			credential: always.credential,
			options: { maxRetries: 2 },
		});
		const message = errorOf(failed.outputs('Node')).message;
		expect(message).toMatch(
			/^Batch "123456": Interswitch Passport's answer from 127\.0\.0\.1:\d+ was cut off before its end \(3 attempts\) \[item 0\]$/,
		);
		expect(always.passportRequests()).toHaveLength(3);
		row(
			'Token endpoint',
			'A Passport connection cut mid-answer (200 or 503 head) got 1 request despite Max Retries 2, and the message "The request was not sent. Check the credential."',
			`Retried as the status request is; when it persists: "${message}"`,
		);
	});

	test("Passport's 429 with Retry-After: 1 is waited for, not retried after 20 ms", async () => {
		let limited = 1;
		const { credential, server } = await interswitchServer((_req, res) => {
			if (limited-- > 0)
				return sendWithLength(res, 429, '{"error":"too_many_requests"}', {
					'content-type': 'application/json',
					'retry-after': '1',
				});
			sendWithLength(res, 200, tokenAnswer(), { 'content-type': 'application/json' });
		});
		const times: number[] = [];
		server.requests.push = new Proxy(server.requests.push, {
			apply: (target, self, args) => {
				if (String(args[0]?.url).startsWith('/token')) times.push(Date.now());
				return Reflect.apply(target, self, args);
			},
		});
		const result = await paycode({
			items: [{ ref: '123456' }],
			credential,
			options: { retryDelayMs: 1 },
		});
		expect(result.outputs('Node')[1]).toHaveLength(1);
		expect(times).toHaveLength(2);
		// A lower bound only: a busy machine can only make the wait longer.
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(900);
		row(
			'Token endpoint',
			"Passport's 429 with `Retry-After: 2` was retried after 20 ms",
			`Passport's Retry-After is honoured as the API's is: the second token request came ${Math.round((times[1] - times[0]) / 100) / 10} s after the first (Retry-After: 1)`,
		);
	});
});

describe('token endpoint: a token from a big answer is still redacted', () => {
	test.each(MODES)(
		'a token issued in a 70 KB answer and echoed by the API never appears (%s)',
		async (onError) => {
			let issued = 0;
			const tokens: string[] = [];
			const { credential } = await interswitchServer(
				(_req, res) => {
					const token = `big-answer-token-${++issued}-0123456789abcdef`;
					tokens.push(token);
					sendWithLength(
						res,
						200,
						tokenAnswer({ access_token: token, padding: 'x'.repeat(70 * 1024) }),
						{ 'content-type': 'application/json' },
					);
				},
				(req, res) =>
					sendWithLength(
						res,
						401,
						JSON.stringify({
							error: 'invalid_token',
							error_description: `Token refused: ${String(req.headers.authorization)}`,
						}),
						{ 'content-type': 'application/json' },
					),
			);
			const result = await paycode({
				items: [{ ref: '123456' }, { ref: 'BATCH-2' }],
				credential,
				onError,
				options: { maxConcurrency: 2 },
			});
			const text = serialise({ run: result.run, error: result.error });
			expect(tokens.length).toBeGreaterThanOrEqual(2);
			for (const token of tokens) expect(text).not.toContain(token);
			expect(text).toContain('Token refused: Bearer [redacted]');
			if (onError === 'continueRegularOutput') {
				row(
					'Secrets',
					'Issued tokens were remembered for redaction only from Passport answers under 65,536 characters: with a 70 KB answer, a token replaced mid-run and then echoed leaked verbatim',
					`Every token issued is remembered, whatever the size of its answer (within the 1 MB bound): "${errorOf(result.outputs('Node'), 1).message}"`,
				);
			}
		},
	);
});

describe('token endpoint: nesting and lifetimes JSON can hold but a token cannot have', () => {
	test('an expires_in nested 100,000 deep, or 1e300 seconds, gives a token used for a day at most; an error.code nested 100,000 deep is described', async () => {
		const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
		for (const [name, expires] of [
			['nested', deep],
			['1e300', '1e300'],
		] as const) {
			const { credential } = await interswitchServer((_req, res) =>
				sendWithLength(
					res,
					200,
					`{"access_token":"lifetime-token-0123456789","token_type":"bearer","expires_in":${expires}}`,
					{ 'content-type': 'application/json' },
				),
			);
			const result = await paycode({ items: [{ ref: '123456' }], credential });
			expect([name, result.error]).toEqual([name, undefined]);
			expect(result.outputs('Node')[1]).toHaveLength(1);
			const stored = result.credentialsHelper.store.interswitchPaycodeApi as { validUntil: number };
			expect(stored.validUntil - Date.now()).toBeLessThanOrEqual(86_400_000);
			expect(stored.validUntil - Date.now()).toBeGreaterThan(0);
		}
		const { credential } = await interswitchServer(
			(_req, res) =>
				sendWithLength(res, 200, tokenAnswer(), { 'content-type': 'application/json' }),
			(_req, res) =>
				sendWithLength(res, 401, `{"error":{"code":${deep},"message":"Nested"}}`, {
					'content-type': 'application/json',
				}),
		);
		const nested = await paycode({ items: [{ ref: '123456' }], credential });
		const message = errorOf(nested.outputs('Node')).message;
		expect(message).toBe(
			'Batch "123456": Interswitch refused the status request ((a JSON array): Nested) [item 0]',
		);
		row(
			'Answers',
			'An Interswitch `error.code` or a Passport `expires_in` nested 100,000 deep gave "Maximum call stack size exceeded"; `expires_in: 1e300` kept the token for 1e300 s, renewed only after a 401',
			`Codes are read as text or numbers only, lifetimes as numbers of seconds within a day: "${message}"`,
		);
	});
});

describe("messages: a vendor's text is quoted within a readable length", () => {
	test('a 3 MB message (400, 503, Interswitch error.message) and a 2 MB client_id are cut, said to be, and kept out of every item', async () => {
		const long = 'Z'.repeat(3 * 1024 * 1024);
		const surepass = await own(
			startHttpServer((_req, res, body) => {
				const id = String(JSON.parse(body || '{}').client_id);
				if (id.endsWith('503'))
					return sendWithLength(
						res,
						503,
						JSON.stringify({ status_code: 503, success: false, message: long }),
					);
				if (id.endsWith('ok')) {
					return sendWithLength(
						res,
						200,
						JSON.stringify({
							data: {
								client_id: 'W'.repeat(2 * 1024 * 1024),
								quantity: 3,
								summary: {
									available: { count: 3, stamps: ['stamp_v2_a', 'stamp_v2_b', 'stamp_v2_c'] },
								},
							},
							status_code: 200,
							success: true,
							message: 'Success',
							message_code: 'success',
						}),
					);
				}
				sendWithLength(
					res,
					400,
					JSON.stringify({
						status_code: 400,
						success: false,
						message: long,
						message_code: 'invalid_client_id',
					}),
				);
			}),
		);
		const credential = { token: 'tok-0123456789', environment: 'custom', baseUrl: surepass.url };
		const items = Array.from({ length: 20 }, (_, i) => ({ id: `bulk_stamp_v2_long${i}` }));
		const rejected = await stamp({ items, credential });
		const message = errorOf(rejected.outputs('Node'), 0).message;
		expect(message).toMatch(
			/^Surepass rejected the Bulk Order ID "bulk_stamp_v2_long0" \(HTTP 400: Z{300}… \[cut: 3,145,728 characters in all\]\) \[item 0\]$/,
		);
		// Every item's error, description and vendor fields included, is a few hundred characters.
		expect(serialise(rejected.run).length).toBeLessThan(20 * 4000);
		const down = await stamp({
			items: [{ id: 'bulk_stamp_v2_x503' }],
			credential,
			options: { maxRetries: 0 },
		});
		expect(errorOf(down.outputs('Node')).description).toMatch(
			/^Surepass could not answer: Z{300}… \[cut: 3,145,728 characters in all\] This is on Surepass's side/,
		);
		const answered = await stamp({
			items: [{ id: 'bulk_stamp_v2_xok' }],
			credential,
			parameters: { output: 'perStamp' },
		});
		const stamps = answered.outputs('Node')[1];
		expect(stamps).toHaveLength(3);
		for (const item of stamps) expect(JSON.stringify(item.json.warnings).length).toBeLessThan(400);
		const { credential: paycodeCredential } = await interswitchServer(
			(_req, res) =>
				sendWithLength(res, 200, tokenAnswer(), { 'content-type': 'application/json' }),
			(_req, res) =>
				sendWithLength(res, 401, JSON.stringify({ error: { code: '10999', message: long } })),
		);
		const refused = await paycode({ items: [{ ref: '123456' }], credential: paycodeCredential });
		expect(errorOf(refused.outputs('Node')).message).toMatch(
			/^Batch "123456": Interswitch refused the status request \(10999: Z{300}… \[cut: 3,145,728 characters in all\]\) \[item 0\]$/,
		);
		row(
			'Messages',
			"Vendor text was quoted without a limit: a 400 with a 3 MB `message` became a 3.1 MB error on each of 60 items (+470–660 MB); the same through a 503's description, Interswitch's `error.message`, and a 2 MB `client_id` in the warning of every stamp item",
			`Every vendor text in a message, description or warning is cut to 300 characters and says so; the whole text is kept nowhere: "${stable(message).replace(/Z{300}/, 'ZZZ…')}"`,
		);
	});
});

describe('answers that are not valid HTTP', () => {
	test('another protocol, an invalid status line, a 100 KB header or two Content-Lengths are named as such, and retried where a retry can help', async () => {
		const answers: Array<[string, string, RegExp, number]> = [
			[
				'another protocol',
				'SSH-2.0-OpenSSH_9.2\r\n',
				/something other than an HTTP server answered on this port \(1 attempt\) \[item 0\]$/,
				1,
			],
			[
				'an invalid status line',
				'HTTP/1.1 abc\r\nContent-Length: 2\r\n\r\n{}',
				/its status line is invalid \(3 attempts\) \[item 0\]$/,
				3,
			],
			[
				'a 100 KB header',
				`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100_000)}\r\nContent-Length: 2\r\n\r\n{}`,
				/its headers are larger than Node\.js accepts \(3 attempts\) \[item 0\]$/,
				3,
			],
			[
				'two Content-Lengths',
				'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}',
				/(two different Content-Length headers|Content-Length)[^(]*\(3 attempts\) \[item 0\]$/,
				3,
			],
		];
		const messages: string[] = [];
		for (const [name, answer, expected, requests] of answers) {
			const server = await own(startRawServer(answer));
			const result = await stamp({
				items: [{ id: SEED_ORDER }],
				credential: { token: 'tok-0123456789', environment: 'custom', baseUrl: server.url },
				options: { maxRetries: 2 },
			});
			const error = errorOf(result.outputs('Node'));
			messages.push(error.message);
			expect([name, error.message]).toEqual([
				name,
				expect.stringMatching(
					/^Order "bulk_stamp_v2_vomMHvHnecrlzTPRtyL": Surepass's answer at 127\.0\.0\.1:\d+ was not valid HTTP: /,
				),
			]);
			expect([name, error.message]).toEqual([name, expect.stringMatching(expected)]);
			expect([name, server.requests.length]).toEqual([name, requests]);
		}
		// The same at the token endpoint.
		const raw = await own(startRawServer('HTTP/1.1 abc\r\nContent-Length: 2\r\n\r\n{}'));
		const passport = await paycode({
			items: [{ ref: '123456' }],
			credential: { ...emulator.interswitchCredential(), passportTokenUrl: `${raw.url}/token` },
			options: { maxRetries: 1 },
		});
		expect(errorOf(passport.outputs('Node')).message).toMatch(
			/^Batch "123456": Interswitch Passport's answer at 127\.0\.0\.1:\d+ was not valid HTTP: its status line is invalid \(2 attempts\); nothing was sent to Interswitch \[item 0\]$/,
		);
		row(
			'Retries',
			'An answer that was not valid HTTP (another protocol on the port, an invalid status line, a 100 KB header, two different Content-Lengths) gave a raw "Parse Error: …" and "The request was not sent. Check the credential."',
			`Named as what it is, retried unless another protocol answers: "${stable(messages[1])}"`,
		);
	});
});

describe('inputs: numbers where text belongs', () => {
	test('IDs given as numbers that cannot be exact are refused; a beneficiary number or PIN Interswitch sends as such a number fails its batch', async () => {
		// As JSON.parse reads them: already rounded.
		const items = [
			{ ref: JSON.parse('12345678901234567890') },
			{ ref: JSON.parse('1e21') },
			{ ref: 123456 },
		];
		const result = await paycode({ items, options: { noRecordAsPending: true } });
		const first = errorOf(result.outputs('Node'), 0).message;
		expect(first).toBe(
			'The Reference ID 12345678901234567000 is a number that cannot be held exactly, so it was rounded before it reached this node: keep the ID as text where it comes from (a string in the JSON, a quoted column), and map that [item 0]',
		);
		expect(errorOf(result.outputs('Node'), 1).message).toMatch(
			/^The Reference ID 1e\+21 is a number that cannot be held exactly/,
		);
		// A safe whole number is an ID like any other.
		expect(
			result.outputs('Node')[1].filter((item) => (item.pairedItem as { item: number }).item === 2),
		).toHaveLength(1);
		expect(emulator.requestsTo('interswitch').map((req) => req.query.referenceId?.[0])).toEqual([
			'123456',
		]);

		const { credential } = await interswitchServer(
			(_req, res) =>
				sendWithLength(res, 200, tokenAnswer(), { 'content-type': 'application/json' }),
			(req, res) =>
				sendWithLength(
					res,
					200,
					String(req.url).includes('UNSAFE')
						? '{"successful":[{"beneficiaryNumber":"08021111111","amount":"100","surcharge":"","oneTimePin":12345678901234567890}]}'
						: '{"successful":[{"beneficiaryNumber":8021111111,"amount":"100","surcharge":"","oneTimePin":"4321"}]}',
				),
		);
		const vendor = await paycode({
			items: [{ ref: 'UNSAFE' }, { ref: 'SAFE' }],
			credential,
			parameters: { output: 'perToken', oneTimePins: 'include' },
		});
		expect(errorOf(vendor.outputs('Node'), 0).message).toBe(
			'Batch "UNSAFE": Unexpected response from Interswitch: "successful[0].oneTimePin" is a JSON number that cannot be held exactly (it was rounded on the way): Interswitch must send it as text [item 0]',
		);
		const safe = vendor
			.outputs('Node')[1]
			.find((item) => (item.pairedItem as { item: number }).item === 1);
		expect(safe?.json.beneficiaryNumber).toBe('8021111111');
		expect(safe?.json.warnings).toContain(
			'"successful[0].beneficiaryNumber" came as a JSON number, not text: a leading zero, if there was one, is lost',
		);
		row(
			'Inputs',
			'Reference IDs given as JSON numbers were sent rounded (`12345678901234567890` → `12345678901234567000`, `1e21` → `1e+21`): another batch was asked for, and with "No Record as Pending" it stayed Pending forever; a numeric `beneficiaryNumber` or `oneTimePin` was routed rounded with no warning',
			`An ID that is a number past 2^53 is refused with what to do: "${first}"; a beneficiary number or PIN sent as such a number fails its batch, a smaller one is routed with a warning`,
		);
	});
});

describe('inputs: the signature covers the URL that is sent', () => {
	test("a Reference ID with ' ! ( ) * is signed as it goes on the wire (SHA-512 and SHA-1)", async () => {
		const seen: string[] = [];
		for (const method of ['SHA512', 'SHA1'] as const) {
			emulator.interswitch.settings.requireSignature = method;
			try {
				const result = await paycode({
					items: [{ ref: "O'BRIEN-(1)!*" }],
					credential: {
						...emulator.interswitchCredential(),
						signatureHeaders: true,
						signatureMethod: method,
					},
				});
				const message = errorOf(result.outputs('Node')).message;
				seen.push(message);
				// The signature was accepted: Interswitch looked for the batch and found none.
				expect([method, message]).toEqual([
					method,
					'Interswitch has no batch with reference "O\'BRIEN-(1)!*" for front-end partner "455" (10904) [item 0]',
				]);
			} finally {
				emulator.interswitch.settings.requireSignature = false;
			}
		}
		expect(emulator.requestsTo('interswitch').map((req) => req.rawUrl)).toContain(
			'/api/v1/pwm/bulk/tokens/comprehensive/status?referenceId=O%27BRIEN-%281%29%21%2A&frontEndPartner=455',
		);
		row(
			'Inputs',
			"With signature headers on, a Reference ID containing `'` was signed as `'` but sent as `%27`: Interswitch answered 10500",
			`The query is encoded the way the HTTP client sends it (RFC 3986), so the URL signed is the URL on the wire: "${seen[0]}"`,
		);
	});
});

describe('answers: stamps in branches named otherwise are never lost', () => {
	test('capitalised branch names are read; an unknown branch goes to Pending with its name, with a warning', async () => {
		const envelope = (summary: Record<string, unknown>, quantity: number) => ({
			data: { client_id: SEED_ORDER, quantity, summary },
			status_code: 200,
			success: true,
			message: 'Success',
			message_code: 'success',
		});
		emulator.addFault({
			route: 'surepass',
			times: 1,
			status: 200,
			body: envelope(
				{
					Pending: { count: 1, stamps: ['stamp_v2_p1'] },
					Available: { count: 1, stamps: ['stamp_v2_a1'] },
					Failed: { count: 1, stamps: ['stamp_v2_f1'] },
				},
				3,
			),
		});
		const capitalised = await stamp({
			items: [{ id: SEED_ORDER }],
			parameters: { output: 'perStamp' },
		});
		expect(
			capitalised.outputs('Node').map((items) => items.map((item) => item.json.stampId)),
		).toEqual([['stamp_v2_p1'], ['stamp_v2_a1'], ['stamp_v2_f1']]);
		emulator.clearFaults();
		emulator.addFault({
			route: 'surepass',
			times: 1,
			status: 200,
			body: envelope(
				{
					available: { count: 1, stamps: ['stamp_v2_a1'] },
					on_hold: { count: 2, stamps: ['stamp_v2_h1', 'stamp_v2_h2'] },
				},
				3,
			),
		});
		const onHold = await stamp({ items: [{ id: SEED_ORDER }], parameters: { output: 'perStamp' } });
		const pending = onHold.outputs('Node')[0].map((item) => item.json);
		expect(pending.map((item) => [item.stampId, item.status])).toEqual([
			['stamp_v2_h1', 'on_hold'],
			['stamp_v2_h2', 'on_hold'],
		]);
		const warning = (pending[0].warnings as string[])[0];
		row(
			'Answers',
			'With `Pending` / `Available` / `Failed` capitalised and quantity 3, all three stamps were lost and one Pending item said "Surepass lists no stamps for this order yet", with no warning; an extra branch (`on_hold`, 2 stamps) vanished',
			`Branch names are read whatever their capitals (with a warning); a branch the node does not know goes to Pending with its name as the status: "${warning}"`,
		);
	});
});

describe('credential tests fail where a run would', () => {
	test("an address that answers with a redirect or a web page fails both credential tests, as n8n's tester reads their rules", () => {
		// n8n's credential tester (n8n 1.115 to 2.41) hands each rule the answer's body only:
		// lodash get(body, key) === value. `npm run test:compat` runs these tests in those n8n.
		const get = (body: unknown, key: string) =>
			key
				.split('.')
				.reduce<unknown>(
					(value, part) =>
						value === null || value === undefined
							? undefined
							: (value as Record<string, unknown>)[part],
					body,
				);
		const failed = (rules: ICredentialTestRequest['rules'], body: unknown) =>
			(rules ?? []).find(
				(rule) =>
					rule.type === 'responseSuccessBody' &&
					get(body, rule.properties.key) === rule.properties.value,
			)?.properties.message;
		const messages: string[] = [];
		for (const credential of [new SurepassApi(), new InterswitchPaycodeApi()]) {
			const rules = credential.test.rules;
			for (const body of ['', '<html><body>Welcome</body></html>']) {
				const message = failed(rules, body);
				expect(message).toMatch(/no JSON came back \(a redirect, a web page or an empty answer\)/);
				messages.push(String(message));
			}
			// The API's own answers still pass: Surepass's "not found" for the probe order, Interswitch's 10904.
			expect(
				failed(rules, { status_code: 404, success: false, message_code: 'client_id_not_found' }),
			).toBeUndefined();
			expect(failed(rules, { error: { code: '10904', message: 'No record' } })).toBeUndefined();
		}
		row(
			'Inputs',
			'The credential test said "Connection successful!" for a Base URL or Context URL that answers with a redirect, though every run failed with "answered with a redirect"',
			`A test whose answer is not the API's JSON fails, in n8n 1.115.4, 1.123.81, 2.0.3 and 2.41.1 (\`npm run test:compat\`): "${messages[0]}"`,
		);
	});
});

describe('waiting: items that wait for completion start together', () => {
	test('three batches waiting for completion start together', async () => {
		const gate = emulator.gather(3, { route: 'interswitch', fallbackMs: 20_000 });
		const items = ['PROGRESS-2-a', 'PROGRESS-2-b', 'PROGRESS-2-c'].map((ref) => ({ ref }));
		const result = await paycode({
			items,
			parameters: {
				expectedTokenCount: 4,
				waitForCompletion: true,
				pollIntervalSeconds: 0.05,
				maxWaitSeconds: 30,
			},
		});
		expect(gate.gathered).toBe(true);
		expect(result.outputs('Node')[1]).toHaveLength(3);
		row(
			'Waiting',
			'The first item ran alone for its whole Wait for Completion (items 1 and 2 started only after it: 5 minutes late with the default Max Wait)',
			'All items start together (the token is fetched once however many ask at once); three waiting batches were in flight at the same moment',
		);
	});
});

describe('stop on error: the first failure stops the others at once', () => {
	test('the first failure stops the others at once', async () => {
		const items = [{ id: '' }, { id: 'bulk_stamp_v2_progress_999_stop' }];
		const result = await stamp({
			items,
			onError: 'stopWorkflow',
			parameters: { waitForCompletion: true, pollIntervalSeconds: 0.05, maxWaitSeconds: 5 },
		});
		expect((result.error as Error).message).toBe('The Bulk Order ID is empty [item 0]');
		// Without the stop, item 1 would go on polling every 0.05 s for 5 s: about 100 requests.
		const requests = emulator.requestsTo('surepass').length;
		expect(requests).toBeLessThanOrEqual(1);
		row(
			'Stop and cancel',
			'With *Stop Workflow*, item 0 failing at once while item 1 polled: the error came after 3.2 s and 16 more requests',
			`The first failure aborts the other items' requests and waits: "${(result.error as Error).message}", with at most one request made for the other item`,
		);
	});
});

describe('cancel: a cancelled run is recorded as canceled', () => {
	test('is recorded as canceled, not as failed', async () => {
		const controller = new AbortController();
		const running = stamp({
			items: [{ id: 'bulk_stamp_v2_progress_999_cancel' }],
			parameters: { waitForCompletion: true, pollIntervalSeconds: 600, maxWaitSeconds: 6000 },
			abortSignal: controller.signal,
			onError: 'stopWorkflow',
		});
		while (emulator.requestsTo('surepass').length === 0)
			await new Promise((resolve) => setTimeout(resolve, 20));
		controller.abort();
		const result = await running;
		expect(result.run.status).toBe('canceled');
		row(
			'Stop and cancel',
			'Cancelling a waiting run recorded it as failed ("…was cancelled while waiting…"), because n8n recognises cancellation by its own error',
			`The node ends with n8n's own cancellation error: the run's status is "${result.run.status}"`,
		);
	});
});

describe('retries: failures in disguise are retried, untrusted certificates are not', () => {
	test('a Surepass error envelope with status_code 503 or 429 inside an HTTP 200 is retried', async () => {
		const envelope = (status: number) => ({
			data: null,
			status_code: status,
			success: false,
			message: 'Try again',
			message_code: status === 429 ? 'rate_limited' : 'server_error',
		});
		emulator.addFault({ route: 'surepass', status: 200, body: envelope(503), times: 1 });
		emulator.addFault({ route: 'surepass', status: 200, body: envelope(429), times: 1 });
		const result = await stamp({ items: [{ id: SEED_ORDER }] });
		expect(result.outputs('Node')[1]).toHaveLength(1);
		expect(emulator.requestsTo('surepass')).toHaveLength(3);
	});

	test('a certificate nobody trusts is named as such, not as a credential problem, and not retried', async () => {
		const server = await own(
			startSelfSignedHttpsServer((_req, res) => sendWithLength(res, 200, '{}')),
		);
		const result = await stamp({
			items: [{ id: SEED_ORDER }],
			credential: { token: 'tls-test-token', environment: 'custom', baseUrl: server.url },
		});
		const error = errorOf(result.outputs('Node'));
		expect(error.message).toMatch(
			/^Order "bulk_stamp_v2_vomMHvHnecrlzTPRtyL": The TLS certificate of Surepass at 127\.0\.0\.1:\d+ is not trusted: the certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\); nothing was sent \[item 0\]$/,
		);
		expect(server.requests).toHaveLength(0);
		row(
			'Retries',
			'`success: false` with `status_code` 429 or 5xx inside an HTTP 200 was reported but never retried; TLS failures (self-signed, expired) were presented as credential problems',
			`The envelope's status decides the retry (503, then 429, then the summary: 3 requests, routed); TLS: "${error.message}"`,
		);
	});
});

describe('messages: IDs reach the user as they are', () => {
	test('IDs that contain errno-like words reach the user as they are', async () => {
		const result = await paycode({ items: [{ ref: 'REF-ECONNRESET-7' }] });
		const error = errorOf(result.outputs('Node'));
		expect(error.message).toBe(
			'Interswitch has no batch with reference "REF-ECONNRESET-7" for front-end partner "455" (10904) [item 0]',
		);
		const surepass = await stamp({ items: [{ id: 'bulk_stamp_v2_EnoEnt_missing' }] });
		expect(errorOf(surepass.outputs('Node')).message).toBe(
			'Surepass has no bulk stamp order "bulk_stamp_v2_EnoEnt_missing" [item 0]',
		);
		row(
			'Messages',
			'n8n replaced any message containing an errno-like word: the ID `REF-ECONNRESET-7` turned the message into "The connection to the server was closed unexpectedly…"',
			`Messages are put back as written: "${error.message}"`,
		);
	});
});

describe('inputs: IDs that are not IDs are refused', () => {
	test('an object or a list mapped into an ID is refused; line and paragraph separators, NEL and zero-width characters too', async () => {
		const items = [
			{ ref: { id: 1 } },
			{ ref: ['123456', 'BATCH-2'] },
			{ ref: 'a\u2028b' },
			{ ref: 'a\u2029b' },
			{ ref: 'a\u0085b' },
			{ ref: 'a\u200Bb' },
		];
		const result = await paycode({ items });
		const messages = items.map((_, index) => errorOf(result.outputs('Node'), index).message);
		expect(messages).toEqual([
			'The Reference ID is an object, not an ID: map one ID (text) per input item [item 0]',
			'The Reference ID is a list of 2 value(s), not an ID: map one ID (text) per input item [item 1]',
			'The Reference ID contains a line separator (U+2028) at position 2: check what is mapped into it [item 2]',
			'The Reference ID contains a paragraph separator (U+2029) at position 2: check what is mapped into it [item 3]',
			'The Reference ID contains a next-line character (U+0085) at position 2: check what is mapped into it [item 4]',
			'The Reference ID contains a zero-width space (U+200B) at position 2: check what is mapped into it [item 5]',
		]);
		expect(emulator.requestsTo('interswitch')).toHaveLength(0);
		row(
			'Inputs',
			'IDs mapped as objects or lists were sent as `[object Object]` or `123456,BATCH-2`; U+2028, U+2029, U+0085 and zero-width characters passed',
			`Refused before any request: "${messages[1]}", "${messages[5]}"`,
		);
	});
});

describe('inputs: settings given by expression are checked against their ranges', () => {
	test('out-of-range values are errors that name the setting, its range and the value', async () => {
		const timeout = await stamp({
			items: [{ id: SEED_ORDER }, { id: SEED_ORDER }],
			options: { timeoutMs: 0 },
		});
		expect([0, 1].map((index) => errorOf(timeout.outputs('Node'), index).message)).toEqual([
			`Order "${SEED_ORDER}": Timeout (Milliseconds) must be in 1,000–3,600,000 ms; got 0 [item 0]`,
			`Order "${SEED_ORDER}": Timeout (Milliseconds) must be in 1,000–3,600,000 ms; got 0 [item 1]`,
		]);
		const poll = await stamp({
			items: [{ id: SEED_ORDER }],
			parameters: { waitForCompletion: true, pollIntervalSeconds: 30_000_000 },
		});
		const pollMessage = errorOf(poll.outputs('Node')).message;
		expect(pollMessage).toBe(
			`Order "${SEED_ORDER}": Poll Interval (Seconds) must be in 0.01–3,600 s; got 30000000 [item 0]`,
		);
		const concurrency = await stamp({
			items: [{ id: SEED_ORDER }],
			options: { maxConcurrency: '2.5' },
		});
		expect(errorOf(concurrency.outputs('Node')).message).toBe(
			`Order "${SEED_ORDER}": Max Concurrent Requests must be a whole number in 1–50; got "2.5" [item 0]`,
		);
		expect(emulator.requestsTo('surepass')).toHaveLength(0);
		row(
			'Inputs',
			'*Timeout* 0 or negative clamped to 1 ms (every request "timed out"); a *Poll Interval* above 2³¹ ms overflowed the timer (11 requests in 29 ms)',
			`Every setting is checked against the editor's range, one error per item, no request: "${pollMessage}"`,
		);
	});
});

describe('money: amounts are exact or refused', () => {
	test('amounts that cannot be added exactly are refused; tokens under both "failed" and "Failed" are all read', async () => {
		const max = String(Number.MAX_SAFE_INTEGER);
		const token = (n: number) => ({
			surcharge: '',
			amount: max,
			beneficiaryNumber: `080300000${n}`,
			oneTimePin: '1111',
		});
		emulator.addFault({
			route: 'interswitch',
			status: 200,
			body: { summary: { batchReference: '123456' }, successful: [token(1), token(2), token(3)] },
			times: 1,
		});
		const huge = await paycode({ items: [{ ref: '123456' }] });
		const message = errorOf(huge.outputs('Node')).message;
		expect(message).toBe(
			'Batch "123456": Unexpected response from Interswitch: the amounts of the successful tokens add up to more than 9,007,199,254,740,991 kobo, more than can be added exactly [item 0]',
		);
		emulator.clearFaults();
		const failedToken = {
			surcharge: '',
			amount: '500000',
			beneficiaryNumber: '08039999999',
			oneTimePin: '2222',
		};
		emulator.addFault({
			route: 'interswitch',
			status: 200,
			body: {
				summary: { batchReference: '123456' },
				successful: [],
				failed: [],
				Failed: [failedToken],
			},
		});
		const both = await paycode({ items: [{ ref: '123456' }] });
		expect(both.outputs('Node')[2].map((item) => item.json.count)).toEqual([1]);
		row(
			'Money',
			'Three tokens of 9,007,199,254,740,991 kobo added up to …972 (exact: …973) without a word; with both `failed: []` and `Failed: [token]` the token was dropped',
			`Totals are exact or refused: "${message}"; both lists are read`,
		);
	});
});

describe('inputs: addresses with plain http or hidden characters are refused', () => {
	test('plain http to a .localhost name and a tab inside a Base URL are refused', async () => {
		const local = await stamp({
			items: [{ id: SEED_ORDER }],
			credential: {
				token: 'addr-test-token',
				environment: 'custom',
				baseUrl: 'http://evil.localhost:8080',
			},
		});
		const localMessage = errorOf(local.outputs('Node')).message;
		expect(localMessage).toBe(
			`Order "${SEED_ORDER}": The Base URL uses plain http:// to evil.localhost: use https:// (plain http is only allowed for localhost, such as the local API emulator) [item 0]`,
		);
		const tab = await stamp({
			items: [{ id: SEED_ORDER }],
			credential: {
				token: 'addr-test-token',
				environment: 'custom',
				baseUrl: 'https://kyc-api.surepass.app\t.evil.com',
			},
		});
		const tabMessage = errorOf(tab.outputs('Node')).message;
		expect(tabMessage).toBe(
			`Order "${SEED_ORDER}": The Base URL contains a space, tab, line break or invisible character (U+0009) at position 29: enter the address without it [item 0]`,
		);
		row(
			'Inputs',
			'Plain http was allowed to any `*.localhost` name (resolved by DNS, not necessarily this machine); a tab inside a Base URL silently changed the host (`…surepass.app<TAB>.evil.com` → `…surepass.app.evil.com`)',
			`Refused for every item before any request: "${tabMessage}"`,
		);
	});
});

afterAll(() => {
	// Only a full run writes the report: a run of one test (jest -t) leaves it alone.
	if (rows.length < EXPECTED_ROWS) return;
	const body = AREAS.flatMap((area) =>
		rows.filter((entry) => entry.area === area).map((entry) => entry.text),
	).join('\n');
	reportSection(
		'reliability-report',
		`Generated by \`test/package/misbehaving-vendor.test.ts\`: one test per problem found by trying the package as an attacker would (small misbehaving servers on 127.0.0.1 and a real n8n). Each test failed on the code before the fix.\n\n| Area | What went wrong before | What happens now (quoted from the test run) |\n|---|---|---|\n${body}`,
	);
});
