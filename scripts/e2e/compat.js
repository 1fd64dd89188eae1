// @ts-check
/**
 * `npm run test:compat`: the packed package in the n8n releases users are likely to run: the oldest
 * supported, n8n 1.115.4 (n8n-workflow 1.112.0), the newest 1.x, 1.123.81 (both on Node 22), 2.0.3
 * and the latest tested, 2.41.1 (Node 24; `npm run test:e2e` checks more there). Each is installed once
 * per machine (scripts/lib/install.js) and runs with its own user folder, the package installed as
 * a community package, and the emulator as both vendors. In each:
 *
 * - both nodes, their AI-tool variants and both credentials load, with icons;
 * - both credential tests pass through n8n's own credential-test endpoint, and fail against an
 *   address that answers with a redirect or a web page;
 * - both nodes route a batch to their three branches; an error goes to the error output;
 * - a token Interswitch refuses (the emulator forgets every token it issued) is renewed once and
 *   the run succeeds;
 * - Stop on error while another item waits for completion (30 s poll interval) ends the execution
 *   within a second of the failure;
 * - a cancelled execution that waits for completion is recorded as canceled within a second;
 * - Only Changes Since Last Run, three executions in a row;
 * - error messages as an alert sees them (`$json.error` on the error output) are the package's own
 *   words, whatever n8n's error classes do to them: a cancel whose connection drops after it was
 *   sent, a 503, a download link that redirects and one that answers a gzip bomb;
 * - one AI-tool call: n8n's MCP Server Trigger with the Surepass tool, called by the MCP SDK.
 *
 * `node scripts/e2e/compat.js oldest v1_latest` runs only those releases (names: see RELEASES in
 * scripts/lib/n8n-env.js). Exits non-zero when a check fails.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
	ensureN8n,
	packPackage,
	installTarball,
	importEmulatorCredentials,
	startN8n,
	n8nFolder,
	RELEASES,
	pkg,
} = require('../lib/n8n-env');
const { Processes, freePort, sleep } = require('../lib/processes');
const { ownerSession, api, waitForExecution } = require('../lib/n8n-rest');
const { createEmulator } = require('../../test/emulator');

const PACKAGE = pkg.name;
const DEFAULT_RELEASES = /** @type {const} */ (['oldest', 'v1_latest', 'v2_0', 'latest']);

/** @typedef {{ url: string, cookie: string, parse: (text: string) => any, version: string }} N8n */

/**
 * A workflow with a Start node (manual trigger) whose pinned items feed `nodes`.
 * @param {string} name @param {Array<Record<string, unknown>>} items @param {any[]} nodes
 */
