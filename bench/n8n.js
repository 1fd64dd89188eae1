// @ts-check
/**
 * `npm run bench:n8n`: the package in the real n8n 2.41.1 (the install `npm run test:e2e` uses, on
 * Node 24) against the workflow a user builds without it — HTTP Request + Split Out — with the
 * emulator serving the identical bodies to both.
 *
 * Cases: one Surepass order of 100,000 stamps, one Paycode batch of 100,000 tokens (one item per
 * stamp or token), and 1,000 orders with 200 ms vendor latency at concurrency 5. The baseline for
 * Surepass is HTTP Request → three Split Out nodes (pending, available, failed: the three branches);
 * for Paycode, HTTP Request → two Split Out nodes (successful, failed), with the Bearer token the
 * script fetched from Passport in a header; for many orders, Split Out → HTTP Request with n8n's
 * batching (5 requests, then a pause of the vendor's latency: HTTP Request has no concurrency limit)
 * → the three Split Out nodes. Every workflow starts with a
 * production webhook that answers at once with the execution's ID.
 *
 * Each run starts a fresh `n8n start` (so peak memory belongs to one execution), resets the
 * process's peak RSS (/proc/<pid>/clear_refs) once n8n is ready, posts to the webhook, waits for
 * the execution, and reads: the sum of the nodes' execution times (n8n's own `executionTime` per
 * node run), the whole execution (stoppedAt − startedAt), the process's peak RSS (VmHWM) and the
 * bytes of execution data n8n saved (its stored, flatted form). The two variants alternate, RUNS
 * runs each (3 by default, BENCH_N8N_RUNS to change); the table shows medians and ours ÷ baseline.
 * Every run's items per branch are checked against what the emulator holds. A benchmark, not a
 * test: nothing fails on a figure. Figures go to bench/results/n8n-latest.json.
 *
 * BENCH_N8N_CASES=surepass,interswitch,many picks cases. BENCH_N8N_PROFILE=1 runs n8n under V8's
 * CPU profiler and prints, per run, where the execution's time went (the samples between the
 * execution's start and stop); the profiles stay in bench/results/n8n-profiles/.
 * BENCH_N8N_LATENCY_MS changes the many-orders latency (200 ms). BENCH_N8N_NODE_OPTIONS adds Node options to the n8n processes (e.g. a V8 heap setting to try).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
	ensureN8n,
	installPackage,
	importEmulatorCredentials,
	n8nCli,
	startN8n,
	n8nDir,
	N8N_VERSION,
} = require('../scripts/lib/n8n-env');
const { Processes, freePort } = require('../scripts/lib/processes');
const {
	ownerSession,
	waitForExecution,
	webhookAnswering,
	activateWebhookWorkflow,
	webhookServed,
} = require('../scripts/lib/n8n-rest');
const { createEmulator } = require('../test/emulator');
const { printProfile } = require('./lib/cpuprofile');
const { median, passportToken } = require('./lib/common');

const RUNS = Number(process.env.BENCH_N8N_RUNS ?? 3);
const ENTRIES = 100_000;
const ORDERS = 1_000;
const LATENCY_MS = Number(process.env.BENCH_N8N_LATENCY_MS ?? 200);
const CONCURRENCY = 5;
const PROFILES =
	process.env.BENCH_N8N_PROFILE === '1'
		? path.join(__dirname, 'results', 'n8n-profiles')
		: undefined;

const SUREPASS = { surepassApi: { id: 'surepass-emulator', name: 'Surepass (local emulator)' } };
const PAYCODE = {
	interswitchPaycodeApi: {
		id: 'interswitch-emulator',
		name: 'Interswitch Paycode (local emulator)',
	},
};
const PACKAGE = 'n8n-nodes-surepass-interswitch';

/**
 * @typedef {{ name: string, nodes: object[], connections: Record<string, any>, branches: Record<string, [string, number][]> }} Variant
 * branches: per branch name, the nodes and outputs whose items make it up.
 */

/** Chains nodes after the webhook pair: `links` are [from, to, fromOutput]. */
function workflow(
	/** @type {string} */ id,
	/** @type {string} */ name,
	/** @type {string} */ webhookPath,
	/** @type {object[]} */ nodes,
	/** @type {[string, string, number?][]} */ links,
) {
	/** @type {Record<string, { main: { node: string, type: string, index: number }[][] }>} */
	const connections = {};
	/** @type {[string, string, number?][]} */
	const all = [['Webhook', 'Answer with the execution ID', 0], ...links];
	for (const [from, to, output = 0] of all) {
		connections[from] ??= { main: [] };
		const main = connections[from].main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
	}
	return {
		id,
		name,
		active: false,
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveExecutionProgress: false,
		},
		nodes: [
			...webhookAnswering(id.slice(-2), webhookPath, `bench-${webhookPath}`),
			...nodes.map((node, index) => ({
				id: `${id}-${index}`,
				position: [400 + 200 * index, 0],
				...node,
			})),
		],
		connections,
	};
}

