// @ts-check
/**
 * `npm start`: the main job on the embedded default. Builds the package if needed, starts the
 * local API emulator on a free port, runs the example workflows from examples/ through n8n's
 * engine with the built nodes, and prints what reached each branch. No vendor account, no network.
 */
const fs = require('node:fs');
const path = require('node:path');
const { buildIfNeeded, root } = require('../lib/build-if-needed');

buildIfNeeded();

const { createEmulator } = require('../../test/emulator');
const { createHarness, MESSAGING } = require('../../test/harness/engine');
const { loadPackage } = require('../lib/package-types');
const { describeItem, describeTotal } = require('../lib/describe');

/** Items printed per branch; the rest are counted. */
const SHOWN = 12;

/** @param {string} text */
const bold = (text) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text);

async function main() {
	const { nodeTypes, credentialTypes } = loadPackage(path.join(root, 'dist'));
	const harness = createHarness({ nodeTypes, credentialTypes });
	const emulator = createEmulator();
	await emulator.start();
	try {
		console.log(
			`Local API emulator: ${emulator.url} (no vendor account, nothing leaves this machine)\n`,
		);
		/** @type {Array<{ file: string, credentials: Record<string, any> }>} */
		const examples = [
			{
				file: 'surepass-order-check.json',
				credentials: { surepassApi: emulator.surepassCredential() },
			},
			{
				file: 'paycode-batch-check.json',
				credentials: { interswitchPaycodeApi: emulator.interswitchCredential() },
			},
			{
				file: 'surepass-download-email.json',
				credentials: { surepassApi: emulator.surepassCredential() },
			},
			{
				file: 'paycode-cancel-slack.json',
				credentials: { interswitchPaycodeApi: emulator.interswitchCredential() },
			},
		];
		for (const example of examples) {
			const file = path.join(root, 'examples', example.file);
			const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
			console.log(bold(`${workflow.name}`));
			console.log(`  workflow: examples/${example.file}`);
			const result = await harness.run(workflow, { credentials: example.credentials });
			if (result.error) {
				console.log(`  The run failed: ${/** @type {Error} */ (result.error).message}`);
				process.exitCode = 1;
			}
			for (const node of workflow.nodes) {
				if (MESSAGING.includes(node.type)) {
					const received = result.outputs(node.name)[0] ?? [];
					const files = received.filter((item) => item.binary).length;
					console.log(
						`  ${node.name}: ${received.length} item(s)${files ? `, ${files} with a file attached` : ''} (a stand-in here: nothing is sent)`,
					);
					continue;
				}
				const type = nodeTypes[node.type.replace(/^n8n-nodes-surepass-interswitch\./, '')];
				if (!type) continue;
				console.log(`  ${node.name}: ${inputCount(workflow, result, node.name)} input item(s)`);
				const outputNames = result.outputNames(node.name);
				const outputs = result.outputs(node.name);
				outputNames.forEach((outputName, index) => {
					const items = outputs[index] ?? [];
					console.log(
						`    ${bold(outputName.padEnd(10))} ${items.length} item(s)${describeTotal(items)}`,
					);
					for (const item of items.slice(0, SHOWN)) console.log(`      - ${describeItem(item)}`);
					if (items.length > SHOWN) console.log(`      … and ${items.length - SHOWN} more`);
				});
			}
			console.log('');
		}
	} finally {
		await emulator.stop();
	}
}

/**
 * How many items reached a node: its upstream node's items on the connected output (a trigger's
 * pinned items).
 * @param {any} workflow @param {any} result @param {string} name
 */
function inputCount(workflow, result, name) {
	for (const [from, connections] of Object.entries(workflow.connections)) {
		const index = /** @type {any[][]} */ (connections.main).findIndex((targets) =>
			(targets ?? []).some((target) => target.node === name),
		);
		if (index === -1) continue;
		return workflow.pinData?.[from]?.length ?? (result.outputs(from)[index] ?? []).length;
	}
	return 0;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
