/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * The package is in the n8n-node tool's strict mode, as n8n Cloud verification asks: its
 * eslint.config.mjs is the tool's default, byte for byte, and package.json says `"strict": true`.
 * What that default config runs, per file, is read from ESLint itself (a child process: ESLint
 * loads the config as an ES module): eslint-plugin-n8n-nodes-base's rule sets on the nodes, the
 * credentials and package.json, and n8n Cloud's rules on everything in TypeScript.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** The rules the project's ESLint config turns on for each file, by plugin (ESLint's own: "eslint"). */
function rulesFor(files: string[]): Record<string, Record<string, string[]>> {
	const script = `
		import { ESLint } from 'eslint';
		const eslint = new ESLint({ cwd: process.cwd() });
		const out = {};
		for (const file of JSON.parse(process.argv[1])) {
			const config = await eslint.calculateConfigForFile(file);
			const on = Object.entries(config.rules ?? {})
				.filter(([, value]) => !['off', 0].includes(Array.isArray(value) ? value[0] : value))
				.map(([name]) => name);
			out[file] = {};
			for (const name of on) {
				const plugin = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : 'eslint';
				(out[file][plugin] ??= []).push(name);
			}
		}
		process.stdout.write(JSON.stringify(out));
	`;
	const result = spawnSync(
		process.execPath,
		['--input-type=module', '-e', script, JSON.stringify(files)],
		{ cwd: root, encoding: 'utf8' },
	);
	if (result.status !== 0) throw new Error(result.stderr);
	return JSON.parse(result.stdout) as Record<string, Record<string, string[]>>;
}

describe('strict mode of the n8n-node tool', () => {
	test("eslint.config.mjs is the tool's default config, byte for byte; package.json says strict", () => {
		const template = read(
			'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
		);
		expect(read('eslint.config.mjs')).toBe(template);
		expect(JSON.parse(read('package.json')).n8n.strict).toBe(true);
	});

	test('the default config runs eslint-plugin-n8n-nodes-base on nodes, credentials and package.json, and the Cloud rules on all TypeScript', () => {
		const node = 'nodes/SurepassStamp/SurepassStamp.node.ts';
		const credential = 'credentials/InterswitchPaycodeApi.credentials.ts';
		const aTest = 'test/package/readme.test.ts';
		const rules = rulesFor([node, credential, 'package.json', aTest]);
		// eslint-plugin-n8n-nodes-base: its node rules, its credential rules, its community
		// (package.json) rules, a few each shown by name.
		expect(rules[node]['n8n-nodes-base']).toEqual(
			expect.arrayContaining([
				'n8n-nodes-base/node-param-display-name-miscased',
				'n8n-nodes-base/node-class-description-name-miscased',
				'n8n-nodes-base/node-execute-block-wrong-error-thrown',
			]),
		);
		expect(rules[node]['n8n-nodes-base'].length).toBeGreaterThan(80);
		expect(rules[credential]['n8n-nodes-base']).toEqual(
			expect.arrayContaining([
				'n8n-nodes-base/cred-class-field-name-uppercase-first-char',
				'n8n-nodes-base/cred-class-name-unsuffixed',
			]),
		);
		expect(rules['package.json']['n8n-nodes-base']).toEqual(
			expect.arrayContaining([
				'n8n-nodes-base/community-package-json-name-still-default',
				'n8n-nodes-base/community-package-json-n8n-nodes-missing',
			]),
		);
		// n8n Cloud's rules, the recommended ESLint and typescript-eslint rules: on sources and tests
		// (a test turns the Cloud rules it must break off in its first line, and ESLint reports a
		// directive that turns off a rule the file does not break).
		for (const file of [node, credential, aTest]) {
			expect(rules[file]['@n8n/community-nodes']).toEqual(
				expect.arrayContaining([
					'@n8n/community-nodes/no-restricted-imports',
					'@n8n/community-nodes/no-restricted-globals',
				]),
			);
			expect(rules[file].eslint).toEqual(expect.arrayContaining(['no-debugger', 'no-empty']));
			expect(rules[file]['@typescript-eslint']).toEqual(
				expect.arrayContaining([
					'@typescript-eslint/no-explicit-any',
					'@typescript-eslint/no-unused-vars',
				]),
			);
		}
		expect(rules[aTest]['n8n-nodes-base']).toBeUndefined();
	});
});
