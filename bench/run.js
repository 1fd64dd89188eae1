// @ts-check
/**
 * `npm run bench`: each case through n8n's engine (WorkflowExecute, as the tests run it) with the
 * built package, against the emulator on loopback in a child process, several times. Prints a
 * table (median and min–max time, the floor measured in this same process, the ratio, peak memory)
 * and writes the figures to bench/results/latest.json. A benchmark, not a test: nothing fails on a
 * time. BENCH_QUICK=1 runs fewer repetitions and no 1,000,000-entry case.
 */
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildIfNeeded, root } = require('../scripts/lib/build-if-needed');

buildIfNeeded();
const { createHarness } = require('../test/harness/engine');
const { singleNodeWorkflow } = require('../test/harness/workflows');
const { loadPackage } = require('../scripts/lib/package-types');
const { median, passportToken } = require('./lib/common');

const QUICK = process.env.BENCH_QUICK === '1';
const gc = /** @type {() => void} */ (/** @type {any} */ (globalThis).gc);
if (typeof gc !== 'function') throw new Error('Run with --expose-gc (npm run bench does)');

/** @type {import('node:child_process').ChildProcess} */
let child;
/** @param {object} message @returns {Promise<any>} */
function ask(message) {
	return new Promise((resolve) => {
		child.once('message', resolve);
		child.send(message);
	});
}

/** Measures a function's wall time and the peak heap above what was live before it. */
async function measure(/** @type {() => Promise<unknown>} */ fn) {
	gc();
	const base = process.memoryUsage().heapUsed;
	let peak = base;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().heapUsed);
	}, 2);
	const started = process.hrtime.bigint();
	const kept = await fn();
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().heapUsed);
	void kept;
	return { ms, peakMb: (peak - base) / 1024 / 1024 };
}

/** Fetches a body from the emulator as a client would, to measure the floor on the identical bytes. */
async function fetchBody(/** @type {string} */ url, /** @type {RequestInit} */ init) {
	const response = await fetch(url, init);
	return await response.text();
}

