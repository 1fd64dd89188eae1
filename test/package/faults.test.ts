/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * Fault injection, through the real engine, on both nodes, in every error mode. In each run two of
 * four input items hit the fault and two do not. Every input item must end as its routed items or
 * exactly one error item, with its pairedItem; the items without the fault must be routed as in a
 * run without faults; the message must say what happened; retries happen only where they should,
 * and are counted. The fault table in docs/RELIABILITY.md is generated from this suite's results, and every run's
 * data, errors and logs are scanned for secrets.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { harness, useEmulator } from '../harness/helpers';
import { singleNodeWorkflow } from '../harness/workflows';
import { reportSection, stable } from '../harness/report';

const emulator = useEmulator();

type NodeKey = 'surepass' | 'interswitch';
type Mode = 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
const MODES: Mode[] = ['continueRegularOutput', 'continueErrorOutput', 'stopWorkflow'];
const FAULTY = [1, 3];

interface EmulatorRequestLike {
	params: Record<string, unknown>;
	query: Record<string, string[]>;
}

interface NodeSpec {
	label: string;
	type: string;
	credentialType: string;
	route: string;
	ids: string[];
	parameters: Record<string, unknown>;
	credential: () => Record<string, unknown>;
	idOf: (req: EmulatorRequestLike) => unknown;
}

const NODES: Record<NodeKey, NodeSpec> = {
	surepass: {
		label: 'Surepass Stamp',
		type: 'surepassStamp',
		credentialType: 'surepassApi',
		route: 'surepass',
		ids: [
			'bulk_stamp_v2_vomMHvHnecrlzTPRtyL',
			'bulk_stamp_v2_demoAllFailed1',
			'bulk_stamp_v2_demoMixed00001',
			'bulk_stamp_v2_demoAllPending',
		],
		parameters: {
			resource: 'bulkStampOrder',
			operation: 'getSummary',
			bulkOrderId: '={{ $json.id }}',
			output: 'perOrder',
		},
		credential: () => emulator.surepassCredential(),
		idOf: (req) => req.params.client_id,
	},
	interswitch: {
		label: 'Interswitch Paycode',
		type: 'interswitchPaycode',
		credentialType: 'interswitchPaycodeApi',
		route: 'interswitch',
		ids: ['123456', 'large_3', 'BATCH-WITH-FAILURES', 'large_5'],
		parameters: {
			resource: 'bulkTokenBatch',
			operation: 'getStatus',
			referenceId: '={{ $json.id }}',
			output: 'perBatch',
			oneTimePins: 'mask',
		},
		credential: () => emulator.interswitchCredential(),
		idOf: (req) => req.query.referenceId?.[0],
	},
};

type Expectation =
	| { kind: 'error'; message: RegExp; attempts?: number; attemptsPerItem?: number[] }
	| {
			kind: 'routed';
			attempts?: number;
			check?: (items: Array<[number, Record<string, unknown>]>) => void;
	  }
	| { kind: 'all-error'; message: RegExp };

interface FaultCase {
	name: string;
	nodes?: NodeKey[];
	/** Sets the fault up for the faulty items' requests. */
	setup?: (node: NodeSpec, faulty: (req: EmulatorRequestLike) => boolean) => void;
	options?: Record<string, unknown>;
	credential?: (credential: Record<string, unknown>) => Record<string, unknown>;
	expect: Partial<Record<NodeKey, Expectation>> & { both?: Expectation };
	passportRequests?: number;
}

const surepassError = (status: number, code: string, message: string) => ({
	status_code: status,
	success: false,
	message,
	message_code: code,
});
const interswitchError = (code: string, message: string) => ({
	errors: [{ code, message }],
	error: { code, message },
});
const FAST = { maxRetries: 2, retryDelayMs: 1 };

/**
 * What a message says about the fault: without the order or batch it names first and the
 * " [item N]" it ends with (test/package/messages.test.ts checks those on every message).
 */