function workflowOf(name, items, nodes) {
	return {
		name,
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			...nodes.map((node, index) => ({ id: `n${index}`, position: [240, index * 200], ...node })),
		],
		connections: {
			Start: { main: [nodes.map((node) => ({ node: node.name, type: 'main', index: 0 }))] },
		},
		pinData: { Start: items.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const surepassNode = (/** @type {Record<string, unknown>} */ parameters, extra = {}) => ({
	name: 'Surepass Stamp',
	type: `${PACKAGE}.surepassStamp`,
	typeVersion: 1.1,
	parameters: {
		resource: 'bulkStampOrder',
		operation: 'getSummary',
		bulkOrderId: '={{ $json.id }}',
		...parameters,
	},
	credentials: { surepassApi: { id: 'surepass-emulator', name: 'Surepass (local emulator)' } },
	...extra,
});

const paycodeNode = (/** @type {Record<string, unknown>} */ parameters, extra = {}) => ({
	name: 'Interswitch Paycode',
	type: `${PACKAGE}.interswitchPaycode`,
	typeVersion: 1.2,
	parameters: {
		resource: 'bulkTokenBatch',
		operation: 'getStatus',
		referenceId: '={{ $json.ref }}',
		...parameters,
	},
	credentials: {
		interswitchPaycodeApi: {
			id: 'interswitch-emulator',
			name: 'Interswitch Paycode (local emulator)',
		},
	},
	...extra,
});

/** Saves a workflow and starts it as a manual run; returns the execution ID. @param {N8n} n8n @param {any} workflow */
async function startRun(n8n, workflow) {
	const created = (await api(n8n.url, n8n.cookie, 'POST', '/rest/workflows', workflow)).data;
	const started = await api(n8n.url, n8n.cookie, 'POST', `/rest/workflows/${created.id}/run`, {
		workflowData: created,
		triggerToStartFrom: { name: 'Start' },
	});
	return { workflowId: created.id, executionId: String(started.data.executionId), created };
}

/**
 * Saves a credential of its own (n8n saves what a test's preAuthentication returns), then runs
 * n8n's credential test on it; returns n8n's answer ({ status, message }).
 * @param {N8n} n8n @param {string} name @param {string} type @param {object} data
 */
async function testSavedCredential(n8n, name, type, data) {
	const { id } = (await api(n8n.url, n8n.cookie, 'POST', '/rest/credentials', { name, type, data }))
		.data;
	const answer = await api(n8n.url, n8n.cookie, 'POST', '/rest/credentials/test', {
		credentials: { id, name, type, data },
	});
	return answer.data;
}

/** Runs a saved workflow once more. @param {N8n} n8n @param {any} created */
async function runAgain(n8n, created) {
	const started = await api(n8n.url, n8n.cookie, 'POST', `/rest/workflows/${created.id}/run`, {
		workflowData: created,
		triggerToStartFrom: { name: 'Start' },
	});
	return String(started.data.executionId);
}

/** Items per output of a node in an execution. @param {N8n} n8n @param {any} execution @param {string} node */
function countsOf(n8n, execution, node) {
	const data = n8n.parse(execution.data);
	if (!data?.resultData)
		throw new Error(
			`execution ${execution.id} (${execution.status}) has no run data: ${String(execution.data).slice(0, 200)}`,
		);
	const runs = data.resultData.runData[node] ?? [];
	return runs.map((/** @type {any} */ run) =>
		(run.data?.main ?? []).map((/** @type {any[]} */ items) => items?.length ?? 0),
	);
}

/** The checks in one release; returns the number that failed. */
async function checkRelease(
	/** @type {keyof typeof RELEASES} */ name,
	/** @type {string} */ tarball,
	/** @type {ReturnType<typeof createEmulator>} */ emulator,
) {
	const release = RELEASES[name];
	console.log(`\n=== n8n ${release.version} on Node ${release.runtime.version}`);
	const started = Date.now();
	const bin = ensureN8n(release);
	const home = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-compat-${release.version}-`));
	installTarball(home, tarball);
	const port = await freePort();
	// As an earlier version of this package saved it: no Environment field.
	const savedBeforeEnvironment = /** @type {Record<string, unknown>} */ ({
		...emulator.interswitchCredential(),
	});
	delete savedBeforeEnvironment.environment;
	importEmulatorCredentials(bin, home, port, emulator, [
		{
			id: 'interswitch-before-environment',
			name: 'Interswitch Paycode (saved before Environment)',
			type: 'interswitchPaycodeApi',
			data: savedBeforeEnvironment,
		},
	]);
	const processes = new Processes();
	let failures = 0;
	const check = (/** @type {boolean} */ ok, /** @type {string} */ what) => {
		console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
		if (!ok) failures++;
	};
	try {
		// n8n 1.x answers /healthz/readiness before its REST API is up: wait for the API itself.
		const server = await startN8n(processes, bin, home, port, {
			readyUrl: `http://127.0.0.1:${port}/rest/settings`,
		});
		const { parse } = require(path.join(n8nFolder(release), 'node_modules', 'flatted'));
		/** @type {N8n} */
		const n8n = {
			url: server.url,
			cookie: await ownerSession(server.url),
			parse,
			version: release.version,
		};
		const attempt = async (/** @type {string} */ what, /** @type {() => Promise<void>} */ body) => {
			try {
				await body();
			} catch (error) {
				check(false, `${what}: ${error instanceof Error ? error.message : String(error)}`);
			}
		};

		await attempt('the nodes load', async () => {
			const types = /** @type {any[]} */ (
				await api(n8n.url, n8n.cookie, 'GET', '/types/nodes.json')
			);
			for (const type of [
				'surepassStamp',
				'interswitchPaycode',
				'surepassStampTool',
				'interswitchPaycodeTool',
			]) {
				const found = types.find((entry) => entry.name === `${PACKAGE}.${type}`);
				const icon = typeof found?.iconUrl === 'object' ? found.iconUrl.light : found?.iconUrl;
				const iconOk = icon ? (await fetch(`${n8n.url}/${icon}`)).ok : false;
				check(
					found !== undefined && iconOk,
					`node type ${type} loads${found ? `, outputs ${typeof found.outputs === 'string' ? 'computed from the operation' : found.outputs?.length}` : ''}, icon ${iconOk ? 'answers' : 'MISSING'}`,
				);
			}
		});

		await attempt('the credential tests', async () => {
			for (const [id, type, data] of /** @type {Array<[string, string, object]>} */ ([
				['surepass-emulator', 'surepassApi', emulator.surepassCredential()],
				['interswitch-emulator', 'interswitchPaycodeApi', emulator.interswitchCredential()],
			])) {
				const answer = await api(n8n.url, n8n.cookie, 'POST', '/rest/credentials/test', {
					credentials: { id, name: id, type, data },
				});
				check(
					answer.data?.status === 'OK',
					`credential test ${type}: ${answer.data?.status} ${answer.data?.message ?? ''}`.trim(),
				);
			}
		});

		await attempt('credential tests against an address that is not the API', async () => {
			// A real server that redirects (empty body), or answers with a web page: a run fails there
			// ("answered with a redirect"), so the credential test must not say "Connection successful!".
			const http = require('node:http');
			const other = http.createServer((/** @type {any} */ req, /** @type {any} */ res) => {
				if (String(req.url).includes('/page/')) {
					res.writeHead(200, { 'content-type': 'text/html' });
					res.end('<html><body>Welcome</body></html>');
					return;
				}
				res.writeHead(302, { location: 'https://example.com/elsewhere', 'content-length': '0' });
				res.end();
			});
			await new Promise((resolve) => other.listen(0, '127.0.0.1', () => resolve(undefined)));
			const otherUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (other.address()).port}`;
			try {
				for (const [what, path] of [
					['a redirect', '/redirect'],
					['a web page', '/page'],
				]) {
					for (const [type, data] of /** @type {Array<[string, object]>} */ ([
						[
							'surepassApi',
							{
								...emulator.surepassCredential(),
								environment: 'custom',
								baseUrl: `${otherUrl}${path}`,
							},
						],
						[
							'interswitchPaycodeApi',
							{ ...emulator.interswitchCredential(), contextUrl: `${otherUrl}${path}/api/v1` },
						],
					])) {
						const answer = await testSavedCredential(n8n, `compat ${type} ${path}`, type, data);
						check(
							answer?.status === 'Error' && /no JSON came back/.test(answer?.message ?? ''),
							`credential test ${type} against ${what}: ${answer?.status} ${answer?.message ?? ''}`.trim(),
						);
					}
				}
			} finally {
				await new Promise((resolve) => other.close(() => resolve(undefined)));
			}
		});

		await attempt('the Interswitch Environment', async () => {
			// Saved before the choice existed: n8n fills in the default, Custom, and the credential
			// keeps getting its tokens from the Passport Token URL it was saved with.
			const passportBefore = emulator.requestsTo('passport').length;
			const workflow = workflowOf(
				`compat saved before Environment ${release.version}`,
				[{ ref: '123456' }],
				[
					paycodeNode(
						{ output: 'perBatch' },
						{
							credentials: {
								interswitchPaycodeApi: {
									id: 'interswitch-before-environment',
									name: 'Interswitch Paycode (saved before Environment)',
								},
							},
						},
					),
				],
			);
			const run = await startRun(n8n, workflow);
			const execution = await waitForExecution(n8n.url, n8n.cookie, run.executionId);
			const counts = countsOf(n8n, execution, 'Interswitch Paycode');
			const passport = emulator.requestsTo('passport').length - passportBefore;
			check(
				execution.status === 'success' && JSON.stringify(counts) === '[[0,1,0]]' && passport === 1,
				`a credential saved before the Environment choice keeps its Passport: ${JSON.stringify(counts)} (expected [[0,1,0]]), ${passport} Passport request (expected 1)`,
			);

			// A Context URL and a Passport of two environments: the credential test says which, and
			// nothing is sent (the hosts are Interswitch's real ones; no request may reach them).
			for (const [what, fields, expected] of /** @type {Array<[string, object, RegExp]>} */ ([
				[
					'Sandbox with a production Context URL',
					{ environment: 'sandbox', contextUrl: 'https://saturn.interswitchng.com/api/v1' },
					/Context URL is Interswitch production .* sandbox Passport .*choose Environment: Production/,
				],
				[
					'Production with the sandbox Context URL',
					{ environment: 'production', contextUrl: 'https://sandbox.interswitchng.com/api/v1' },
					/Context URL is Interswitch sandbox .* production Passport .*choose Environment: Sandbox/,
				],
			])) {
				const answer = await testSavedCredential(n8n, `compat ${what}`, 'interswitchPaycodeApi', {
					...emulator.interswitchCredential(),
					...fields,
				});
				check(
					answer?.status === 'Error' && expected.test(answer?.message ?? ''),
					`credential test, ${what}: ${answer?.status} ${answer?.message ?? ''}`.trim(),
				);
			}
		});

		await attempt('routing and the error output', async () => {
			const workflow = workflowOf(
				`compat routing ${release.version}`,
				[
					{ id: 'bulk_stamp_v2_demoMixed00001', ref: 'BATCH-WITH-FAILURES' },
					{ id: 'bulk_stamp_v2_unknown', ref: 'UNKNOWN-REF' },
				],
				[
					surepassNode({ output: 'perStamp' }, { onError: 'continueErrorOutput' }),
					paycodeNode({ output: 'perToken' }, { onError: 'continueErrorOutput' }),
				],
			);
			const run = await startRun(n8n, workflow);
			const execution = await waitForExecution(n8n.url, n8n.cookie, run.executionId);
			const surepass = countsOf(n8n, execution, 'Surepass Stamp');
			const paycode = countsOf(n8n, execution, 'Interswitch Paycode');
			// Pending, the other branches, then the error output n8n adds.
			check(
				execution.status === 'success' && JSON.stringify(surepass) === '[[1,3,2,1]]',
				`Surepass Stamp routes and sends the unknown order to the error output: ${JSON.stringify(surepass)} (expected [[1,3,2,1]])`,
			);
			check(
				execution.status === 'success' && JSON.stringify(paycode) === '[[0,4,2,1]]',
				`Interswitch Paycode routes and sends the unknown batch to the error output: ${JSON.stringify(paycode)} (expected [[0,4,2,1]])`,
			);

			// Interswitch forgets every token it issued: the stored one is refused and renewed once.
			const passportBefore = emulator.requestsTo('passport').length;
			emulator.interswitch.tokens.clear();
			const again = await waitForExecution(n8n.url, n8n.cookie, await runAgain(n8n, run.created));
			const renewed = countsOf(n8n, again, 'Interswitch Paycode');
			const passport = emulator.requestsTo('passport').length - passportBefore;
			check(
				again.status === 'success' && JSON.stringify(renewed) === '[[0,4,2,1]]' && passport === 1,
				`a token Interswitch refuses is renewed once: ${passport} Passport request(s), branches ${JSON.stringify(renewed)}`,
			);
		});

		await attempt('error messages as an alert sees them', async () => {
			// What `{{ $json.error }}` holds on the error output, for errors whose words n8n could
			// replace with its own (a dropped connection: "ECONNRESET"): the package's, in every
			// release. A cancel whose connection drops after it was sent; a 503; a download link
			// that redirects, and one that answers a gzip bomb (refused at once, not retried).
			const { gzipSync } = require('node:zlib');
			const bomb = gzipSync(
				Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300 * 1024 * 1024, 0x20)]),
			);
			emulator.addFault({
				route: 'interswitch',
				when: (req) => req.method === 'DELETE',
				action: 'reset',
			});
			emulator.addFault({
				route: 'surepass',
				when: (req) => req.body.includes('bulk_stamp_v2_demoAllFailed1'),
				status: 503,
				body: '',
			});
			emulator.addFault({
				when: (req) => req.path.startsWith('/storage/stamps/stamp_v2_mixAvail01'),
				status: 200,
				headers: { 'content-type': 'application/pdf', 'content-encoding': 'gzip' },
				body: bomb,
			});
			const storageBefore = emulator.stamps.storageRequests.length;
			const cancelsBefore = emulator
				.requestsTo('interswitch')
				.filter((req) => req.method === 'DELETE').length;
			try {
				const errorOutput = { onError: 'continueErrorOutput' };
				const workflow = workflowOf(
					`compat messages ${release.version}`,
					[
						{ id: 'bulk_stamp_v2_demoAllFailed1', stampId: 'stamp_v2_redirect0001', ref: '123456' },
						{ stampId: 'stamp_v2_mixAvail01' },
					],
					[
						{
							...paycodeNode(
								{
									operation: 'cancel',
									referenceId: '={{ $json.ref }}',
									options: { maxRetries: 1 },
								},
								errorOutput,
							),
							name: 'Cancel',
							typeVersion: 1.3,
						},
						{
							...surepassNode({ output: 'perOrder', options: { maxRetries: 0 } }, errorOutput),
							name: 'Get Summary',
							typeVersion: 1.2,
						},
						{
							...surepassNode(
								{
									resource: 'stamp',
									operation: 'download',
									stampId: '={{ $json.stampId }}',
									options: { maxRetries: 1 },
								},
								errorOutput,
							),
							name: 'Download',
							typeVersion: 1.2,
						},
					],
				);
				const started = Date.now();
				const run = await startRun(n8n, workflow);
				const execution = await waitForExecution(n8n.url, n8n.cookie, run.executionId);
				const seconds = (Date.now() - started) / 1000;
				const data = n8n.parse(execution.data);
				/** The `error` of each item on a node's error output (its last). @param {string} node */
				const errors = (node) => {
					const outputs = data?.resultData?.runData?.[node]?.[0]?.data?.main ?? [];
					const last = outputs.at(-1) ?? [];
					return last
						.filter(Boolean)
						.map((/** @type {any} */ item) =>
							String(item.json?.error).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>'),
						);
				};
				const expected = {
					Cancel: [
						'Batch "123456": Interswitch at 127.0.0.1:<port> closed the connection before answering (1 attempt); the cancel may have reached Interswitch and was not sent again: check the batch with Get Status before you cancel again [item 0]',
						'The Reference ID is empty; the cancel was not sent [item 1]',
					],
					'Get Summary': [
						'Order "bulk_stamp_v2_demoAllFailed1": Surepass had a server error (HTTP 503, 1 attempt) [item 0]',
						'The Bulk Order ID is empty [item 1]',
					],
					Download: [
						'Stamp "stamp_v2_redirect0001": Surepass\'s file storage answered with a redirect (HTTP 302), which is not followed: a new run fetches a fresh link [item 0]',
						'Stamp "stamp_v2_mixAvail01": Surepass\'s file storage\'s answer is too large: the answer is larger than 32 MB [item 1]',
					],
				};
				for (const [node, messages] of Object.entries(expected)) {
					const got = errors(node);
					check(
						JSON.stringify(got) === JSON.stringify(messages),
						`${node}: $json.error is the package's own message: ${JSON.stringify(got)}${JSON.stringify(got) === JSON.stringify(messages) ? '' : ` (expected ${JSON.stringify(messages)})`}`,
					);
				}
				const cancels =
					emulator.requestsTo('interswitch').filter((req) => req.method === 'DELETE').length -
					cancelsBefore;
				const bombRequests = emulator.stamps.storageRequests
					.slice(storageBefore)
					.filter((entry) => entry.stampId === 'stamp_v2_mixAvail01').length;
				check(
					cancels === 1 && bombRequests === 1,
					`the cancel was sent once (${cancels}), the gzip bomb fetched once (${bombRequests}); the run took ${seconds.toFixed(1)} s`,
				);
			} finally {
				emulator.clearFaults();
			}
		});

		await attempt('Stop on error while another item waits', async () => {
			// The unknown order answers after 1.5 s, while the pending one already waits (30 s interval).
			emulator.addFault({
				route: 'surepass',
				when: (req) => req.body.includes('bulk_stamp_v2_unknown'),
				delayMs: 1500,
				passThrough: true,
			});
			try {
				const workflow = workflowOf(
					`compat stop on error ${release.version}`,
					[{ id: 'bulk_stamp_v2_demoAllPending' }, { id: 'bulk_stamp_v2_unknown' }],
					[surepassNode({ waitForCompletion: true, pollIntervalSeconds: 30, maxWaitSeconds: 120 })],
				);
				const run = await startRun(n8n, workflow);
				const execution = await waitForExecution(n8n.url, n8n.cookie, run.executionId);
				const afterFailure =
					Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt) - 1500;
				check(
					execution.status === 'error' && afterFailure < 1000,
					`Stop on error while another item waits: the execution ended ${afterFailure} ms after the failure (status ${execution.status}; must be under 1,000 ms)`,
				);
			} finally {
				emulator.clearFaults();
			}
		});

		await attempt('cancel while waiting', async () => {
			const order = `bulk_stamp_v2_progress_1000_compat${release.version.replace(/\./g, '')}`;
			const before = emulator.requestsTo('surepass').length;
			const workflow = workflowOf(
				`compat cancel ${release.version}`,
				[{ id: order }],
				[surepassNode({ waitForCompletion: true, pollIntervalSeconds: 30, maxWaitSeconds: 600 })],
			);
			const run = await startRun(n8n, workflow);
			const deadline = Date.now() + 30_000;
			while (emulator.requestsTo('surepass').length === before && Date.now() < deadline)
				await sleep(100);
			await sleep(500);
			const asked = Date.now();
			await api(n8n.url, n8n.cookie, 'POST', `/rest/executions/${run.executionId}/stop`);
			const execution = await waitForExecution(n8n.url, n8n.cookie, run.executionId);
			const took = Date.now() - asked;
			check(
				execution.status === 'canceled' && took < 1000,
				`a cancelled execution that waits for completion: ${execution.status} ${took} ms after the stop (must be canceled, under 1,000 ms)`,
			);
		});

		await attempt('Only Changes Since Last Run', async () => {
			// Three manual executions (what a user does when testing in the editor): each reads n8n's
			// record and leaves it as it was, so each routes what is new since the last recorded
			// run, and says so. (npm run test:queue proves the recording in triggered executions.)
			const tag = `compat${release.version.replace(/\./g, '')}`;
			const workflow = workflowOf(
				`compat only changes ${release.version}`,
				[{ id: `bulk_stamp_v2_progress_2_${tag}` }, { id: 'bulk_stamp_v2_demoAllFailed1' }],
				[surepassNode({ output: 'perOrder', onlyChanges: true })],
			);
			const run = await startRun(n8n, workflow);
			const executions = [await waitForExecution(n8n.url, n8n.cookie, run.executionId)];
			for (let i = 0; i < 2; i++)
				executions.push(
					await waitForExecution(n8n.url, n8n.cookie, await runAgain(n8n, run.created)),
				);
			const seen = executions.map((execution) => countsOf(n8n, execution, 'Surepass Stamp'));
			const said = executions.map((execution) => {
				const runs = n8n.parse(execution.data).resultData.runData['Surepass Stamp'] ?? [];
				const first = (runs[0]?.data?.main ?? []).flat()[0];
				return String(first?.json?.warnings?.[0] ?? '');
			});
			const expected = [[[1, 1, 1]], [[0, 1, 1]], [[0, 1, 1]]];
			check(
				JSON.stringify(seen) === JSON.stringify(expected) &&
					said.every((text) => text.startsWith('A manual execution routes what is new')),
				`Only Changes Since Last Run, three manual executions: ${JSON.stringify(seen)} (expected ${JSON.stringify(expected)}: nothing recorded), each saying so: ${said.every((text) => text.startsWith('A manual execution')) ? 'yes' : JSON.stringify(said)}`,
			);
		});

		await attempt('one AI-tool call', async () => {
			failures += await mcpToolCall(n8n, check);
		});
	} finally {
		await processes.stopAll();
	}
	if (failures === 0) fs.rmSync(home, { recursive: true, force: true });
	else console.log(`  n8n's user folder and log are kept for a look: ${home}`);
	console.log(
		`  n8n ${release.version}: ${failures === 0 ? 'all checks passed' : `${failures} check(s) failed`} (${Math.round((Date.now() - started) / 1000)} s)`,
	);
	return failures;
}