async function main() {
	child = fork(path.join(__dirname, 'emulator-process.js'), [], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const { url, surepass, interswitch } = await new Promise((resolve) =>
		child.once('message', resolve),
	);
	const { nodeTypes, credentialTypes } = loadPackage(path.join(root, 'dist'));
	const harness = createHarness({ nodeTypes, credentialTypes });
	/** @type {any[]} */
	const results = [];

	const runs = QUICK ? 3 : 5;
	const sizes = QUICK ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000];

	const fanOut = {
		'Fan-out, Surepass': {
			workflow: (/** @type {number} */ size) =>
				singleNodeWorkflow({
					type: 'surepassStamp',
					typeVersion: 1.1,
					credentialType: 'surepassApi',
					name: 'Node',
					parameters: {
						resource: 'bulkStampOrder',
						operation: 'getSummary',
						bulkOrderId: `bulk_stamp_v2_large_${size}`,
					},
					items: [{}],
				}),
			credentials: { surepassApi: surepass },
			body: (/** @type {number} */ size) =>
				fetchBody(`${url}/api/v1/stamper-v2/bulk-stamp-order-summary`, {
					method: 'POST',
					headers: {
						authorization: `Bearer ${surepass.token}`,
						'content-type': 'application/json',
					},
					body: JSON.stringify({ client_id: `bulk_stamp_v2_large_${size}` }),
				}),
			floor: (/** @type {string} */ body) => {
				const parsed = JSON.parse(body);
				const out = [];
				for (const [status, branch] of Object.entries(parsed.data.summary)) {
					for (const stampId of /** @type {{ stamps: string[] }} */ (branch).stamps)
						out.push({ stampId, status });
				}
				return out;
			},
		},
		'Fan-out, Interswitch': {
			workflow: (/** @type {number} */ size) =>
				singleNodeWorkflow({
					type: 'interswitchPaycode',
					typeVersion: 1.2,
					credentialType: 'interswitchPaycodeApi',
					name: 'Node',
					parameters: {
						resource: 'bulkTokenBatch',
						operation: 'getStatus',
						referenceId: `large_${size}`,
					},
					items: [{}],
				}),
			credentials: { interswitchPaycodeApi: interswitch },
			body: async (/** @type {number} */ size) => {
				const token = await passportToken(interswitch);
				return await fetchBody(
					`${interswitch.contextUrl}/pwm/bulk/tokens/comprehensive/status?referenceId=large_${size}&frontEndPartner=455`,
					{
						headers: { authorization: `Bearer ${token}` },
					},
				);
			},
			floor: (/** @type {string} */ body) => {
				const parsed = JSON.parse(body);
				const out = [];
				for (const status of ['successful', 'failed']) {
					for (const token of parsed[status]) out.push({ ...token, status });
				}
				return out;
			},
		},
	};

	for (const [name, spec] of Object.entries(fanOut)) {
		for (const size of sizes) {
			const body = await spec.body(size);
			const repetitions = size >= 1_000_000 ? Math.min(3, runs) : runs;
			const times = [];
			const peaks = [];
			const floors = [];
			const floorPeaks = [];
			// One warm-up of each, not counted.
			spec.floor(body);
			await harness.run(spec.workflow(size), {
				credentials: /** @type {any} */ (spec.credentials),
			});
			for (let i = 0; i < repetitions; i++) {
				const floor = await measure(async () => spec.floor(body));
				floors.push(floor.ms);
				floorPeaks.push(floor.peakMb);
				const run = await measure(async () => {
					const result = await harness.run(spec.workflow(size), {
						credentials: /** @type {any} */ (spec.credentials),
					});
					const outputs = result.outputs('Node');
					const count = outputs.reduce((total, items) => total + items.length, 0);
					if (result.error || count < size)
						throw new Error(`${name} ${size}: ${count} items, error ${String(result.error)}`);
					return outputs;
				});
				times.push(run.ms);
				peaks.push(run.peakMb);
			}
			const row = {
				case: size === 100_000 ? name : `Scaling, ${name.replace('Fan-out, ', '')}`,
				size,
				unit: name.includes('Surepass') ? 'stamps' : 'tokens',
				medianMs: median(times),
				minMs: Math.min(...times),
				maxMs: Math.max(...times),
				floorMs: median(floors),
				ratio: median(times) / median(floors),
				peakMb: median(peaks),
				floorPeakMb: median(floorPeaks),
				memoryRatio: median(peaks) / median(floorPeaks),
				perEntryUs: (median(times) * 1000) / size,
			};
			results.push(row);
			print(row);
		}
	}

	// Many orders: 1,000 input items, each its own order, 20 ms of latency on every answer.
	await ask({ type: 'latency', ms: 20 });
	for (const concurrency of [5, 10]) {
		const items = Array.from({ length: 1000 }, (_, n) => ({ id: `bulk_stamp_v2_load_${n}` }));
		const workflow = singleNodeWorkflow({
			type: 'surepassStamp',
			typeVersion: 1.1,
			credentialType: 'surepassApi',
			name: 'Node',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: '={{ $json.id }}',
				options: { maxConcurrency: concurrency },
			},
			items,
		});
		const times = [];
		let maxInFlight = 0;
		for (let i = 0; i < runs; i++) {
			await ask({ type: 'reset' });
			const run = await measure(async () =>
				harness.run(workflow, { credentials: { surepassApi: surepass } }),
			);
			times.push(run.ms);
			maxInFlight = Math.max(maxInFlight, (await ask({ type: 'stats' })).stats.maxInFlight);
		}
		const floorMs = (1000 * 20) / concurrency;
		const row = {
			case: 'Many orders',
			size: 1000,
			unit: `orders, concurrency ${concurrency}`,
			medianMs: median(times),
			minMs: Math.min(...times),
			maxMs: Math.max(...times),
			floorMs,
			ratio: median(times) / floorMs,
			maxInFlight,
		};
		results.push(row);
		print(row);
	}
	await ask({ type: 'latency', ms: 0 });

	// Polling: a batch that completes on the 5th request, checked every 20 ms.
	{
		const polls = 5;
		await ask({ type: 'reset' });
		const workflow = singleNodeWorkflow({
			type: 'surepassStamp',
			typeVersion: 1.1,
			credentialType: 'surepassApi',
			name: 'Node',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: `bulk_stamp_v2_progress_${polls}_bench`,
				waitForCompletion: true,
				pollIntervalSeconds: 0.02,
				maxWaitSeconds: 60,
			},
			items: [{}],
		});
		const run = await measure(async () =>
			harness.run(workflow, { credentials: { surepassApi: surepass } }),
		);
		const requests = (await ask({ type: 'stats' })).stats.requests;
		const row = {
			case: 'Polling',
			size: polls,
			unit: 'requests needed',
			medianMs: run.ms,
			minMs: run.ms,
			maxMs: run.ms,
			floorMs: (polls - 1) * 20,
			ratio: run.ms / ((polls - 1) * 20),
			requests,
			minimumRequests: polls,
		};
		results.push(row);
		print(row);
	}

	await ask({ type: 'stop' }).catch(() => undefined);
	const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
	const report = { date: new Date().toISOString(), machine, quick: QUICK, runs, results };
	fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
	fs.writeFileSync(
		path.join(__dirname, 'results', 'latest.json'),
		`${JSON.stringify(report, null, 2)}\n`,
	);
	console.log(`\n${table(report)}\n\nWritten to bench/results/latest.json`);
	if (process.env.BENCH_UPDATE_README === '1') {
		// docs/PERFORMANCE.md shows the latest full run: `BENCH_UPDATE_README=1 npm run bench`.
		const readmePath = path.join(root, 'docs', 'PERFORMANCE.md');
		const readme = fs.readFileSync(readmePath, 'utf8');
		const start = '<!-- bench:start -->';
		const end = '<!-- bench:end -->';
		const from = readme.indexOf(start);
		const to = readme.indexOf(end);
		if (from < 0 || to < 0) throw new Error('docs/PERFORMANCE.md has no bench markers');
		const block = `${start}\nMeasured ${report.date.slice(0, 10)} with \`npm run bench\`.\n\n${table(report)}\n${end}`;
		fs.writeFileSync(readmePath, readme.slice(0, from) + block + readme.slice(to + end.length));
		console.log('docs/PERFORMANCE.md updated');
	}
}