function core(message: string, itemIndex: number): string {
	expect(message.endsWith(` [item ${itemIndex}]`)).toBe(true);
	return message.replace(/^(Order|Batch) "[^"]*": /, '').replace(/ \[item \d+\]$/, '');
}
const TIMEOUT = { maxRetries: 1, retryDelayMs: 1, timeoutMs: 1000 };

function fault(spec: Omit<Parameters<typeof emulator.addFault>[0], 'when' | 'route'>) {
	return (node: NodeSpec, faulty: (req: EmulatorRequestLike) => boolean) => {
		emulator.addFault({ ...spec, route: node.route, when: faulty });
	};
}

type Answer = { status: number; headers?: Record<string, string>; body?: string };

/** Wraps a route of the emulator for one run: the faulty items' answers go through `change`. */
function wrapRoute(
	node: NodeSpec,
	faulty: (req: EmulatorRequestLike) => boolean,
	change: (answer: Answer) => Answer,
) {
	const original = emulator.routes.find((route) => route.route === node.route)!;
	emulator.routes = emulator.routes.map((route) =>
		route !== original
			? route
			: {
					...route,
					handle: async (req) => {
						const answer = await original.handle(req);
						return answer && faulty(req) ? change(answer) : answer;
					},
				},
	);
	restore.push(
		() =>
			(emulator.routes = emulator.routes.map((route) =>
				route.route === node.route ? original : route,
			)),
	);
}

/** A body for the faulty items' requests: the real answer, changed. */
function rewrite(change: (body: Record<string, unknown>) => unknown) {
	return (node: NodeSpec, faulty: (req: EmulatorRequestLike) => boolean) =>
		wrapRoute(node, faulty, (answer) =>
			answer.status !== 200
				? answer
				: { ...answer, body: JSON.stringify(change(JSON.parse(answer.body ?? '{}'))) },
		);
}
const restore: Array<() => void> = [];

