// @ts-check
/**
 * `npm run test:e2e`: the package in a real n8n 2.41.1 on Node 24 (not part of npm test: n8n is large).
 *
 * Installs n8n into .cache/n8n once, installs the packed package as a community package into a
 * fresh user folder, starts the emulator, imports credentials and every workflow in examples/ with
 * n8n's own CLI, starts n8n, runs each example through n8n's REST API (a manual run, so pinned data
 * applies: the Slack, Twilio, e-mail and Wait nodes are pinned, nothing leaves this machine), and
 * checks what reached each branch. Before the runs it drives the editor in headless Chromium
 * (scripts/e2e/browser.js, screenshots in docs/) unless --no-browser is given.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
	ensureN8n,
	ensureBrowser,
	installPackage,
	n8nCli,
	importEmulatorCredentials,
	startN8n,
	n8nDir,
	node24Bin,
	N8N_VERSION,
} = require('../lib/n8n-env');
const { Processes, freePort } = require('../lib/processes');
const { createEmulator } = require('../../test/emulator');
const { checkAgentAndMcp, startMockOpenAi } = require('./agent');
const { OWNER, ownerSession, api, waitForExecution } = require('../lib/n8n-rest');

/**
 * What each example must route. Runs are the node's runs in one execution (a Wait loop runs it
 * twice); counts are items per output, in output order. `pins` replace pinned data for this run:
 * the Slack, Twilio and e-mail nodes are pinned so nothing leaves the machine, and the loop examples
 * start from an order or batch that the emulator completes on the second check. `waitSeconds`
 * shortens the Wait node so the loop runs within the test.
 * `executions` (instead of `runs`) runs the example several times in a row, one expectation each.
 * `names` are the node's output names when it is not a status check; `check` looks further and
 * returns a line starting with OK or FAILED.
 * @type {Record<string, { node: string, names?: string[], pins?: Record<string, object[]>, waitSeconds?: number, runs?: number[][], executions?: number[][][], totalNaira?: number, check?: (runs: any[], emulator: any) => string }>}
 */