/** Split Out of one list into items, optionally naming the field (plain strings need a name). */
function splitOut(
	/** @type {string} */ name,
	/** @type {string} */ field,
	/** @type {string} */ destination = '',
) {
	return {
		name,
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		parameters: {
			fieldToSplitOut: field,
			options: destination ? { destinationFieldName: destination } : {},
		},
	};
}

/** HTTP Request (n8n's default version) with headers, and a JSON body or a query. */
function httpRequest(
	/** @type {string} */ name,
	/** @type {{ method: string, url: string, headers: Record<string, string>, jsonBody?: string, query?: Record<string, string>, batching?: { batchSize: number, batchInterval: number } }} */ r,
) {
	/** @type {Record<string, unknown>} */
	const parameters = {
		method: r.method,
		url: r.url,
		sendHeaders: true,
		headerParameters: {
			parameters: Object.entries(r.headers).map(([key, value]) => ({ name: key, value })),
		},
		options: r.batching ? { batching: { batch: r.batching } } : {},
	};
	if (r.query)
		Object.assign(parameters, {
			sendQuery: true,
			queryParameters: {
				parameters: Object.entries(r.query).map(([key, value]) => ({ name: key, value })),
			},
		});
	if (r.jsonBody)
		Object.assign(parameters, {
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody: r.jsonBody,
		});
	return { name, type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters };
}