const CASES: FaultCase[] = [
	{
		name: 'HTTP 500, every time',
		setup: fault({ status: 500, body: { message: 'Internal Server Error' } }),
		options: FAST,
		expect: {
			both: { kind: 'error', message: /had a server error \(HTTP 500, 3 attempts\)/, attempts: 3 },
		},
	},
	{
		name: 'HTTP 500 once, then OK',
		setup: fault({ status: 500, body: '', times: 2 }),
		options: FAST,
		expect: { both: { kind: 'routed', attempts: 2 } },
	},
	{
		name: '502 with an HTML page',
		setup: fault({
			status: 502,
			headers: { 'content-type': 'text/html' },
			body: '<html><body>Bad Gateway</body></html>',
		}),
		options: FAST,
		expect: {
			both: { kind: 'error', message: /had a server error \(HTTP 502, 3 attempts\)/, attempts: 3 },
		},
	},
	{
		name: '503 with Retry-After: 0',
		setup: fault({ status: 503, headers: { 'retry-after': '0' }, body: '' }),
		options: { ...FAST, retryDelayMs: 60_000 },
		expect: {
			both: { kind: 'error', message: /had a server error \(HTTP 503, 3 attempts\)/, attempts: 3 },
		},
	},
	{
		name: '503 without Retry-After',
		setup: fault({ status: 503, body: '' }),
		options: FAST,
		expect: {
			both: { kind: 'error', message: /had a server error \(HTTP 503, 3 attempts\)/, attempts: 3 },
		},
	},
	{
		name: '429 with Retry-After: 0, once',
		setup: fault({ status: 429, headers: { 'retry-after': '0' }, body: '', times: 2 }),
		options: { ...FAST, retryDelayMs: 60_000 },
		expect: { both: { kind: 'routed', attempts: 2 } },
	},
	{
		name: '429 without Retry-After, every time',
		setup: fault({ status: 429, body: '' }),
		// Retried at the account's rate, halved at each 429, until Max Wait on Rate Limit.
		options: { ...FAST, rateLimitWaitSeconds: 1 },
		expect: {
			both: {
				kind: 'error',
				message: /rate limit was reached \(the (order|batch) kept trying for 1 s, \d+ attempts?\)/,
			},
		},
	},
	{
		name: '429 asking to wait an hour',
		setup: fault({ status: 429, headers: { 'retry-after': '3600' }, body: '' }),
		options: FAST,
		expect: {
			both: {
				kind: 'error',
				message: /rate limit was reached \(the (order|batch) kept trying for 0 s, 1 attempt\)/,
				attempts: 1,
			},
		},
	},
	{
		name: 'connection reset before the answer, every time',
		setup: fault({ action: 'reset' }),
		options: FAST,
		expect: {
			both: {
				kind: 'error',
				message:
					/^(Surepass|Interswitch) at 127\.0\.0\.1:\d+ closed the connection before answering \(3 attempts\)$/,
				attempts: 3,
			},
		},
	},
	{
		name: 'connection reset before the answer, once',
		setup: fault({ action: 'reset', times: 2 }),
		options: FAST,
		expect: { both: { kind: 'routed', attempts: 2 } },
	},
	{
		name: 'connection reset in the middle of the body',
		setup: fault({ action: 'reset-mid' }),
		options: FAST,
		expect: {
			both: {
				kind: 'error',
				message:
					/^(Surepass|Interswitch)'s answer from 127\.0\.0\.1:\d+ was cut off before its end \(3 attempts\)$/,
				attempts: 3,
			},
		},
	},
	{
		name: 'a server that never answers',
		setup: fault({ action: 'hang' }),
		options: TIMEOUT,
		expect: {
			both: { kind: 'error', message: /did not answer within 1 s \(2 attempts\)/, attempts: 2 },
		},
	},
	{
		name: 'a very slow body (a piece every 150 ms)',
		setup: fault({ action: 'slow', chunkDelayMs: 150 }),
		options: TIMEOUT,
		expect: {
			both: {
				kind: 'error',
				message: /answer from 127\.0\.0\.1:\d+ did not finish within 1 s \(2 attempts\)/,
				attempts: 2,
			},
		},
	},
	{
		name: 'a slow answer within the timeout',
		setup: fault({ delayMs: 150, passThrough: true }),
		options: { ...TIMEOUT, timeoutMs: 30_000 },
		expect: { both: { kind: 'routed', attempts: 1 } },
	},
	{
		name: '200 with an empty body',
		setup: fault({ status: 200, body: '' }),
		options: FAST,
		expect: {
			both: {
				kind: 'error',
				message: /^Unexpected response from (Surepass|Interswitch): the body is empty$/,
				attempts: 1,
			},
		},
	},
	{
		name: 'malformed JSON',
		setup: fault({ status: 200, body: '{"data": {client_id: oops}}' }),
		options: FAST,
		expect: {
			both: { kind: 'error', message: /the body is malformed or truncated JSON/, attempts: 1 },
		},
	},
	{
		name: 'truncated JSON',
		setup: fault({ status: 200, body: '{"summary": {"batchReference": "1", "numb' }),
		options: FAST,
		expect: {
			both: { kind: 'error', message: /the body is malformed or truncated JSON/, attempts: 1 },
		},
	},
	{
		name: 'a JSON array instead of an object',
		setup: fault({ status: 200, body: [1, 2] }),
		options: FAST,
		expect: {
			both: {
				kind: 'error',
				message: /the body is a JSON array, expected a JSON object/,
				attempts: 1,
			},
		},
	},
	{
		name: 'a JSON string instead of an object',
		setup: fault({ status: 200, body: '"OK"' }),
		options: FAST,
		expect: {
			both: {
				kind: 'error',
				message: /the body is a JSON string, expected a JSON object/,
				attempts: 1,
			},
		},
	},
	{ name: 'a byte-order mark before the JSON', expect: { both: { kind: 'routed', attempts: 1 } } },
	{ name: 'JSON sent as text/plain', expect: { both: { kind: 'routed', attempts: 1 } } },
	{
		name: 'unknown extra fields',
		setup: rewrite((body) => ({ ...body, extra: { nested: [1, 2] }, trace_id: 'abc' })),
		expect: { both: { kind: 'routed', attempts: 1 } },
	},
	{
		name: 'success: false with HTTP 200',
		nodes: ['surepass'],
		setup: fault({
			status: 200,
			body: surepassError(422, 'validation_error', 'client_id is invalid'),
		}),
		expect: {
			surepass: {
				kind: 'error',
				message: /^Surepass rejected the Bulk Order ID ".*" \(HTTP 422: client_id is invalid\)$/,
				attempts: 1,
			},
		},
	},
	{
		name: 'data: null',
		nodes: ['surepass'],
		setup: fault({ status: 200, body: { data: null, success: true, status_code: 200 } }),
		expect: {
			surepass: {
				kind: 'error',
				message: /"data" is null, so there is no order summary/,
				attempts: 1,
			},
		},
	},
	{
		name: '"summary" missing',
		nodes: ['surepass'],
		setup: rewrite((body) => ({ ...body, data: { ...(body.data as object), summary: undefined } })),
		expect: { surepass: { kind: 'error', message: /the response has no "summary"/, attempts: 1 } },
	},
	{
		name: '"summary" missing',
		nodes: ['interswitch'],
		setup: rewrite((body) => ({ ...body, summary: undefined })),
		expect: {
			interswitch: {
				kind: 'routed',
				attempts: 1,
				check: (items) =>
					items.forEach(([, item]) =>
						expect(item.warnings).toEqual([
							'the response has no "summary"; the counts were taken from the lists',
						]),
					),
			},
		},
	},
	{
		name: 'counts as strings',
		nodes: ['surepass'],
		setup: rewrite((body) => {
			const data = body.data as { quantity: number; summary: Record<string, { count: number }> };
			for (const branch of Object.values(data.summary))
				branch.count = String(branch.count) as never;
			return { ...body, data: { ...data, quantity: String(data.quantity) } };
		}),
		expect: { surepass: { kind: 'routed', attempts: 1 } },
	},
	{
		name: 'counts that disagree with the lists',
		setup: rewrite((body) => {
			if (body.summary)
				return { ...body, summary: { ...(body.summary as object), numberOfSuccessful: '999' } };
			const data = body.data as { summary: { failed: { count: number } } };
			data.summary.failed = { ...data.summary.failed, count: 999 };
			return body;
		}),
		expect: {
			surepass: {
				kind: 'routed',
				attempts: 1,
				check: (items) =>
					items.forEach(([, item]) =>
						expect(String(item.warnings)).toMatch(
							/Surepass counts 999 failed stamp\(s\) but lists \d+; the list is used/,
						),
					),
			},
			interswitch: {
				kind: 'routed',
				attempts: 1,
				check: (items) =>
					items.forEach(([, item]) =>
						expect(String(item.warnings)).toMatch(
							/summary says 999 successful tokens but the lists hold \d+; the lists are used/,
						),
					),
			},
		},
	},
	{
		name: 'the same stamp in two branches',
		nodes: ['surepass'],
		setup: rewrite((body) => {
			const data = body.data as { summary: { pending: { stamps: string[]; count: number } } };
			data.summary.pending = { stamps: ['stamp_v2_twice'], count: 1 };
			(
				body.data as { summary: Record<string, { stamps: string[]; count: number }> }
			).summary.available = { stamps: ['stamp_v2_twice'], count: 1 };
			return body;
		}),
		expect: {
			surepass: {
				kind: 'routed',
				attempts: 1,
				check: (items) =>
					items.forEach(([, item]) =>
						expect(item.warnings).toContain(
							'Stamp stamp_v2_twice is listed as both pending and available',
						),
					),
			},
		},
	},
	{
		name: 'the failed list named "Failed"',
		nodes: ['interswitch'],
		setup: rewrite((body) => ({
			...body,
			Failed: [{ surcharge: '', amount: '500', beneficiaryNumber: '0800', oneTimePin: '9999' }],
			failed: undefined,
		})),
		expect: {
			interswitch: {
				kind: 'routed',
				attempts: 1,
				check: (items) => expect(items.filter(([output]) => output === 2)).toHaveLength(1),
			},
		},
	},
	{
		name: 'an amount that is not a number',
		nodes: ['interswitch'],
		setup: rewrite((body) => ({
			...body,
			successful: [{ surcharge: '', amount: 'N/A', beneficiaryNumber: '0800', oneTimePin: '9999' }],
		})),
		expect: {
			interswitch: {
				kind: 'error',
				message:
					/^Unexpected response from Interswitch: "successful\[0\]\.amount" is not a whole number of kobo \("N\/A"\)$/,
				attempts: 1,
			},
		},
	},
	{
		name: 'HTTP 401 (token rejected)',
		nodes: ['surepass'],
		setup: fault({
			status: 401,
			body: {
				status_code: 401,
				success: false,
				message: 'Unauthorized. Invalid or missing authentication token.',
				message_code: 'unauthorized',
			},
		}),
		expect: {
			surepass: { kind: 'error', message: /^Surepass rejected the token \(HTTP 401/, attempts: 1 },
		},
	},
	{
		name: 'HTTP 401 (token rejected)',
		nodes: ['interswitch'],
		setup: fault({
			status: 401,
			body: { error: 'invalid_token', error_description: 'Invalid access token' },
		}),
		// One renewal for the run (nodes/shared/runner/token-rejections.ts): the item that finds out
		// first renews (its request, the one whose 401 makes n8n renew, the retry); the other's
		// refusal is then final. Passport: the run's first token and the renewal.
		passportRequests: 2,
		expect: {
			interswitch: {
				kind: 'error',
				message: /^Interswitch rejected the access token \(HTTP 401: Invalid access token\)$/,
				attemptsPerItem: [1, 3],
			},
		},
	},
	{
		name: 'HTTP 403',
		setup: fault({ status: 403, body: { message: 'Forbidden', message_code: 'forbidden' } }),
		expect: { both: { kind: 'error', message: /refused access \(HTTP 403/, attempts: 1 } },
	},
	{
		name: 'HTTP 404',
		nodes: ['surepass'],
		setup: fault({ status: 404, body: surepassError(404, 'client_id_not_found', 'Not found') }),
		expect: {
			surepass: { kind: 'error', message: /^Surepass has no bulk stamp order "/, attempts: 1 },
		},
	},
	{
		name: 'HTTP 404',
		nodes: ['interswitch'],
		setup: fault({ status: 404, body: '' }),
		expect: {
			interswitch: {
				kind: 'error',
				message: /no batch status endpoint at the Context URL \(HTTP 404\)/,
				attempts: 1,
			},
		},
	},
	{
		name: 'HTTP 422',
		setup: fault({ status: 422, body: surepassError(422, 'validation_error', 'Unprocessable') }),
		expect: {
			surepass: {
				kind: 'error',
				message: /rejected the Bulk Order ID .* \(HTTP 422: Unprocessable\)/,
				attempts: 1,
			},
			interswitch: { kind: 'error', message: /^Interswitch answered HTTP 422$/, attempts: 1 },
		},
	},
	{
		name: '10904 as HTTP 401',
		nodes: ['interswitch'],
		setup: fault({ status: 401, body: interswitchError('10904', 'No record of batch') }),
		expect: {
			interswitch: {
				kind: 'error',
				message:
					/^Interswitch has no batch with reference "large_\d" for front-end partner "455" \(10904\)$/,
				attempts: 1,
			},
		},
	},
	{
		name: 'E50 as HTTP 401',
		nodes: ['interswitch'],
		setup: fault({ status: 401, body: interswitchError('E50', 'referenceId cannot be empty.') }),
		expect: {
			interswitch: {
				kind: 'error',
				message: /^Interswitch says the Reference ID is empty/,
				attempts: 1,
			},
		},
	},
	{
		name: '10801 as HTTP 401',
		nodes: ['interswitch'],
		setup: fault({ status: 401, body: interswitchError('10801', 'Front end partner not found') }),
		expect: {
			interswitch: {
				kind: 'error',
				message: /^Interswitch does not know the front-end partner "455" \(10801\)$/,
				attempts: 1,
			},
		},
	},
	{
		name: 'E24 as HTTP 403',
		nodes: ['interswitch'],
		setup: fault({
			status: 403,
			body: {
				error: {
					code: 'E24',
					message: 'Invalid authentication credentials: Timestamp out of window',
				},
			},
		}),
		expect: {
			interswitch: { kind: 'error', message: /timestamp is out of window \(E24\)$/, attempts: 1 },
		},
	},
	{
		name: 'a redirect to another host',
		setup: fault({
			status: 302,
			headers: { location: 'https://attacker.example/collect' },
			body: '',
		}),
		expect: {
			both: {
				kind: 'error',
				message: /answered with a redirect \(HTTP 302\), which is not followed$/,
				attempts: 1,
			},
		},
	},
	{
		name: 'Passport down',
		nodes: ['interswitch'],
		setup: () => emulator.addFault({ route: 'passport', status: 503, body: '' }),
		options: FAST,
		expect: {
			interswitch: {
				kind: 'all-error',
				message:
					/^Interswitch Passport at 127\.0\.0\.1:\d+ is unavailable \(HTTP 503\) \(3 attempts\)$/,
			},
		},
	},
	{
		name: 'Passport rejecting the client',
		nodes: ['interswitch'],
		credential: (credential) => ({ ...credential, clientSecret: 'not-the-secret-1234' }),
		expect: {
			interswitch: {
				kind: 'all-error',
				message:
					/^Interswitch Passport rejected the client ID or secret \(HTTP 401: invalid_client: Bad client credentials\)$/,
			},
		},
	},
	{
		name: 'the access token expiring mid-run',
		nodes: ['interswitch'],
		setup: (_node, faulty) => {
			let revoked = false;
			emulator.beforeRoute = (req) => {
				if (!revoked && faulty(req)) {
					revoked = true;
					for (const token of emulator.interswitch.tokens.keys()) secrets.add(token);
					emulator.interswitch.tokens.clear();
				}
			};
		},
		options: { maxConcurrency: 1 },
		passportRequests: 2,
		expect: { interswitch: { kind: 'routed' } },
	},
];

/** Makes the BOM and text/plain cases what their names say. */
function transport(name: string, node: NodeSpec, faulty: (req: EmulatorRequestLike) => boolean) {
	if (name === 'JSON sent as text/plain') {
		wrapRoute(node, faulty, (answer) => ({ ...answer, headers: { 'content-type': 'text/plain' } }));
		return true;
	}
	if (name === 'a byte-order mark before the JSON') {
		wrapRoute(node, faulty, (answer) => ({ ...answer, body: `\uFEFF${answer.body}` }));
		return true;
	}
	return false;
}

const secrets = new Set<string>();
const scanned: string[] = [];
const rows = new Map<string, Partial<Record<NodeKey, string>>>();

async function runCase(node: NodeSpec, mode: Mode, faultCase?: FaultCase) {
	const faultyIds = new Set(FAULTY.map((index) => node.ids[index]));
	const faulty = (req: EmulatorRequestLike) => faultyIds.has(String(node.idOf(req)));
	if (faultCase && !transport(faultCase.name, node, faulty)) faultCase.setup?.(node, faulty);
	const base = node.credential();
	const credential = faultCase?.credential ? faultCase.credential(base) : base;
	for (const key of ['token', 'clientSecret'])
		if (typeof credential[key] === 'string') secrets.add(credential[key] as string);
	const logStart = harness.logger.lines.length;
	try {
		const result = await harness.run(
			singleNodeWorkflow({
				type: node.type,
				credentialType: node.credentialType,
				name: 'Node',
				parameters: { ...node.parameters, options: { retryDelayMs: 1, ...faultCase?.options } },
				items: node.ids.map((id) => ({ id })),
				onError: mode,
			}),
			{ credentials: { [node.credentialType]: credential as never } },
		);
		for (const token of emulator.interswitch.tokens.keys()) secrets.add(token);
		scanned.push(
			JSON.stringify(result.run, errorReplacer) + harness.logger.lines.slice(logStart).join('\n'),
		);
		return result;
	} finally {
		while (restore.length) restore.pop()!();
	}
}

function errorReplacer(_key: string, value: unknown) {
	if (value instanceof Error)
		return { ...value, name: value.name, message: value.message, stack: value.stack };
	return value;
}

/** [output, json] of every item per input item. */
function byInput(outputs: INodeExecutionData[][]) {
	const map = new Map<number, Array<[number, Record<string, unknown>, boolean]>>();
	outputs.forEach((items, output) =>
		items.forEach((item) => {
			const paired = item.pairedItem as { item: number };
			expect(paired).toEqual({ item: expect.any(Number) });
			const list = map.get(paired.item) ?? [];
			list.push([output, item.json as Record<string, unknown>, item.error !== undefined]);
			map.set(paired.item, list);
		}),
	);
	return map;
}

const baselines = new Map<
	NodeKey,
	Map<number, Array<[number, Record<string, unknown>, boolean]>>
>();

beforeAll(async () => {
	for (const key of Object.keys(NODES) as NodeKey[]) {
		const result = await runCase(NODES[key], 'continueRegularOutput');
		expect(result.error).toBeUndefined();
		const map = byInput(result.outputs('Node'));
		expect([...map.keys()].sort()).toEqual([0, 1, 2, 3]);
		for (const list of map.values()) expect(list.every(([, , isError]) => !isError)).toBe(true);
		baselines.set(key, map);
	}
});

const table: Array<[string, NodeKey, FaultCase]> = [];
for (const faultCase of CASES) {
	for (const key of faultCase.nodes ?? (['surepass', 'interswitch'] as NodeKey[]))
		table.push([faultCase.name, key, faultCase]);
}

describe.each(table)('%s (%s)', (_name, key, faultCase) => {
	const node = NODES[key];
	const expectation = (faultCase.expect[key] ?? faultCase.expect.both)!;

	test.each(MODES)('%s', async (mode) => {
		emulator.resetStats();
		const result = await runCase(node, mode, faultCase);
		const outputs = result.outputs('Node');
		const baseline = baselines.get(key)!;
		const failedIndices =
			expectation.kind === 'all-error' ? [0, 1, 2, 3] : expectation.kind === 'error' ? FAULTY : [];

		if (mode === 'stopWorkflow') {
			if (failedIndices.length === 0) {
				expect(result.error).toBeUndefined();
			} else {
				// The first item to fail stops the others at once; its error is the node's error.
				const error = result.error as { message: string; context: { itemIndex: number } };
				expect(failedIndices).toContain(error.context.itemIndex);
				expect(core(error.message, error.context.itemIndex)).toMatch(
					(expectation as { message: RegExp }).message,
				);
			}
			return;
		}

		expect(result.error).toBeUndefined();
		expect(outputs).toHaveLength(mode === 'continueErrorOutput' ? 4 : 3);
		const errorOutput = mode === 'continueErrorOutput' ? 3 : 2;
		const map = byInput(outputs);
		for (const index of [0, 1, 2, 3]) {
			const items = map.get(index) ?? [];
			if (failedIndices.includes(index)) {
				// Exactly one error item, in the right output, and nothing else for this input item.
				expect(items).toHaveLength(1);
				const [output, itemJson, isError] = items[0];
				expect([output, isError]).toEqual([errorOutput, true]);
				expect(core(String(itemJson.error), index)).toMatch(
					(expectation as { message: RegExp }).message,
				);
			} else if (FAULTY.includes(index) && expectation.kind === 'routed' && expectation.check) {
				expect(items.length).toBeGreaterThan(0);
				expectation.check(items.map(([output, itemJson]) => [output, itemJson]));
			} else {
				expect(items).toEqual(baseline.get(index));
			}
		}
		if ('attempts' in expectation && expectation.attempts !== undefined) {
			for (const index of FAULTY) {
				const requests = emulator.log.filter(
					(req) => req.route === node.route && node.idOf(req) === node.ids[index],
				);
				expect([node.ids[index], requests.length]).toEqual([node.ids[index], expectation.attempts]);
			}
		}
		if ('attemptsPerItem' in expectation && expectation.attemptsPerItem !== undefined) {
			// Requests per faulty item, in any order: which item finds out first is up to the network.
			const counts = FAULTY.map(
				(index) =>
					emulator.log.filter(
						(req) => req.route === node.route && node.idOf(req) === node.ids[index],
					).length,
			).sort((a, b) => a - b);
			expect(counts).toEqual(expectation.attemptsPerItem);
		}
		if (key === 'interswitch') {
			expect(emulator.requestsTo('passport')).toHaveLength(
				faultCase.passportRequests ??
					(expectation.kind === 'all-error' ? emulator.requestsTo('passport').length : 1),
			);
		}
		if (mode === 'continueRegularOutput') {
			const row = rows.get(faultCase.name) ?? {};
			row[key] = summarise(expectation, outputs, errorOutput, node);
			rows.set(faultCase.name, row);
		}
	});
});

function summarise(
	expectation: Expectation,
	outputs: INodeExecutionData[][],
	errorOutput: number,
	node: NodeSpec,
): string {
	const requests = (index: number) =>
		emulator.log.filter((req) => req.route === node.route && node.idOf(req) === node.ids[index])
			.length;
	if (expectation.kind === 'routed') {
		const warnings = new Set<string>();
		for (const item of outputs.flat())
			for (const warning of (item.json.warnings as string[] | undefined) ?? [])
				warnings.add(stable(String(warning)).replace(/\d+/g, 'N'));
		return `routed${warnings.size ? ` with warning "${[...warnings][0]}"` : ''} (${requests(FAULTY[0])} request(s))`;
	}
	const item = outputs[errorOutput].find((entry) => entry.error);
	const tries = expectation.kind === 'all-error' ? '' : ` (${requests(FAULTY[0])} request(s))`;
	return `error: ${stable(String(item?.json.error ?? ''))}${tries}`;
}

afterAll(() => {
	if (rows.size === 0) return;
	const header =
		'| Fault or hostile answer | Surepass Stamp | Interswitch Paycode |\n|---|---|---|';
	const lines = [...rows.entries()].map(
		([name, row]) => `| ${name} | ${row.surepass ?? '—'} | ${row.interswitch ?? '—'} |`,
	);
	reportSection(
		'fault-report',
		`Generated by \`test/package/faults.test.ts\` (${table.length * MODES.length} runs: every fault on every node in the three error modes; two of four input items hit the fault). Shown: what an item that hit the fault became with *Continue (regular output)*, and how many requests it made. In every run the other items were routed exactly as without the fault, and no secret appeared in any run data, error or log.\n\n${header}\n${lines.join('\n')}`,
	);
});

test('no secret anywhere in the fault suite: run data, errors, logs', () => {
	// Runs after the fault table (jest runs a file's tests in order).
	const everything = scanned.join('\n');
	expect(scanned.length).toBeGreaterThan(table.length * MODES.length);
	expect(secrets.size).toBeGreaterThan(3);
	for (const secret of secrets)
		expect(everything.includes(secret) ? secret : 'absent').toBe('absent');
	for (const pin of ['4321', '9999'])
		expect(everything).not.toMatch(new RegExp(`"oneTimePin":"${pin}"`));
});