const EXPECTED = {
	'surepass-order-check.json': { node: 'Surepass Stamp', runs: [[1, 5, 2]] },
	'paycode-batch-check.json': {
		node: 'Interswitch Paycode',
		runs: [[0, 10, 0]],
		totalNaira: 43000,
	},
	'surepass-order-alerts.json': {
		node: 'Surepass Stamp',
		pins: {
			'Orders to check': [
				{ json: { bulkOrderId: 'bulk_stamp_v2_progress_2_e2e' } },
				{ json: { bulkOrderId: 'bulk_stamp_v2_demoAllFailed1' } },
			],
			'Alert #stamp-alerts': [{ json: { ok: true, channel: '#stamp-alerts' } }],
		},
		waitSeconds: 1,
		runs: [
			[1, 1, 1],
			[0, 1, 0],
		],
	},
	'surepass-failed-alerts-once.json': {
		node: 'Surepass Stamp',
		pins: {
			'Open orders': [
				{ json: { bulkOrderId: 'bulk_stamp_v2_progress_2_once' } },
				{ json: { bulkOrderId: 'bulk_stamp_v2_demoAllFailed1' } },
			],
			'Alert #stamp-alerts': [{ json: { ok: true, channel: '#stamp-alerts' } }],
		},
		// Only Changes Since Last Run, in n8n's own deduplication store, run by hand as a user tests
		// it in the editor: each manual execution reads the record and leaves it as it was, so the
		// second and third route the completed order and the failed one again (the next scheduled
		// run would still send them). npm run test:queue proves the recording in triggered runs.
		executions: [[[1, 1, 1]], [[0, 1, 1]], [[0, 1, 1]]],
	},
	'surepass-download-email.json': {
		node: 'Download the stamp',
		names: ['Success', 'Error'],
		pins: {
			'E-mail the PDF': [{ json: { accepted: ['legal@example.com'] } }],
			'Alert #stamp-alerts': [{ json: { ok: true, channel: '#stamp-alerts' } }],
		},
		runs: [[3, 0]],
		// Each PDF in n8n's binary data, named after its stamp; the token never sent to the storage.
		check: (runs, emulator) => {
			const items = runs[0]?.data?.main?.[0] ?? [];
			const files = items.map((/** @type {any} */ item) => item.binary?.data);
			const ok =
				files.length === 3 &&
				files.every(
					(/** @type {any} */ file, /** @type {number} */ index) =>
						file?.mimeType === 'application/pdf' &&
						file.fileName === `${items[index].json.stampId}.pdf`,
				) &&
				emulator.stamps.storageRequests.length === 3 &&
				emulator.stamps.storageRequests.every((/** @type {any} */ entry) => !entry.authorization);
			return `${ok ? 'OK' : 'FAILED:'} 3 PDFs in binary data (${files.map((/** @type {any} */ file) => file?.fileName).join(', ')}); storage requests without Authorization: ${emulator.stamps.storageRequests.filter((/** @type {any} */ entry) => !entry.authorization).length} of ${emulator.stamps.storageRequests.length}`;
		},
	},
	'paycode-cancel-slack.json': {
		node: 'Cancel the batch',
		names: ['Success', 'Error'],
		pins: { 'Tell #paycode-ops': [{ json: { ok: true, channel: '#paycode-ops' } }] },
		runs: [[1, 0]],
		check: (_, emulator) => {
			const cancels = [...emulator.interswitch.cancels];
			const ok = JSON.stringify(cancels) === JSON.stringify([['455/BATCH-WITH-FAILURES', 1]]);
			return `${ok ? 'OK' : 'FAILED:'} Interswitch got one cancel, for the batch with failed tokens: ${JSON.stringify(cancels)}`;
		},
	},
	'paycode-notify.json': {
		node: 'Interswitch Paycode',
		pins: {
			'Batches to check': [{ json: { referenceId: 'PROGRESS-2-e2e', expectedTokenCount: 4 } }],
			'Text the beneficiary': [{ json: { sid: 'SM-pinned', status: 'queued' } }],
			'E-mail finance': [{ json: { accepted: ['finance@example.com'] } }],
		},
		waitSeconds: 1,
		runs: [
			[1, 2, 0],
			[0, 3, 1],
		],
	},
};

