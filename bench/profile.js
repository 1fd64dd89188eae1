// @ts-check
/**
 * `npm run bench:profile -- <case> [size]`: runs one fan-out case a few times under the V8 CPU
 * profiler and prints the functions with the most self time, grouped by where they live
 * (this package, n8n-core, n8n-workflow, axios, node internals). Case: surepass | interswitch (one
 * order or batch of <size> entries) | many (<size> orders, 20 ms latency, concurrency 10).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Session } = require('node:inspector/promises');
const { buildIfNeeded, root } = require('../scripts/lib/build-if-needed');

buildIfNeeded();
const { createEmulator } = require('../test/emulator');
const { createHarness } = require('../test/harness/engine');
const { singleNodeWorkflow } = require('../test/harness/workflows');
const { loadPackage } = require('../scripts/lib/package-types');
const { printProfile } = require('./lib/cpuprofile');

async function main() {
	const which = process.argv[2] ?? 'interswitch';
	const size = Number(process.argv[3] ?? 100_000);
	const emulator = createEmulator();
	await emulator.start();
	const { nodeTypes, credentialTypes } = loadPackage(path.join(root, 'dist'));
	const harness = createHarness({ nodeTypes, credentialTypes });
	const many = which === 'many';
	if (many) emulator.latencyMs = 20;
	const workflow = many
		? singleNodeWorkflow({
				type: 'surepassStamp',
				typeVersion: 1.1,
				credentialType: 'surepassApi',
				name: 'Node',
				parameters: {
					resource: 'bulkStampOrder',
					operation: 'getSummary',
					bulkOrderId: '={{ $json.id }}',
					options: { maxConcurrency: 10 },
				},
				items: Array.from({ length: size }, (_, n) => ({ id: `bulk_stamp_v2_load_${n}` })),
			})
		: which === 'surepass'
			? singleNodeWorkflow({
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
				})
			: singleNodeWorkflow({
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
				});
	const credentials =
		which !== 'interswitch'
			? { surepassApi: emulator.surepassCredential() }
			: { interswitchPaycodeApi: emulator.interswitchCredential() };
	await harness.run(workflow, { credentials: /** @type {any} */ (credentials) });

	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 100 });
	await session.post('Profiler.start');
	const started = Date.now();
	for (let i = 0; i < 5; i++)
		await harness.run(workflow, { credentials: /** @type {any} */ (credentials) });
	const elapsed = Date.now() - started;
	const { profile } = await session.post('Profiler.stop');
	await emulator.stop();

	console.log(
		`${which}, ${size} entries, 5 runs in ${elapsed} ms (${os.cpus()[0]?.model}, Node ${process.version})\n`,
	);
	printProfile(profile);
	const out = path.join(__dirname, 'results', `profile-${which}-${size}.cpuprofile`);
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.writeFileSync(out, JSON.stringify(profile));
	console.log(
		`\nFull profile: ${path.relative(root, out)} (open in Chrome DevTools > Performance)`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