/** @param {any} row */
function print(row) {
	process.stderr.write(
		`${row.case} ${row.size}: median ${row.medianMs.toFixed(0)} ms, floor ${row.floorMs.toFixed(0)} ms, ratio ${row.ratio.toFixed(2)}${row.peakMb !== undefined ? `, peak ${row.peakMb.toFixed(0)} MB (floor ${row.floorPeakMb.toFixed(0)} MB)` : ''}\n`,
	);
}

/** @param {any} report */
function table(report) {
	const lines = [
		`Machine: ${report.machine}. ${report.runs} runs per case (3 at 1,000,000 entries); times are medians.`,
		'',
		'| Case | Size | Median | Min–max | Floor | Ratio to floor | Peak memory (floor) | Notes |',
		'|---|---|---|---|---|---|---|---|',
	];
	for (const row of report.results) {
		const memory =
			row.peakMb === undefined
				? '—'
				: `${row.peakMb.toFixed(0)} MB (${row.floorPeakMb.toFixed(0)} MB, ${row.memoryRatio.toFixed(2)}×)`;
		let notes = '';
		if (row.perEntryUs !== undefined) notes = `${row.perEntryUs.toFixed(2)} µs per entry`;
		if (row.maxInFlight !== undefined) notes = `most in flight: ${row.maxInFlight}`;
		if (row.requests !== undefined)
			notes = `${row.requests} requests, minimum ${row.minimumRequests}`;
		lines.push(
			`| ${row.case} | ${row.size.toLocaleString('en-US')} ${row.unit} | ${fmt(row.medianMs)} | ${fmt(row.minMs)}–${fmt(row.maxMs)} | ${fmt(row.floorMs)} | ${row.ratio.toFixed(2)}× | ${memory} | ${notes} |`,
		);
	}
	return lines.join('\n');
}

/** @param {number} ms */
function fmt(ms) {
	return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

main().catch((error) => {
	console.error(error);
	child?.kill();
	process.exitCode = 1;
});
