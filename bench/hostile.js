// @ts-check
/**
 * `npm run bench:hostile`: what a misbehaving vendor costs the n8n process, measured through n8n's
 * engine with the built package (dist/, or BENCH_DIST=<folder> to measure another build, such as an
 * older commit's, side by side). Prints figures; nothing fails on them.
 *
 * - a 200 MB plain answer and a 300 MB gzip answer (0.3 MB on the wire): time, and how much the
 *   process's resident memory grew;
 * - every stamp of an order listed in two branches, 2,000 to 50,000 stamps: the longest the event
 *   loop was blocked (every other workflow in that n8n waits that long);
 * - a Passport that accepts and never answers, with Timeout 1,000 ms: when the error came, and
 *   when a cancel ended the run;
 * - a Passport that answers with a 300 MB gzip bomb, or with 40 MB;
 * - a 400 whose message is 3 MB long, on 60 items.
 */
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const { buildIfNeeded, root } = require('../scripts/lib/build-if-needed');

const dist = process.env.BENCH_DIST
	? path.resolve(process.env.BENCH_DIST)
	: path.join(root, 'dist');
if (!process.env.BENCH_DIST) buildIfNeeded();
const { createHarness } = require('../test/harness/engine');
const { singleNodeWorkflow } = require('../test/harness/workflows');
const { loadPackage } = require('../scripts/lib/package-types');
const { createEmulator } = require('../test/emulator');

const ORDER = 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL';
const MB = 1024 * 1024;

/** @param {(req: http.IncomingMessage, res: http.ServerResponse) => void} handler */
async function server(handler) {
	const s = http.createServer(handler);
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	s.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
	return {
		url: `http://127.0.0.1:${port}`,
		stop: () => {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => s.close(() => resolve(undefined)));
		},
	};
}

