/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * The built package against the oldest n8n-workflow of the supported range (1.112.0, the one n8n
 * 1.115 ships), installed from the registry as the devDependency alias n8n-workflow-1.112. In a
 * child process every `require('n8n-workflow')` of dist/ resolves to it, as it would inside that
 * n8n. `npm run test:compat` then runs the packed package in the real n8n 1.115, 1.123 and 2.0.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildIfNeeded } = require('../../scripts/lib/build-if-needed') as {
	buildIfNeeded: () => void;
};

const root = path.resolve(__dirname, '..', '..');

/** Runs in a child Node process, with n8n-workflow redirected to the oldest supported one. */
const CHILD = `
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const oldest = require.resolve('n8n-workflow-1.112');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
	return resolve.call(this, request === 'n8n-workflow' ? oldest : request, ...rest);
};
const workflow = require('n8n-workflow');
const dist = path.join(process.cwd(), 'dist');
const files = [];
(function walk(dir) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(full);
		else if (entry.name.endsWith('.js')) files.push(full);
	}
})(dist);
// Every member of n8n-workflow the built code reads, and whether this n8n-workflow has it.
const used = new Set();
for (const file of files) {
	for (const match of fs.readFileSync(file, 'utf8').matchAll(/n8n_workflow_1\\.([A-Za-z_$][\\w$]*)/g)) used.add(match[1]);
}
const missing = [...used].filter((name) => workflow[name] === undefined).sort();
const pkg = require(path.join(process.cwd(), 'package.json'));
const OPERATIONS = {
	surepassStamp: [{}, { resource: 'stamp', operation: 'get' }, { resource: 'stamp', operation: 'download' }],
	interswitchPaycode: [{}, { resource: 'bulkTokenBatch', operation: 'cancel' }],
};
const nodes = pkg.n8n.nodes.map((file) => {
	const exports = require(path.join(process.cwd(), file));
	const type = new (Object.values(exports).find((value) => typeof value === 'function'))();
	const description = type.description;
	const versions = [].concat(description.version);
	const defaults = versions.map((typeVersion) => {
		const node = { id: '1', name: 'N', type: description.name, typeVersion, position: [0, 0], parameters: {} };
		const parameters = workflow.NodeHelpers.getNodeParameters(description.properties, {}, true, false, node, description);
		return { typeVersion, resource: parameters.resource, operation: parameters.operation };
	});
	// The outputs as this n8n-workflow computes them (an expression of the parameters), per operation.
	const nodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) };
	const outputs = Object.fromEntries(OPERATIONS[description.name].map((parameters) => {
		const node = { id: '1', name: 'N', type: description.name, typeVersion: versions[versions.length - 1], position: [0, 0], parameters };
		const wf = new workflow.Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const names = workflow.NodeHelpers.getNodeOutputs(wf, wf.getNode('N'), description).map((output) => typeof output === 'string' ? output : output.displayName ?? output.type);
		return [parameters.operation ?? '(default)', names];
	}));
	return { name: description.name, inputs: description.inputs, outputs, defaults };
});
const credentials = pkg.n8n.credentials.map((file) => {
	const exports = require(path.join(process.cwd(), file));
	return new (Object.values(exports).find((value) => typeof value === 'function'))().name;
});
// The abortable sleep the package uses: an hour, aborted at once.
const { sleep } = require(path.join(dist, 'nodes', 'shared', 'n8n.js'));
const controller = new AbortController();
const started = Date.now();
const guard = setTimeout(() => finish('the sleep ignored its signal'), 10_000);
sleep(3_600_000, controller.signal).then(() => finish('the sleep resolved'), () => finish('rejected'));
controller.abort();
function finish(sleepEnded) {
	clearTimeout(guard);
	process.stdout.write(JSON.stringify({ workflowVersion: require('n8n-workflow-1.112/package.json').version, missing, nodes, credentials, sleepEnded, sleptMs: Date.now() - started }));
}
`;

describe('the built package on n8n-workflow 1.112.0, the oldest of the supported range', () => {
	let result: {
		workflowVersion: string;
		missing: string[];
		nodes: Array<{
			name: string;
			inputs: unknown;
			outputs: Record<string, string[]>;
			defaults: Array<{ typeVersion: number; resource: string; operation: string }>;
		}>;
		credentials: string[];
		sleepEnded: string;
		sleptMs: number;
	};

	beforeAll(() => {
		buildIfNeeded();
		const child = spawnSync(process.execPath, ['-e', CHILD], { cwd: root, encoding: 'utf8' });
		if (child.status !== 0) throw new Error(`the child process failed: ${child.stderr}`);
		result = JSON.parse(child.stdout);
	});

	test('runs against that very version', () => {
		expect(result.workflowVersion).toBe('1.112.0');
	});

	test('every member of n8n-workflow the built code reads exists there', () => {
		expect(result.missing).toEqual([]);
	});

	test('both nodes and both credentials load; every version of each node has its defaults; outputs follow the operation', () => {
		expect(result.credentials).toEqual(['surepassApi', 'interswitchPaycodeApi']);
		expect(result.nodes).toEqual([
			{
				name: 'surepassStamp',
				inputs: ['main'],
				outputs: {
					'(default)': ['Pending', 'Available', 'Failed'],
					get: ['main'],
					download: ['main'],
				},
				defaults: [1, 1.1, 1.2].map((typeVersion) => ({
					typeVersion,
					resource: 'bulkStampOrder',
					operation: 'getSummary',
				})),
			},
			{
				name: 'interswitchPaycode',
				inputs: ['main'],
				outputs: { '(default)': ['Pending', 'Successful', 'Failed'], cancel: ['main'] },
				defaults: [1, 1.1, 1.2, 1.3].map((typeVersion) => ({
					typeVersion,
					resource: 'bulkTokenBatch',
					operation: 'getStatus',
				})),
			},
		]);
	});

	test("the package's sleep ends as soon as its signal aborts (this n8n-workflow's sleep alone would not)", () => {
		expect(result.sleepEnded).toBe('rejected');
	});
});