/** @param {{ url: string, contextUrl: string, surepassToken: string, bearer: string }} vendor @returns {any[]} */
function cases(vendor) {
	const summaryUrl = `${vendor.url}/api/v1/stamper-v2/bulk-stamp-order-summary`;
	const surepassHeaders = { Authorization: `Bearer ${vendor.surepassToken}` };
	const stampBranches = /** @type {const} */ (['pending', 'available', 'failed']);
	const stampSplits = stampBranches.map((branch) =>
		splitOut(`Split ${branch}`, `data.summary.${branch}.stamps`, 'stampId'),
	);
	/** @type {Record<string, [string, number][]>} */
	const stampsOurs = {
		pending: [['Surepass Stamp', 0]],
		available: [['Surepass Stamp', 1]],
		failed: [['Surepass Stamp', 2]],
	};
	/** @type {Record<string, [string, number][]>} */
	const stampsBaseline = Object.fromEntries(
		stampBranches.map((branch) => [branch, [[`Split ${branch}`, 0]]]),
	);
	const surepassNode = (/** @type {string} */ bulkOrderId) => ({
		name: 'Surepass Stamp',
		type: `${PACKAGE}.surepassStamp`,
		typeVersion: 1.1,
		credentials: SUREPASS,
		parameters: {
			resource: 'bulkStampOrder',
			operation: 'getSummary',
			bulkOrderId,
			output: 'perStamp',
			options: {},
		},
	});
	const largeOrder = `bulk_stamp_v2_large_${ENTRIES}`;
	const largeBatch = `large_${ENTRIES}`;
	const failedTokens = Math.floor(ENTRIES / 20);
	const orders = Array.from({ length: ORDERS }, (_, i) => `bulk_stamp_v2_load_${i}`);
	return [
		{
			key: 'surepass',
			title: `Surepass, ${ENTRIES.toLocaleString('en-US')} stamps`,
			body: {},
			warm: () =>
				fetch(summaryUrl, {
					method: 'POST',
					headers: { ...surepassHeaders, 'content-type': 'application/json' },
					body: JSON.stringify({ client_id: largeOrder }),
				}),
			expected: { pending: ENTRIES / 10, available: (ENTRIES * 8) / 10, failed: ENTRIES / 10 },
			ours: {
				workflow: workflow(
					'BenchSurepassOurs',
					'Bench: Surepass Stamp, one large order',
					'bench-surepass-ours',
					[surepassNode(largeOrder)],
					[['Answer with the execution ID', 'Surepass Stamp']],
				),
				branches: stampsOurs,
			},
			baseline: {
				workflow: workflow(
					'BenchSurepassBase',
					'Bench: HTTP Request + Split Out, one large order',
					'bench-surepass-baseline',
					[
						httpRequest('HTTP Request', {
							method: 'POST',
							url: summaryUrl,
							headers: surepassHeaders,
							jsonBody: JSON.stringify({ client_id: largeOrder }),
						}),
						...stampSplits,
					],
					[
						['Answer with the execution ID', 'HTTP Request'],
						...stampBranches.map(
							(branch) => /** @type {[string, string]} */ (['HTTP Request', `Split ${branch}`]),
						),
					],
				),
				branches: stampsBaseline,
			},
		},
		{
			key: 'interswitch',
			title: `Interswitch, ${ENTRIES.toLocaleString('en-US')} tokens (PINs included)`,
			body: {},
			warm: () =>
				fetch(
					`${vendor.contextUrl}/pwm/bulk/tokens/comprehensive/status?referenceId=${largeBatch}&frontEndPartner=455`,
					{ headers: { Authorization: `Bearer ${vendor.bearer}` } },
				),
			expected: { pending: 0, successful: ENTRIES - failedTokens, failed: failedTokens },
			ours: {
				workflow: workflow(
					'BenchPaycodeOurs',
					'Bench: Interswitch Paycode, one large batch',
					'bench-paycode-ours',
					[
						{
							name: 'Interswitch Paycode',
							type: `${PACKAGE}.interswitchPaycode`,
							typeVersion: 1.2,
							credentials: PAYCODE,
							parameters: {
								resource: 'bulkTokenBatch',
								operation: 'getStatus',
								referenceId: largeBatch,
								output: 'perToken',
								oneTimePins: 'include',
								options: {},
							},
						},
					],
					[['Answer with the execution ID', 'Interswitch Paycode']],
				),
				branches: {
					pending: [['Interswitch Paycode', 0]],
					successful: [['Interswitch Paycode', 1]],
					failed: [['Interswitch Paycode', 2]],
				},
			},
			baseline: {
				workflow: workflow(
					'BenchPaycodeBase',
					'Bench: HTTP Request + Split Out, one large batch',
					'bench-paycode-baseline',
					[
						httpRequest('HTTP Request', {
							method: 'GET',
							url: `${vendor.contextUrl}/pwm/bulk/tokens/comprehensive/status`,
							headers: { Authorization: `Bearer ${vendor.bearer}` },
							query: { referenceId: largeBatch, frontEndPartner: '455' },
						}),
						splitOut('Split successful', 'successful'),
						splitOut('Split failed', 'failed'),
					],
					[
						['Answer with the execution ID', 'HTTP Request'],
						['HTTP Request', 'Split successful'],
						['HTTP Request', 'Split failed'],
					],
				),
				branches: {
					pending: [],
					successful: [['Split successful', 0]],
					failed: [['Split failed', 0]],
				},
			},
		},
		{
			key: 'many',
			title: `${ORDERS.toLocaleString('en-US')} orders, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}`,
			body: { orders },
			latencyMs: LATENCY_MS,
			floorMs: (ORDERS * LATENCY_MS) / CONCURRENCY,
			expected: { pending: 0, available: ORDERS, failed: 0 },
			ours: {
				workflow: workflow(
					'BenchManyOurs',
					'Bench: Surepass Stamp, many orders',
					'bench-many-ours',
					[
						splitOut('Orders', 'body.orders', 'bulkOrderId'),
						surepassNode('={{ $json.bulkOrderId }}'),
					],
					[
						['Answer with the execution ID', 'Orders'],
						['Orders', 'Surepass Stamp'],
					],
				),
				branches: stampsOurs,
			},
			baseline: {
				workflow: workflow(
					'BenchManyBase',
					'Bench: HTTP Request + Split Out, many orders',
					'bench-many-baseline',
					[
						splitOut('Orders', 'body.orders', 'bulkOrderId'),
						httpRequest('HTTP Request', {
							method: 'POST',
							url: summaryUrl,
							headers: surepassHeaders,
							jsonBody: '={{ JSON.stringify({ client_id: $json.bulkOrderId }) }}',
							// HTTP Request has no concurrency limit: its batching starts 5 requests, waits, starts
							// the next 5. Waiting the vendor's latency between batches sends at the same rate as
							// 5 at a time would.
							batching: { batchSize: CONCURRENCY, batchInterval: LATENCY_MS },
						}),
						...stampSplits,
					],
					[
						['Answer with the execution ID', 'Orders'],
						['Orders', 'HTTP Request'],
						...stampBranches.map(
							(branch) => /** @type {[string, string]} */ (['HTTP Request', `Split ${branch}`]),
						),
					],
				),
				branches: stampsBaseline,
			},
		},
	];
}