async function main() {
	const withBrowser = !process.argv.includes('--no-browser');
	// --docs: save the editor screenshots into .github/images/ (the README's pictures) instead of a
	// temporary folder. Not docs/: n8n-node build copies every PNG and SVG outside dot-folders into
	// dist/, which is what the npm package ships.
	const screenshots = process.argv.includes('--docs')
		? path.join(__dirname, '..', '..', '.github', 'images')
		: undefined;
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	console.log(`n8n ${N8N_VERSION} end to end\n`);
	const bin = ensureN8n();
	if (withBrowser) ensureBrowser();
	installPackage(home);

	const processes = new Processes();
	const emulator = createEmulator();
	await emulator.start(0, '127.0.0.1');
	// The AI Agent example's chat model talks to a scripted OpenAI-compatible server on this machine.
	const openAi = await startMockOpenAi();
	const port = await freePort();
	/** @type {Awaited<ReturnType<typeof startN8n>> | undefined} */
	let n8n;
	let failures = 0;
	let completed = false;
	try {
		importEmulatorCredentials(bin, home, port, emulator, [
			// The AI Agent example's OpenAI credential points at the scripted server; the other
			// placeholders let the examples import with their credentials set (those nodes are pinned).
			{
				id: 'openai-account',
				name: 'OpenAI account',
				type: 'openAiApi',
				data: { apiKey: 'e2e-not-a-key', url: openAi.url },
			},
			{
				id: 'slack-placeholder',
				name: 'Slack account',
				type: 'slackApi',
				data: { accessToken: 'xoxb-placeholder' },
			},
			{
				id: 'twilio-placeholder',
				name: 'Twilio account',
				type: 'twilioApi',
				data: { accountSid: 'ACplaceholder', authToken: 'placeholder' },
			},
			{
				id: 'smtp-placeholder',
				name: 'SMTP account',
				type: 'smtp',
				data: {
					user: 'placeholder',
					password: 'placeholder',
					host: '127.0.0.1',
					port: 2525,
					secure: false,
				},
			},
		]);
		const examples = fs
			.readdirSync(path.join(__dirname, '..', '..', 'examples'))
			.filter((file) => file.endsWith('.json'))
			.sort();
		for (const file of examples)
			n8nCli(
				bin,
				home,
				['import:workflow', `--input=${path.join(__dirname, '..', '..', 'examples', file)}`],
				port,
			);

		n8n = await startN8n(processes, bin, home, port);
		console.log(`\nn8n is up at ${n8n.url}`);
		const cookie = await ownerSession(n8n.url);
		const { parse } = require(path.join(n8nDir, 'node_modules', 'flatted'));
		const listed = await api(n8n.url, cookie, 'GET', '/rest/workflows');
		const types = await api(n8n.url, cookie, 'GET', '/types/nodes.json');
		for (const name of ['surepassStamp', 'interswitchPaycode']) {
			const type = types.find(
				(/** @type {any} */ t) => t.name === `n8n-nodes-surepass-interswitch.${name}`,
			);
			console.log(
				`node type ${name}: ${type ? `loaded, outputs ${typeof type.outputs === 'string' ? 'computed from the operation' : type.outputs.length}` : 'MISSING'}`,
			);
			if (!type) failures++;
		}

		// The editor first, while the examples still hold their own data (the runs below re-pin some).
		if (withBrowser) {
			const { browse } = require('./browser');
			failures += await browse(n8n.url, OWNER, screenshots ?? path.join(home, 'screenshots'));
		}

		for (const file of examples) {
			const expected = EXPECTED[file];
			const workflow = JSON.parse(
				fs.readFileSync(path.join(__dirname, '..', '..', 'examples', file), 'utf8'),
			);
			const stored = listed.data.find((/** @type {any} */ w) => w.name === workflow.name);
			if (!stored) {
				console.log(`\n${file}: NOT IMPORTED`);
				failures++;
				continue;
			}
			if (!expected) {
				console.log(`\n${file}: imported (no expectations recorded for it)`);
				continue;
			}
			const full = (await api(n8n.url, cookie, 'GET', `/rest/workflows/${stored.id}`)).data;
			const trigger = full.nodes.find((/** @type {any} */ node) => /trigger/i.test(node.type));
			const nodes = full.nodes.map((/** @type {any} */ node) =>
				node.type === 'n8n-nodes-base.wait' && expected.waitSeconds !== undefined
					? {
							...node,
							parameters: { ...node.parameters, amount: expected.waitSeconds, unit: 'seconds' },
						}
					: node,
			);
			const pinData = { ...full.pinData, ...expected.pins };
			// A manual run executes the saved workflow, so the run's pins and wait are saved first.
			const saved = (
				await api(n8n.url, cookie, 'PATCH', `/rest/workflows/${stored.id}`, {
					nodes,
					pinData,
					versionId: full.versionId,
				})
			).data;
			// Most examples run once; one that remembers between runs (Only Changes) runs several times.
			const executions = expected.executions ?? [expected.runs ?? []];
			for (const [executionIndex, expectedRuns] of executions.entries()) {
				const started = await api(n8n.url, cookie, 'POST', `/rest/workflows/${stored.id}/run`, {
					workflowData: { ...saved, nodes, pinData },
					triggerToStartFrom: { name: trigger.name },
				});
				const execution = await waitForExecution(n8n.url, cookie, started.data.executionId);
				const data = parse(execution.data);
				const runs = data.resultData.runData[expected.node] ?? [];
				const counts = runs.map((/** @type {any} */ run) =>
					(run.data?.main ?? []).map((/** @type {any[]} */ items) => items?.length ?? 0),
				);
				const ok =
					execution.status === 'success' && JSON.stringify(counts) === JSON.stringify(expectedRuns);
				const label =
					executions.length > 1 ? `execution ${executionIndex + 1} of ${executions.length}: ` : '';
				console.log(`\n${file}: ${label}run ${execution.id} ${execution.status}`);
				counts.forEach((/** @type {number[]} */ run, /** @type {number} */ index) => {
					const names =
						expected.names ??
						(expected.node === 'Surepass Stamp'
							? ['Pending', 'Available', 'Failed']
							: ['Pending', 'Successful', 'Failed']);
					console.log(
						`  ${expected.node}${runs.length > 1 ? ` (run ${index + 1})` : ''}: ${run.map((n, i) => `${names[i]} ${n}`).join(', ')}`,
					);
				});
				for (const [nodeName, nodeRuns] of Object.entries(data.resultData.runData)) {
					if (nodeName === expected.node) continue;
					const received = /** @type {any[]} */ (nodeRuns).map(
						(run) => (run.data?.main?.[0] ?? []).length,
					);
					console.log(
						`  ${nodeName}: ${received.join(' + ')} item(s)${expected.pins?.[nodeName] ? ' (pinned)' : ''}`,
					);
				}
				if (expected.totalNaira !== undefined) {
					const total = runs[0].data.main[1].reduce(
						(/** @type {number} */ sum, /** @type {any} */ item) => sum + item.json.amountNaira,
						0,
					);
					console.log(`  Successful total: NGN ${total.toLocaleString('en-US')}`);
					if (total !== expected.totalNaira) failures++;
				}
				console.log(`  ${ok ? 'OK' : `FAILED: expected ${JSON.stringify(expectedRuns)}`}`);
				if (!ok) failures++;
				if (expected.check) {
					const line = expected.check(runs, emulator);
					console.log(`  ${line}`);
					if (!line.startsWith('OK')) failures++;
				}
			}
			if (executions.length > 1) {
				// Only Changes Since Last Run keeps its record in n8n's database, not in the process.
				const rows = queryDatabase(
					home,
					'SELECT context, value FROM processed_data WHERE workflowId = ?',
					[stored.id],
				);
				const values = rows.flatMap(
					(row) => /** @type {string[]} */ (JSON.parse(row.value).data ?? []),
				);
				// Manual executions leave n8n's record as it was: no entry for this workflow.
				const inDatabase = values.length === 0;
				console.log(
					`  ${inDatabase ? 'OK' : 'FAILED:'} n8n's processed_data table holds ${values.length} entries for this workflow after three manual executions (${rows.map((row) => row.context).join(', ') || 'no row'}); 0 expected`,
				);
				if (!inDatabase) failures++;
			}
		}

		failures += await checkPinStorage(n8n.url, cookie, home);
		const n8nUrl = n8n.url;
		failures += await checkAgentAndMcp(
			{
				url: n8nUrl,
				api: (method, route, body) => api(n8nUrl, cookie, method, route, body),
				waitForExecution: (id) => waitForExecution(n8nUrl, cookie, id),
				parse,
			},
			openAi,
		);
		completed = true;
	} finally {
		await processes.stopAll();
		await emulator.stop();
		await openAi.stop();
		if (completed && failures === 0) fs.rmSync(home, { recursive: true, force: true });
		else console.log(`\nn8n's user folder and log are kept for a look: ${home}`);
	}
	console.log(failures === 0 ? '\ne2e: all checks passed' : `\ne2e: ${failures} check(s) failed`);
	process.exitCode = failures === 0 ? 0 : 1;
}

