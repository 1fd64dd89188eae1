// @ts-check
/**
 * `npm run bench:rate`: many orders against vendors that count their rate limit in different ways,
 * through n8n's engine with the built package, on the real clock. The credential is left at its
 * default (100 requests a minute, a 60 s window) while the emulator counts as each vendor shape of
 * test/emulator/rate-limits.js does: 100 in any 60 s, 10 in any 6 s, 2 per calendar second, one
 * per 600 ms, a token bucket (burst 20, 100 a minute), each with and without Retry-After; 120 and
 * 600 orders, and 600 split between two executions sharing the account. One more case has the
 * vendor allow half the credential's rate (another system uses the account).
 *
 * Prints, per case: orders lost, 429s ÷ requests, and wall time ÷ the earliest finish, both the
 * earliest that server allows and the earliest it allows to a client that keeps the credential's
 * 100 in any minute (the package never sends more than the credential allows). Targets: 0 lost;
 * wall ≤ 1.15 × the earliest (1.3 × for the vendor that takes no burst); 429s ≤ 5% (10%). Nothing
 * fails on them: it prints figures.
 *
 * The cases run at the same time, each on its own emulator and account (about 13 minutes in all,
 * as long as the longest: 600 orders against the vendor that allows 50 a minute). BENCH_RATE_CASES='text|text' runs only the cases whose name contains one of
 * them; BENCH_RATE_SERIAL=1 runs them one after another (over two hours); BENCH_DIST=<folder>
 * measures another build, such as an older commit's.
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
const { earliestFinish, slidingWindow, vendorShapes } = require('../test/emulator/rate-limits');

/** The credential's default: 100 requests in any 60 s. */
const CREDENTIAL = { limit: 100, windowMs: 60_000 };

/**
 * @typedef {object} Case
 * @property {string} name
 * @property {() => (at: number) => import('../test/emulator/rate-limits').VendorAnswer} vendor
 * @property {boolean} noBurst
 * @property {number} orders
 * @property {number} executions concurrent executions sharing the account, the orders split among them
 */

/** @returns {Case[]} */
function cases() {
	/** @type {Case[]} */
	const all = [];
	for (const retryAfter of [false, true]) {
		const shapes = [
			...vendorShapes({ retryAfter }),
			{
				name: '50 in any 60 s (half the credential: another system uses the account)',
				noBurst: false,
				vendor: () =>
					slidingWindow(50, 60_000, (ms) =>
						retryAfter ? { retryAfterS: Math.max(1, Math.ceil(ms / 1000)) } : {},
					),
			},
		];
		for (const shape of shapes) {
			for (const [orders, executions] of [
				[120, 1],
				[600, 1],
				[600, 2],
			]) {
				all.push({
					name: `${shape.name}${retryAfter ? ', Retry-After' : ''}; ${orders} orders${executions > 1 ? ', two executions' : ''}`,
					vendor: shape.vendor,
					noBurst: shape.noBurst === true,
					orders,
					executions,
				});
			}
		}
	}
	return all;
}

/** @param {any} harness @param {Case} benchCase */
async function measure(harness, benchCase) {
	const emulator = createEmulator();
	await emulator.start();
	try {
		emulator.limitRate({ vendor: benchCase.vendor() });
		// The credential at its default: Requests per Minute 100, the window 60 s.
		const credential = { ...emulator.surepassCredential(), requestsPerMinute: CREDENTIAL.limit };
		const { executions, orders } = benchCase;
		const perExecution = Math.ceil(orders / executions);
		const started = Date.now();
		const results = await Promise.all(
			Array.from({ length: executions }, (_, execution) =>
				harness.run(
					orderSummaryWorkflow(
						Array.from(
							{ length: Math.min(perExecution, orders - execution * perExecution) },
							() => ({ id: 'bulk_stamp_v2_demoMixed00001' }),
						),
					),
					{ credentials: { surepassApi: credential } },
				),
			),
		);
		const wallMs = Date.now() - started;
		// An order is lost unless it was routed: an error item, or none, counts.
		let lost = 0;
		results.forEach((result, execution) => {
			const count = Math.min(perExecution, orders - execution * perExecution);
			const routed = new Set(
				result
					.outputs('Node')
					.flat()
					.filter((/** @type {any} */ item) => !item.error)
					.map((/** @type {any} */ item) => item.pairedItem.item),
			);
			lost += result.error ? count : count - routed.size;
		});
		const requests = emulator.requestsTo('surepass').length;
		return {
			lost,
			requests,
			refused: emulator.stats.rateLimited,
			wallMs,
			server: earliestFinish(benchCase.vendor(), orders),
			withCredential: earliestFinish(benchCase.vendor(), orders, CREDENTIAL),
		};
	} finally {
		await emulator.stop();
	}
}

/** @param {Case} benchCase @param {Awaited<ReturnType<typeof measure>>} m */
function row(benchCase, m) {
	const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
	const share = m.refused / Math.max(1, m.requests);
	const ratio = m.wallMs / m.withCredential;
	const within =
		m.lost === 0 &&
		ratio <= (benchCase.noBurst ? 1.3 : 1.15) &&
		share <= (benchCase.noBurst ? 0.1 : 0.05);
	return `| ${benchCase.name} | ${m.lost} | ${m.refused} ÷ ${m.requests} = ${(share * 100).toFixed(1)}% | ${seconds(m.wallMs)} | ${seconds(m.server)} (${(m.wallMs / m.server).toFixed(2)}) | ${seconds(m.withCredential)} (${ratio.toFixed(2)}) | ${within ? 'yes' : '**no**'} |`;
}

async function main() {
	const { nodeTypes, credentialTypes } = loadPackage(dist);
	const harness = createHarness({ nodeTypes, credentialTypes });
	const only = process.env.BENCH_RATE_CASES?.split('|');
	const selected = cases().filter((c) => !only || only.some((text) => c.name.includes(text)));
	const started = Date.now();
	/** @type {string[]} */
	const rows = [];
	if (process.env.BENCH_RATE_SERIAL) {
		for (const benchCase of selected) {
			rows.push(row(benchCase, await measure(harness, benchCase)));
			console.log(rows.at(-1));
		}
	} else {
		const measured = await Promise.all(
			selected.map(async (benchCase) => {
				const result = row(benchCase, await measure(harness, benchCase));
				console.log(result);
				return result;
			}),
		);
		rows.push(...measured);
	}
	console.log(
		`\nThe credential at its default (100 requests in any 60 s); the vendor counts as each case says and answers 429 beyond. ${selected.length} cases ${process.env.BENCH_RATE_SERIAL ? 'one after another' : 'at the same time, each on its own emulator and account'}, ${((Date.now() - started) / 60_000).toFixed(1)} min. Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.\n`,
	);
	console.log(
		'| Vendor counts; orders | Orders lost | 429s ÷ requests | Wall | Earliest the server allows (wall ÷ it) | Earliest within the credential (wall ÷ it) | Within target |',
	);
	console.log('|---|---|---|---|---|---|---|');
	for (const line of rows) console.log(line);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
