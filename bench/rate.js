// @ts-check
/**
 * `npm run bench:rate`: many orders against a vendor that limits its rate, measured through n8n's
 * engine with the built package. The emulator accepts at most LIMIT API requests in any WINDOW
 * (a sliding window, as Surepass documents 100 a minute; scaled down so the benchmark runs in
 * minutes) and answers 429 beyond, with or without Retry-After. Prints, per case: orders lost,
 * 429s ÷ requests, and wall time ÷ the floor (requests needed ÷ the vendor's rate). Targets from
 * the issue: 0 lost, at most 5% of requests answered 429, wall at most 1.15 × floor. Nothing fails
 * on them: it prints figures.
 *
 * BENCH_RATE_CASES='name|name' runs only those cases (see CASES); BENCH_DIST=<folder> measures another
 * build, such as an older commit's.
 */
const path = require('node:path');
const { buildIfNeeded, root } = require('../scripts/lib/build-if-needed');

const dist = process.env.BENCH_DIST
	? path.resolve(process.env.BENCH_DIST)
	: path.join(root, 'dist');
if (!process.env.BENCH_DIST) buildIfNeeded();
const { createHarness } = require('../test/harness/engine');
const { orderSummaryWorkflow } = require('../test/harness/workflows');
const { loadPackage } = require('../scripts/lib/package-types');
const { createEmulator } = require('../test/emulator');

/** The vendor's limit: LIMIT requests in any WINDOW_S seconds (Surepass: 100 in 60). */
const LIMIT = 20;
const WINDOW_S = 2;

/**
 * @typedef {object} Case
 * @property {string} name
 * @property {number} orders
 * @property {number} [perWindow] the credential's Requests per Minute (per window here): the vendor's by default
 * @property {number} [retryAfter] the vendor's Retry-After on a 429, in seconds
 * @property {number} [polls] with Wait for Completion: requests each order needs (it completes on the last)
 * @property {number} [executions] concurrent executions sharing the account, the orders split among them
 */
/** @type {Case[]} */
const CASES = [
	{ name: '60 orders', orders: 60 },
	{ name: '300 orders', orders: 300 },
	{ name: '60 orders, Retry-After', orders: 60, retryAfter: 1 },
	{ name: '300 orders, Retry-After', orders: 300, retryAfter: 1 },
	{ name: '60 orders, Wait for Completion (3 checks each)', orders: 60, polls: 3 },
	{ name: '300 orders, two executions sharing the account', orders: 300, executions: 2 },
	{ name: '300 orders, credential at twice the vendor limit', orders: 300, perWindow: 2 * LIMIT },
	{
		name: '300 orders, twice the vendor limit, Retry-After',
		orders: 300,
		perWindow: 2 * LIMIT,
		retryAfter: 1,
	},
];

async function main() {
	const { nodeTypes, credentialTypes } = loadPackage(dist);
	const harness = createHarness({ nodeTypes, credentialTypes });
	const only = process.env.BENCH_RATE_CASES?.split('|');
	/** @type {string[]} */
	const rows = [];
	for (const benchCase of CASES.filter((c) => !only || only.includes(c.name))) {
		const emulator = createEmulator();
		await emulator.start();
		try {
			emulator.limitRate({
				limit: LIMIT,
				windowMs: WINDOW_S * 1000,
				retryAfterSeconds: benchCase.retryAfter,
			});
			const credential = {
				...emulator.surepassCredential(),
				requestsPerMinute: benchCase.perWindow ?? LIMIT,
				rateLimitWindowSeconds: WINDOW_S,
			};
			const executions = benchCase.executions ?? 1;
			const polls = benchCase.polls ?? 1;
			const perExecution = Math.ceil(benchCase.orders / executions);
			const started = Date.now();
			const results = await Promise.all(
				Array.from({ length: executions }, (_, execution) => {
					const items = Array.from(
						{ length: Math.min(perExecution, benchCase.orders - execution * perExecution) },
						(_, i) => ({
							// An order that completes on its `polls`-th check, or one that is complete already.
							id:
								polls > 1
									? `bulk_stamp_v2_progress_${polls}_b${execution}x${i}`
									: 'bulk_stamp_v2_demoMixed00001',
						}),
					);
					return harness.run(
						orderSummaryWorkflow(
							items,
							polls > 1
								? { waitForCompletion: true, pollIntervalSeconds: 0.1, maxWaitSeconds: 3600 }
								: {},
						),
						{ credentials: { surepassApi: /** @type {any} */ (credential) } },
					);
				}),
			);
			const wallMs = Date.now() - started;
			let lost = 0;
			for (const result of results) {
				const items = result.outputs('Node').flat();
				const failed = new Set(
					items
						.filter((item) => item.error)
						.map((item) => /** @type {{ item: number }} */ (item.pairedItem).item),
				);
				const routed = new Set(
					items
						.filter((item) => !item.error)
						.map((item) => /** @type {{ item: number }} */ (item.pairedItem).item),
				);
				lost += failed.size + (result.error ? 1 : 0);
				// Every order must be routed (it completes), the wait included.
				if (polls > 1) lost += items.filter((item) => item.json.waitTimedOut === true).length;
				void routed;
			}
			const requests = emulator.requestsTo('surepass').length;
			const limited = emulator.stats.rateLimited;
			const needed = benchCase.orders * polls;
			// The floor: the requests needed, at the vendor's rate.
			const floorMs = (needed / LIMIT) * WINDOW_S * 1000;
			rows.push(
				`| ${benchCase.name} | ${lost} | ${limited} ÷ ${requests} = ${((limited / requests) * 100).toFixed(1)}% | ${(wallMs / 1000).toFixed(1)} s ÷ ${(floorMs / 1000).toFixed(1)} s = ${(wallMs / floorMs).toFixed(2)} |`,
			);
			console.log(rows.at(-1));
		} finally {
			await emulator.stop();
		}
	}
	console.log(
		`\nRate limit: the vendor accepts ${LIMIT} requests in any ${WINDOW_S} s and answers 429 beyond; the credential's rate is the vendor's unless said. Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.\n`,
	);
	console.log('| Case | Orders lost | 429s ÷ requests | Wall ÷ floor (requests ÷ rate) |');
	console.log('|---|---|---|---|');
	for (const row of rows) console.log(row);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