/** The one-time PINs of the emulator's seed batch 123456. */
const SEED_PINS = ['4321', '1234'];

/**
 * One-Time PINs in real n8n: for each mode, a workflow with the Interswitch Paycode node (the
 * version a user adds today) is run through n8n's REST API; then the execution as n8n returns it
 * (GET /rest/executions/:id) and as n8n stored it (the execution_data table of its database) are
 * searched for the PIN strings. n8n 2.41.1 without a licence does not redact execution data, so
 * Include must store them and Mask and Omit must not.
 */
async function checkPinStorage(
	/** @type {string} */ url,
	/** @type {string} */ cookie,
	/** @type {string} */ home,
) {
	console.log('\none-time PINs in saved executions (batch 123456; PINs 4321, 1234):');
	let failures = 0;
	for (const [mode, stored] of /** @type {Array<[string, boolean]>} */ ([
		['include', true],
		['mask', false],
		['omit', false],
		['(default)', false],
	])) {
		const parameters = {
			resource: 'bulkTokenBatch',
			operation: 'getStatus',
			referenceId: '123456',
			output: 'perToken',
		};
		const workflow = {
			name: `PIN storage check: ${mode}`,
			nodes: [
				{
					id: 'pin-start',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'pin-node',
					name: 'Interswitch Paycode',
					type: 'n8n-nodes-surepass-interswitch.interswitchPaycode',
					typeVersion: 1.1,
					position: [240, 0],
					parameters: mode === '(default)' ? parameters : { ...parameters, oneTimePins: mode },
					credentials: {
						interswitchPaycodeApi: {
							id: 'interswitch-emulator',
							name: 'Interswitch Paycode (local emulator)',
						},
					},
				},
			],
			connections: { Start: { main: [[{ node: 'Interswitch Paycode', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
			active: false,
		};
		const created = (await api(url, cookie, 'POST', '/rest/workflows', workflow)).data;
		const started = await api(url, cookie, 'POST', `/rest/workflows/${created.id}/run`, {
			workflowData: created,
			triggerToStartFrom: { name: 'Start' },
		});
		const executionId = started.data.executionId;
		const execution = await waitForExecution(url, cookie, executionId);
		// n8n keeps execution data as a "flatted" string, in the database and in the REST answer.
		const { parse } = require(path.join(n8nDir, 'node_modules', 'flatted'));
		const restText = JSON.stringify(parse(execution.data));
		const storedData = executionDataInDatabase(home, executionId);
		const dbText = storedData === '' ? '' : JSON.stringify(parse(storedData));
		const inRest = SEED_PINS.some((pin) => restText.includes(`"${pin}"`));
		const inDb = SEED_PINS.some((pin) => dbText.includes(`"${pin}"`));
		const ok =
			execution.status === 'success' &&
			storedData.length > 0 &&
			inRest === stored &&
			inDb === stored;
		console.log(
			`  ${ok ? 'ok  ' : 'FAIL'} ${mode}: PINs ${inDb ? 'found' : 'not found'} in execution_data (${storedData.length} bytes), ${inRest ? 'found' : 'not found'} in GET /rest/executions/${executionId}; expected ${stored ? 'found' : 'not found'}`,
		);
		if (!ok) failures++;
	}
	return failures;
}

/** The execution_data row of an execution, read from n8n's SQLite database. */
function executionDataInDatabase(/** @type {string} */ home, /** @type {string} */ executionId) {
	return queryDatabase(home, 'SELECT data FROM execution_data WHERE executionId = ?', [
		String(executionId),
	])
		.map((row) => row.data)
		.join('\n');
}

/**
 * Rows from n8n's SQLite database, read with n8n's own sqlite3 (built for Node 24, so in a Node 24
 * child process).
 * @param {string} home @param {string} sql @param {unknown[]} params @returns {any[]}
 */
function queryDatabase(home, sql, params) {
	const { spawnSync } = require('node:child_process');
	const database = path.join(home, '.n8n', 'database.sqlite');
	const script = `
		const sqlite3 = require(${JSON.stringify(path.join(n8nDir, 'node_modules', 'sqlite3'))});
		const db = new sqlite3.Database(${JSON.stringify(database)}, sqlite3.OPEN_READONLY);
		db.all(${JSON.stringify(sql)}, ${JSON.stringify(params)}, (error, rows) => {
			if (error) { console.error(error.message); process.exit(1); }
			process.stdout.write(JSON.stringify(rows));
			db.close();
		});`;
	const result = spawnSync(path.join(node24Bin, 'node'), ['-e', script], {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
	});
	if (result.status !== 0) throw new Error(`reading n8n's database failed: ${result.stderr}`);
	return JSON.parse(result.stdout || '[]');
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
