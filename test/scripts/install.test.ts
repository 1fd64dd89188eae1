/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * The n8n install used by the end-to-end scripts builds a native binding (sqlite3) with `npm
 * rebuild`, started from `npm run test:e2e`. npm hands the project's .npmrc (ignore-scripts=true) and the
 * user's ~/.npmrc (nodedir) to every child as npm_config_* variables, so a rebuild that inherits
 * them silently builds nothing. These tests run the install helper's environment construction
 * under exactly those variables, and a real `npm rebuild` of a tiny local package with an install
 * script (no network).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installEnvironment, ensure } = require('../../scripts/lib/install') as {
	installEnvironment: (
		parent: NodeJS.ProcessEnv,
		options: { nodeDir: string; scripts: boolean },
	) => NodeJS.ProcessEnv;
	ensure: (piece: string, check: () => string | undefined, install: () => void) => void;
};

/** What `npm run test:e2e` passes down in this project (see .npmrc) on a machine whose ~/.npmrc sets nodedir. */
const FROM_NPM_RUN: NodeJS.ProcessEnv = {
	PATH: process.env.PATH,
	HOME: process.env.HOME,
	npm_config_ignore_scripts: 'true',
	npm_config_nodedir: '/usr',
	npm_config_cache: path.join(os.tmpdir(), 'npm-cache-for-install-test'),
	npm_lifecycle_event: 'e2e',
	npm_package_name: 'n8n-nodes-surepass-interswitch',
};

/** Other settings a parent may hold that would change what an install step does. */
const INHERITED: NodeJS.ProcessEnv = {
	...FROM_NPM_RUN,
	NPM_CONFIG_IGNORE_SCRIPTS: 'true',
	npm_config_build_from_source: 'false',
	npm_config_dry_run: 'true',
	npm_config_global: 'true',
};

describe('the environment of an install step', () => {
	const nodeDir = '/opt/node-under-test';

	it('runs install scripts for the rebuild, whatever the parent inherited', () => {
		const env = installEnvironment(INHERITED, { nodeDir, scripts: true });
		expect(env.npm_config_ignore_scripts).toBe('false');
		// npm reads the upper-case spelling too: it must not survive to override the lower-case one.
		expect(Object.keys(env).filter((key) => /^npm_config_ignore_scripts$/i.test(key))).toEqual([
			'npm_config_ignore_scripts',
		]);
		expect(env.npm_config_dry_run).toBeUndefined();
		expect(env.npm_config_global).toBeUndefined();
	});

	it('builds against the chosen Node: its headers and its binary first on PATH', () => {
		const env = installEnvironment(INHERITED, { nodeDir, scripts: true });
		expect(env.npm_config_nodedir).toBe(nodeDir);
		expect(env.PATH?.split(path.delimiter)[0]).toBe(path.join(nodeDir, 'bin'));
		expect(env.npm_config_build_from_source).toBe('true');
	});

	it('keeps where packages come from and drops what describes the parent script', () => {
		const env = installEnvironment(INHERITED, { nodeDir, scripts: false });
		expect(env.npm_config_cache).toBe(INHERITED.npm_config_cache);
		expect(env.npm_config_ignore_scripts).toBe('true');
		expect(env.npm_lifecycle_event).toBeUndefined();
		expect(env.npm_package_name).toBeUndefined();
	});
});