/**
 * n8n's MCP Server Trigger with the Surepass Stamp tool, activated, called by the MCP TypeScript
 * SDK: the tool answer describes every branch of the order.
 * @param {N8n} n8n @param {(ok: boolean, what: string) => void} check @returns {Promise<number>}
 */
async function mcpToolCall(n8n, check) {
	const webhookPath = `compat-mcp-${n8n.version.replace(/\./g, '-')}`;
	const workflow = {
		name: `compat MCP ${n8n.version}`,
		nodes: [
			{
				id: 'mcp',
				name: 'MCP Server Trigger',
				type: '@n8n/n8n-nodes-langchain.mcpTrigger',
				typeVersion: 2,
				position: [0, 0],
				parameters: { path: webhookPath, authentication: 'none' },
				webhookId: `compat-mcp-${n8n.version}`,
			},
			{
				id: 'tool',
				name: 'Surepass Stamp',
				type: `${PACKAGE}.surepassStampTool`,
				typeVersion: 1.1,
				position: [0, 200],
				parameters: {
					descriptionType: 'manual',
					toolDescription: 'Checks a Surepass bulk e-stamp order',
					resource: 'bulkStampOrder',
					operation: 'getSummary',
					bulkOrderId: "={{ $fromAI('bulkOrderId', 'The bulk order ID', 'string') }}",
				},
				credentials: {
					surepassApi: { id: 'surepass-emulator', name: 'Surepass (local emulator)' },
				},
			},
		],
		connections: {
			'Surepass Stamp': { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
	const created = (await api(n8n.url, n8n.cookie, 'POST', '/rest/workflows', workflow)).data;
	// n8n 2.x activates with its own endpoint; 1.x by saving the workflow as active.
	await api(n8n.url, n8n.cookie, 'POST', `/rest/workflows/${created.id}/activate`, {
		versionId: created.versionId,
	}).catch(async () => {
		await api(n8n.url, n8n.cookie, 'PATCH', `/rest/workflows/${created.id}`, {
			active: true,
			versionId: created.versionId,
		});
	});
	const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
	const {
		StreamableHTTPClientTransport,
	} = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
	const { SSEClientTransport } = require('@modelcontextprotocol/sdk/client/sse.js');
	// The trigger's path is registered a moment after the workflow is activated: a few tries.
	/** @type {any} */
	let client;
	for (let attempt = 1; client === undefined; attempt++) {
		const candidate = new Client({ name: 'compat', version: '1.0.0' });
		try {
			await candidate
				.connect(new StreamableHTTPClientTransport(new URL(`${n8n.url}/mcp/${webhookPath}`)))
				.catch(async () => {
					await candidate.connect(
						new SSEClientTransport(new URL(`${n8n.url}/mcp/${webhookPath}/sse`)),
					);
				});
			client = candidate;
		} catch (error) {
			if (attempt >= 10) throw error;
			await sleep(500);
		}
	}
	try {
		const { tools } = await client.listTools();
		const tool = tools.find((/** @type {any} */ entry) => /surepass/i.test(entry.name));
		const result = tool
			? await client.callTool({
					name: tool.name,
					arguments: { bulkOrderId: 'bulk_stamp_v2_demoMixed00001' },
				})
			: undefined;
		const text = /** @type {any} */ (result?.content ?? [])
			.map((/** @type {any} */ part) => part.text ?? '')
			.join('');
		const counts = /"counts":(\{[^}]*\})/.exec(text)?.[1];
		check(
			counts === '{"pending":1,"available":3,"failed":2}',
			`MCP Server Trigger: tool ${tool?.name ?? 'MISSING'} answered ${text.length} characters, counts ${counts}`,
		);
	} finally {
		await client.close().catch(() => undefined);
	}
	return 0;
}

async function main() {
	const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [...DEFAULT_RELEASES];
	for (const name of names)
		if (!(name in RELEASES))
			throw new Error(`unknown release "${name}": one of ${Object.keys(RELEASES).join(', ')}`);
	const tarball = packPackage();
	const emulator = createEmulator();
	await emulator.start(0, '127.0.0.1');
	let failures = 0;
	try {
		for (const name of names)
			failures += await checkRelease(
				/** @type {keyof typeof RELEASES} */ (name),
				tarball,
				emulator,
			);
	} finally {
		await emulator.stop();
	}
	console.log(
		failures === 0
			? `\ncompat: all checks passed in n8n ${names.map((name) => RELEASES[/** @type {keyof typeof RELEASES} */ (name)].version).join(', ')}`
			: `\ncompat: ${failures} check(s) failed`,
	);
	process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