/** The process's peak resident memory since the last reset, in bytes. */
function peakRss(/** @type {number} */ pid) {
	const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	if (!match) throw new Error(`no VmHWM for process ${pid}`);
	return Number(match[1]) * 1024;
}

async function main() {
	const only = process.env.BENCH_N8N_CASES?.split(',');
	console.log(
		`n8n ${N8N_VERSION}: this package vs HTTP Request + Split Out, ${RUNS} runs each, alternating\n`,
	);
	const bin = ensureN8n();
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-'));
	installPackage(home);
	const { parse } = require(path.join(n8nDir, 'node_modules', 'flatted'));

	const emulator = createEmulator();
	const url = await emulator.start(0, '127.0.0.1');
	const interswitch = emulator.interswitchCredential();
	// The baseline's Bearer token, from Passport as a user's OAuth2 credential would get it.
	const bearer = await passportToken(interswitch);
	const vendor = {
		url,
		contextUrl: interswitch.contextUrl,
		surepassToken: emulator.surepassCredential().token,
		bearer,
	};

	const selected = cases(vendor).filter((c) => !only || only.includes(c.key));
	const port = await freePort();
	importEmulatorCredentials(bin, home, port, emulator);
	const workflows = selected.flatMap((c) => [c.ours, c.baseline].map((v) => v.workflow));
	const file = path.join(home, 'bench-workflows.json');
	fs.writeFileSync(file, JSON.stringify(workflows));
	n8nCli(bin, home, ['import:workflow', `--input=${file}`], port);

	const processes = new Processes();
	/** @type {any[]} */
	const results = [];
	let activated = false;
	try {
		for (const benchCase of selected) {
			// The emulator builds a large body on its first request and keeps it: build it before
			// measuring, so that neither variant's first run waits for it.
			if (benchCase.warm) await (await benchCase.warm()).text();
			emulator.latencyMs = benchCase.latencyMs ?? 0;
			/** @type {Record<'ours' | 'baseline', { nodeMs: number, executionMs: number, rssBytes: number, savedBytes: number, maxInFlight: number }[]>} */
			const runs = { ours: [], baseline: [] };
			for (let run = 0; run < RUNS; run++) {
				/** @type {('ours' | 'baseline')[]} */
				const order = run % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
				for (const variant of order) {
					const spec = benchCase[variant];
					const webhookPath = spec.workflow.nodes[0].parameters.path;
					const name = `n8n-${benchCase.key}-${variant}-${run + 1}`;
					const profileDir = PROFILES && path.join(PROFILES, name);
					const nodeOptions = [
						process.env.BENCH_N8N_NODE_OPTIONS,
						profileDir && `--cpu-prof --cpu-prof-dir=${profileDir}`,
					]
						.filter(Boolean)
						.join(' ');
					const env = nodeOptions ? { NODE_OPTIONS: nodeOptions } : {};
					const n8n = await startN8n(processes, bin, home, port, { name, env });
					const cookie = await ownerSession(n8n.url);
					if (!activated) {
						for (const w of workflows)
							await activateWebhookWorkflow(n8n.url, cookie, w.id, w.nodes[0].parameters.path);
						activated = true;
					}
					await webhookServed(n8n.url, webhookPath);
					const pid = /** @type {number} */ (n8n.child.pid);
					emulator.resetStats();
					// From here on, VmHWM is the peak of this execution (and of n8n idling beside it).
					fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
					const response = await fetch(`${n8n.url}/webhook/${webhookPath}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(benchCase.body),
					});
					const { executionId } = /** @type {{ executionId: string }} */ (await response.json());
					const execution = await waitForExecution(n8n.url, cookie, executionId, 600_000);
					const rssBytes = peakRss(pid);
					await processes.stop(n8n);
					const exitedAt = Date.now();
					if (execution.status !== 'success')
						throw new Error(
							`${benchCase.title}, ${variant}: execution ${executionId} ended ${execution.status}`,
						);
					const data = parse(execution.data);
					const runData = data.resultData.runData;
					let nodeMs = 0;
					for (const nodeRuns of Object.values(runData))
						for (const nodeRun of /** @type {any[]} */ (nodeRuns)) nodeMs += nodeRun.executionTime;
					/** @type {Record<string, number>} */
					const counts = {};
					for (const [branch, sources] of Object.entries(spec.branches)) {
						counts[branch] = 0;
						for (const [node, output] of sources)
							counts[branch] += runData[node]?.[0]?.data?.main?.[output]?.length ?? 0;
					}
					for (const [branch, count] of Object.entries(benchCase.expected)) {
						if ((counts[branch] ?? 0) !== count)
							throw new Error(
								`${benchCase.title}, ${variant}: ${branch} has ${counts[branch]} items, the emulator holds ${count}`,
							);
					}
					const figures = {
						nodeMs,
						executionMs: Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt),
						rssBytes,
						savedBytes: Buffer.byteLength(execution.data),
						maxInFlight: emulator.stats.maxInFlight,
					};
					runs[variant].push(figures);
					if (profileDir) profileExecution(profileDir, pid, execution, exitedAt);
					console.log(
						`${benchCase.title}, ${variant === 'ours' ? 'this package' : 'HTTP Request + Split Out'}, run ${run + 1}: nodes ${nodeMs} ms, execution ${figures.executionMs} ms, peak RSS ${(rssBytes / 2 ** 20).toFixed(0)} MB, saved ${(figures.savedBytes / 2 ** 20).toFixed(1)} MB, most in flight ${figures.maxInFlight}`,
					);
				}
			}
			results.push({
				key: benchCase.key,
				title: benchCase.title,
				entries: Object.values(benchCase.expected).reduce((a, b) => a + b, 0),
				floorMs: benchCase.floorMs,
				runs,
			});
		}
	} finally {
		await processes.stopAll();
		await emulator.stop();
	}
	printTable(results);
	fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
	fs.writeFileSync(
		path.join(__dirname, 'results', 'n8n-latest.json'),
		`${JSON.stringify({ date: new Date().toISOString(), n8n: N8N_VERSION, runs: RUNS, machine: `${os.cpus()[0]?.model}, ${os.cpus().length} cores`, results }, null, 2)}\n`,
	);
	fs.rmSync(home, { recursive: true, force: true });
}

/**
 * Prints where the execution's time went: the samples of n8n's profile (written at exit) between
 * the execution's start and stop, placed on the profile's clock from the moment the process exited.
 * @param {string} dir @param {number} pid @param {any} execution @param {number} exitedAt
 */
function profileExecution(dir, pid, execution, exitedAt) {
	const file = fs
		.readdirSync(dir)
		.find((name) => name.includes(`.${pid}.`) && name.endsWith('.cpuprofile'));
	if (!file) return console.log(`(no profile of process ${pid} in ${dir})`);
	const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
	const from = profile.endTime - (exitedAt - Date.parse(execution.startedAt)) * 1000;
	const to = profile.endTime - (exitedAt - Date.parse(execution.stoppedAt)) * 1000;
	printProfile(profile, { from, to });
	console.log(`profile: ${path.join(dir, file)}\n`);
}

/** @param {any[]} results */
function printTable(results) {
	const ms = (/** @type {number} */ v) => `${Math.round(v).toLocaleString('en-US')} ms`;
	const mb = (/** @type {number} */ v) => `${(v / 2 ** 20).toFixed(v < 10 * 2 ** 20 ? 1 : 0)} MB`;
	/** @type {[string, string, (v: number) => string][]} */
	const metrics = [
		['nodeMs', 'node execution time (sum)', ms],
		['executionMs', 'whole execution', ms],
		['rssBytes', 'peak RSS of n8n', mb],
		['savedBytes', 'saved execution data', mb],
	];
	console.log(`\nMedians of ${RUNS} runs each, n8n ${N8N_VERSION}, ${os.cpus().length} cores.\n`);
	console.log(
		'| Case | Measure | HTTP Request + Split Out | this package | this package ÷ baseline |',
	);
	console.log('|---|---|---|---|---|');
	for (const result of results) {
		for (const [index, [key, label, format]] of metrics.entries()) {
			const ours = median(result.runs.ours.map((/** @type {any} */ r) => r[key]));
			const base = median(result.runs.baseline.map((/** @type {any} */ r) => r[key]));
			console.log(
				`| ${index === 0 ? result.title : ''} | ${label} | ${format(base)} | ${format(ours)} | ${(ours / base).toFixed(2)} |`,
			);
		}
		if (result.floorMs) {
			const ours = median(result.runs.ours.map((/** @type {any} */ r) => r.executionMs));
			console.log(
				`| | whole execution ÷ floor N·L/C (${ms(result.floorMs)}) | ${(median(result.runs.baseline.map((/** @type {any} */ r) => r.executionMs)) / result.floorMs).toFixed(2)} | ${(ours / result.floorMs).toFixed(2)} | |`,
			);
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
