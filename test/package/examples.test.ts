/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * The example workflows in examples/ are what users import first: each of the package's nodes in
 * them is at its newest version, and the expressions use the names that version outputs (npm start
 * runs four of them through n8n's engine; npm run test:e2e imports them into a real n8n).
 */
import fs from 'fs';
import path from 'path';

import { InterswitchPaycode } from '../../nodes/InterswitchPaycode/InterswitchPaycode.node';
import { SurepassStamp } from '../../nodes/SurepassStamp/SurepassStamp.node';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const PACKAGE = 'n8n-nodes-surepass-interswitch';

const NEWEST: Record<string, number> = Object.fromEntries(
	[new SurepassStamp(), new InterswitchPaycode()].flatMap((type) => {
		const versions = type.description.version;
		const newest = Array.isArray(versions) ? Math.max(...versions) : versions;
		return [
			[type.description.name, newest],
			[`${type.description.name}Tool`, newest],
		];
	}),
);

interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
}

const examples = fs
	.readdirSync(EXAMPLES)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({
		file,
		text: fs.readFileSync(path.join(EXAMPLES, file), 'utf8'),
		nodes: (
			JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as { nodes: ExampleNode[] }
		).nodes,
	}));

describe('examples', () => {
	test.each(examples.map((example) => [example.file, example] as const))(
		'%s: the package nodes at their newest version, with the names it outputs',
		(_file, example) => {
			const ours = example.nodes.filter((node) => node.type.startsWith(`${PACKAGE}.`));
			expect(ours.length).toBeGreaterThan(0);
			for (const node of ours) {
				const type = node.type.slice(PACKAGE.length + 1);
				expect({ node: node.name, version: node.typeVersion }).toEqual({
					node: node.name,
					version: NEWEST[type],
				});
			}
			// Interswitch Paycode 1.3 names the batch referenceId and the count expectedTokenCount.
			expect(example.text).not.toMatch(/\$json\.(batchReference|expectedCount)\b/);
		},
	);

	test('the alerts on an error output send the message, which stands alone', () => {
		const alerts = examples.flatMap((example) =>
			example.nodes
				.filter((node) => /slack|emailSend/.test(node.type))
				.map((node) => String(node.parameters.text ?? ''))
				.filter((text) => text.includes('$json.error')),
		);
		expect(alerts).toEqual([
			'=Paycode cancel failed: {{ $json.error }}',
			'=Stamp download failed: {{ $json.error }}',
		]);
	});
});