/** Wall time, resident memory growth and the longest event-loop block while `fn` runs. */
async function measure(/** @type {() => Promise<any>} */ fn) {
	/** @type {any} */ (globalThis).gc?.();
	const rss = process.memoryUsage().rss;
	let peak = rss;
	// A 5 ms ticker: the longest gap between two ticks, less the 5 ms, is the longest block.
	let last = Date.now();
	let blocked = 0;
	const sampler = setInterval(() => {
		const now = Date.now();
		blocked = Math.max(blocked, now - last - 5);
		last = now;
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 5);
	const started = Date.now();
	const result = await fn();
	const ms = Date.now() - started;
	// A block at the very end is followed by no tick before this point: count it here.
	blocked = Math.max(blocked, Date.now() - last - 5);
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	return { ms, grewMb: Math.round((peak - rss) / MB), blockedMs: Math.max(0, blocked), result };
}

/** The first error message of a run, or what it routed. */
function outcome(/** @type {any} */ result) {
	const items = result.outputs('Node').flat();
	const error =
		items.find((/** @type {any} */ item) => item.error)?.error?.message ?? result.error?.message;
	return error ?? `routed ${items.length} item(s)`;
}

async function main() {
	const { nodeTypes, credentialTypes } = loadPackage(dist);
	const harness = createHarness({ nodeTypes, credentialTypes });
	const stamp = (
		/** @type {string} */ baseUrl,
		/** @type {Record<string, unknown>} */ parameters = {},
		/** @type {AbortSignal | undefined} */ abortSignal = undefined,
		/** @type {Array<Record<string, unknown>>} */ items = [{}],
	) =>
		harness.run(
			singleNodeWorkflow({
				type: 'surepassStamp',
				credentialType: 'surepassApi',
				name: 'Node',
				parameters: {
					resource: 'bulkStampOrder',
					operation: 'getSummary',
					bulkOrderId: ORDER,
					output: 'perStamp',
					options: { maxRetries: 0 },
					...parameters,
				},
				items,
				onError: 'continueRegularOutput',
			}),
			{
				credentials: {
					surepassApi: /** @type {any} */ ({
						token: 'bench-token',
						environment: 'custom',
						baseUrl,
					}),
				},
				abortSignal,
			},
		);
	/** @type {string[]} */
	const rows = [];
	const row = (
		/** @type {string} */ name,
		/** @type {any} */ m,
		/** @type {string} */ extra = '',
	) =>
		rows.push(
			`| ${name} | ${(m.ms / 1000).toFixed(1)} s | ${m.grewMb} MB | ${m.blockedMs} ms | ${outcome(m.result).slice(0, 90)}${extra} |`,
		);

	// Oversized answers.
	const plain = Buffer.alloc(200 * MB, 0x20);
	plain.write('{"data":', 0);
	const big = await server((_req, res) => {
		res.writeHead(200, {
			'content-type': 'application/json',
			'content-length': String(plain.length),
		});
		res.end(plain);
	});
	row('200 MB plain answer (Content-Length)', await measure(() => stamp(big.url)));
	await big.stop();
	const bombBody = zlib.gzipSync(Buffer.alloc(300 * MB, 0x20));
	const bomb = await server((_req, res) => {
		res.writeHead(200, {
			'content-type': 'application/json',
			'content-encoding': 'gzip',
			'content-length': String(bombBody.length),
		});
		res.end(bombBody);
	});
	row(
		`300 MB gzip answer (${(bombBody.length / MB).toFixed(1)} MB on the wire)`,
		await measure(() => stamp(bomb.url)),
	);
	await bomb.stop();

	// Duplicate stamps.
	for (const size of [2_000, 8_000, 16_000, 50_000]) {
		const ids = Array.from({ length: size }, (_, i) => `stamp_v2_dup${i}`);
		const body = JSON.stringify({
			data: {
				client_id: ORDER,
				quantity: size,
				summary: { pending: { stamps: ids }, available: { stamps: ids }, failed: { stamps: [] } },
			},
			status_code: 200,
			success: true,
		});
		const dup = await server((_req, res) => {
			res.writeHead(200, {
				'content-type': 'application/json',
				'content-length': String(Buffer.byteLength(body)),
			});
			res.end(body);
		});
		const m = await measure(() => stamp(dup.url));
		const warnings = m.result.outputs('Node')[0][0]?.json.warnings?.length ?? 0;
		row(
			`${size.toLocaleString('en-US')} stamps, each in two branches`,
			m,
			` (${warnings} warning(s) per item)`,
		);
		await dup.stop();
	}

	// A Passport that never answers.
	const emulator = createEmulator();
	await emulator.start();
	const hang = await server(() => undefined);
	const credential = {
		...emulator.interswitchCredential(),
		passportTokenUrl: `${hang.url}/passport/oauth/token`,
	};
	const paycode = (
		/** @type {Record<string, unknown>} */ options,
		/** @type {AbortSignal | undefined} */ abortSignal = undefined,
	) =>
		harness.run(
			singleNodeWorkflow({
				type: 'interswitchPaycode',
				credentialType: 'interswitchPaycodeApi',
				name: 'Node',
				parameters: {
					resource: 'bulkTokenBatch',
					operation: 'getStatus',
					referenceId: '123456',
					output: 'perBatch',
					options,
				},
				items: [{}],
				onError: 'continueRegularOutput',
			}),
			{ credentials: { interswitchPaycodeApi: /** @type {any} */ (credential) }, abortSignal },
		);
	row(
		'Passport never answers, Timeout 1,000 ms, Max Retries 0',
		await measure(() => paycode({ timeoutMs: 1000, maxRetries: 0 })),
	);
	const controller = new AbortController();
	setTimeout(() => controller.abort(), 1000);
	const cancelled = await measure(() =>
		paycode({ timeoutMs: 600_000, maxRetries: 0 }, controller.signal),
	);
	row(
		'Passport never answers, cancelled after 1 s',
		cancelled,
		` (status ${cancelled.result.run.status})`,
	);
	await hang.stop();

	// Passport answering with a gzip bomb, then with 40 MB.
	const passportBomb = zlib.gzipSync(
		Buffer.concat([
			Buffer.from('{"access_token":"bomb-token","pad":"'),
			Buffer.alloc(300 * MB, 0x20),
			Buffer.from('"}'),
		]),
	);
	const passportBig = Buffer.concat([
		Buffer.from('{"access_token":"big-token","pad":"'),
		Buffer.alloc(40 * MB, 0x20),
		Buffer.from('"}'),
	]);
	for (const [
		name,
		body,
		headers,
	] of /** @type {Array<[string, Buffer, Record<string, string>]>} */ ([
		[
			`Passport: 300 MB gzip answer (${(passportBomb.length / MB).toFixed(1)} MB on the wire)`,
			passportBomb,
			{ 'content-encoding': 'gzip' },
		],
		['Passport: 40 MB answer', passportBig, {}],
	])) {
		const passport = await server((_req, res) => {
			res.writeHead(200, {
				'content-type': 'application/json',
				'content-length': String(body.length),
				...headers,
			});
			res.end(body);
		});
		credential.passportTokenUrl = `${passport.url}/passport/oauth/token`;
		row(name, await measure(() => paycode({ maxRetries: 0 })));
		await passport.stop();
	}
	await emulator.stop();

	// A 3 MB message in a 400, on 60 items.
	const long = JSON.stringify({
		status_code: 400,
		success: false,
		message: 'Z'.repeat(3 * MB),
		message_code: 'invalid_client_id',
	});
	const wordy = await server((_req, res) => {
		res.writeHead(400, {
			'content-type': 'application/json',
			'content-length': String(Buffer.byteLength(long)),
		});
		res.end(long);
	});
	const sixty = await measure(() =>
		stamp(
			wordy.url,
			{ output: 'perOrder' },
			undefined,
			Array.from({ length: 60 }, () => ({})),
		),
	);
	const errorLength = sixty.result.outputs('Node').flat()[0]?.error?.message?.length ?? 0;
	row(
		'A 400 with a 3 MB message, 60 items',
		sixty,
		` (each error message: ${errorLength.toLocaleString('en-US')} characters)`,
	);
	await wordy.stop();

	console.log(
		`\nMisbehaving vendors, measured with ${path.relative(process.cwd(), dist) || '.'} on Node ${process.version} (${new Date().toISOString().slice(0, 10)})\n`,
	);
	console.log('| Case | Time | Process memory grew | Event loop blocked (longest) | Outcome |');
	console.log('|---|---|---|---|---|');
	for (const line of rows) console.log(line);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