describe('npm rebuild of a package with an install script, started under the inherited settings', () => {
	let folder: string;
	let nodeDir: string;
	const marker = () => path.join(folder, 'node_modules', 'probe', 'built.json');

	beforeEach(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'install-env-'));
		// A stand-in Node runtime folder: its bin/node runs this Node and says that it was the one used.
		nodeDir = path.join(folder, 'runtime');
		fs.mkdirSync(path.join(nodeDir, 'bin'), { recursive: true });
		fs.writeFileSync(
			path.join(nodeDir, 'bin', 'node'),
			`#!/bin/sh\nPROBE_RUNTIME=stand-in exec ${JSON.stringify(process.execPath)} "$@"\n`,
			{ mode: 0o755 },
		);
		const probe = path.join(folder, 'node_modules', 'probe');
		fs.mkdirSync(probe, { recursive: true });
		const script =
			"require('fs').writeFileSync('built.json', JSON.stringify({ nodedir: process.env.npm_config_nodedir, runtime: process.env.PROBE_RUNTIME }))";
		fs.writeFileSync(
			path.join(probe, 'package.json'),
			JSON.stringify({
				name: 'probe',
				version: '1.0.0',
				scripts: { install: `node -e "${script}"` },
			}),
		);
		fs.writeFileSync(
			path.join(folder, 'package.json'),
			JSON.stringify({
				name: 'install-env-test',
				private: true,
				dependencies: { probe: '1.0.0' },
				allowScripts: { probe: true },
			}),
		);
	});

	afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

	function rebuild(env: NodeJS.ProcessEnv) {
		const result = spawnSync('npm', ['rebuild', 'probe', '--offline'], {
			cwd: folder,
			env,
			encoding: 'utf8',
		});
		expect(result.stderr).not.toMatch(/ERR!/);
		expect(result.status).toBe(0);
	}

	it('builds nothing with the inherited environment: the trap is real', () => {
		rebuild(FROM_NPM_RUN);
		expect(fs.existsSync(marker())).toBe(false);
	});

	it('runs the install script against the chosen Node with the helper environment', () => {
		rebuild(installEnvironment(FROM_NPM_RUN, { nodeDir, scripts: true }));
		expect(JSON.parse(fs.readFileSync(marker(), 'utf8'))).toEqual({
			nodedir: nodeDir,
			runtime: 'stand-in',
		});
	});
});

describe('a cached install is checked, never trusted', () => {
	let printed: string[];
	let write: jest.SpyInstance;
	beforeEach(() => {
		printed = [];
		write = jest.spyOn(process.stdout, 'write').mockImplementation((text: string | Uint8Array) => {
			printed.push(String(text));
			return true;
		});
	});
	afterEach(() => write.mockRestore());

	/** A piece whose check answers from `answers` in turn, and whose installs are counted. */
	function piece(answers: Array<string | undefined>) {
		let installs = 0;
		return {
			check: () => answers.shift(),
			install: () => {
				installs++;
			},
			installs: () => installs,
		};
	}

	it('uses a piece that passes its check as it is', () => {
		const p = piece([undefined]);
		ensure('n8n 2.41.1', p.check, p.install);
		expect(p.installs()).toBe(0);
		expect(printed).toEqual([]);
	});

	it('installs a piece that fails its check once, saying why', () => {
		const p = piece([
			'its sqlite3 binding does not load under Node 24.21.0: Error: Could not locate the bindings file',
			undefined,
		]);
		ensure('n8n 2.41.1', p.check, p.install);
		expect(p.installs()).toBe(1);
		expect(printed.join('')).toContain(
			'n8n 2.41.1: its sqlite3 binding does not load under Node 24.21.0',
		);
	});

	it('stops with an error naming the piece when it still fails after the install', () => {
		const p = piece(['n8n is not installed there', 'n8n --version failed (1): Error: boom']);
		expect(() => ensure('n8n 2.41.1', p.check, p.install)).toThrow(
			'n8n 2.41.1 is not usable after installing it: n8n --version failed (1): Error: boom',
		);
		expect(p.installs()).toBe(1);
	});

	it('stops with an error naming the piece when the install itself fails', () => {
		const failing = () => {
			throw new Error('npm rebuild sqlite3 failed');
		};
		expect(() =>
			ensure('Chromium (/usr/bin/chromium)', () => 'it is not installed', failing),
		).toThrow('Chromium (/usr/bin/chromium): installing it failed: npm rebuild sqlite3 failed');
	});
});
