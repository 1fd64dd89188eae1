// @ts-check
/**
 * Real n8n releases (2.41.1 on Node 24 by default; see RELEASES), for `npm run test:e2e`, `npm run test:queue` and `npm run dev:n8n`.
 *
 * n8n is installed once per machine into a cache folder outside the clone and checked before every
 * use (scripts/lib/install.js): a fresh clone on the same machine reuses it, a fresh machine or a
 * broken install installs it.
 *
 * - The package is installed the way n8n's own community-node installer does it: the `npm pack`
 *   tarball extracted into <user folder>/.n8n/nodes/node_modules/<name>, peer dependencies removed
 *   (n8n provides n8n-workflow). Its node types then carry the package name, as for a user.
 */
const fs = require('node:fs');
const path = require('node:path');
const {
	NodeRuntime,
	ensureN8nRelease,
	ensureChromium,
	n8nFolder,
	machineCache,
	must,
	root,
} = require('./install');
const { aptInstall, freePort } = require('./processes');

/** Per-clone working files (packed tarball, the `npm run dev:n8n` user folder): git-ignored. */
const cacheDir = path.join(root, '.cache');
const node24 = new NodeRuntime('node24');
const node22 = new NodeRuntime('node22');
const node24Bin = node24.bin;

/**
 * The n8n releases the scripts run the package in. n8n 1.x needs Node 22 here (its expression
 * engine's isolated-vm has no Node 20 build, and its engines field stops at 24). Install snags:
 * n8n 2.41.1 depends on cssomnom, missing from the registry (an empty stub serves); n8n 1.x and
 * 2.0 fetch xlsx from a CDN that is not reachable (the registry's xlsx 0.18.5 serves).
 * @type {Record<'latest' | 'v2_0' | 'v1_latest' | 'oldest', import('./install').N8nRelease>}
 */
const RELEASES = {
	latest: { version: '2.41.1', runtime: node24, stubs: { cssomnom: 'empty' } },
	v2_0: { version: '2.0.3', runtime: node24, overrides: { xlsx: '0.18.5' } },
	v1_latest: { version: '1.123.81', runtime: node22, overrides: { xlsx: '0.18.5' } },
	oldest: { version: '1.115.4', runtime: node22, overrides: { xlsx: '0.18.5' } },
};
const N8N_VERSION = RELEASES.latest.version;
const n8nDir = n8nFolder(RELEASES.latest);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The release an n8n CLI path belongs to (the latest when it is none of them). */
function releaseOf(/** @type {string | undefined} */ bin) {
	return (
		Object.values(RELEASES).find(
			(release) => bin !== undefined && bin.startsWith(`${n8nFolder(release)}${path.sep}`),
		) ?? RELEASES.latest
	);
}

function withNode24Env(/** @type {NodeJS.ProcessEnv} */ extra = {}) {
	return { ...process.env, PATH: `${node24Bin}${path.delimiter}${process.env.PATH}`, ...extra };
}

/** Node 24 from tools/node24, checked, installed from its lockfile when missing or broken. */
function ensureNode24() {
	node24.ensure();
}

/**
 * An n8n release in the machine cache (the latest by default), checked before each use; installed
 * (a few minutes) when missing or broken. Returns its CLI's path.
 */
function ensureN8n(release = RELEASES.latest) {
	return ensureN8nRelease(release);
}

/** Debian's Chromium for the editor checks, checked; installed or reinstalled when it does not answer. */
function ensureBrowser(program = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') {
	ensureChromium(program, aptInstall);
	return program;
}

/** Builds the package and packs it as `npm publish` would; returns the tarball's path. */
function packPackage() {
	must('build the package', 'npm', ['run', 'build'], { cwd: root });
	const packDir = path.join(cacheDir, 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	fs.mkdirSync(packDir, { recursive: true });
	must('npm pack', 'npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
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
	must(`install the tarball as a community package into ${home}`, 'tar', [
		'-xzf',
		tarball,
		'-C',
		target,
		'--strip-components=1',
	]);
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
function n8nEnv(
	/** @type {string} */ home,
	/** @type {number} */ port,
	/** @type {NodeJS.ProcessEnv} */ extra = {},
	/** @type {string} */ bin = '',
) {
	const { runtime } = releaseOf(bin);
	return {
		...process.env,
		PATH: `${runtime.bin}${path.delimiter}${process.env.PATH}`,
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
	};
}

/** Runs an n8n CLI command to completion. */
function n8nCli(
	/** @type {string} */ bin,
	/** @type {string} */ home,
	/** @type {string[]} */ args,
	port = 5699,
	/** @type {NodeJS.ProcessEnv} */ extra = {},
) {
	must(`n8n ${args.join(' ')}`, releaseOf(bin).runtime.node, [bin, ...args], {
		env: n8nEnv(home, port, extra, bin),
		stdio: ['ignore', 'inherit', 'inherit'],
	});
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
			{
				id: 'surepass-emulator',
				name: 'Surepass (local emulator)',
				type: 'surepassApi',
				data: emulator.surepassCredential(),
			},
			{
				id: 'interswitch-emulator',
				name: 'Interswitch Paycode (local emulator)',
				type: 'interswitchPaycodeApi',
				data: emulator.interswitchCredential(),
			},
			...extra,
		]),
	);
	n8nCli(bin, home, ['import:credentials', `--input=${file}`], port, env);
}

/**
 * Starts `n8n start` (or `n8n worker`, with `command`) through `processes`, which stops it at the
 * end, and resolves once it answers on `readyPath`.
 * @param {import('./processes').Processes} processes
 * @param {string} bin @param {string} home @param {number} port
 * @param {{ command?: string, name?: string, env?: NodeJS.ProcessEnv, readyUrl?: string, logFile?: string }} [options]
 */
async function startN8n(processes, bin, home, port, options = {}) {
	const { command = 'start', name = 'n8n', env = {} } = options;
	const logFile = options.logFile ?? path.join(home, `${name}.log`);
	const url = `http://127.0.0.1:${port}`;
	// The task runners' broker gets a port checked to be free too, not port + 1 unchecked: n8n
	// cannot run its runners on a taken port.
	const brokerPort = String(await freePort());
	const started = processes.start(name, releaseOf(bin).runtime.node, [bin, command], {
		env: n8nEnv(home, port, { N8N_RUNNERS_BROKER_PORT: brokerPort, ...env }, bin),
		logFile,
	});
	const readyUrl = options.readyUrl ?? `${url}/healthz/readiness`;
	await processes.waitUntil(started, async () => (await fetch(readyUrl)).ok);
	if (command === 'start') {
		// n8n answers before it is ready. n8n 2.41.1 starts in three phases: a "n8n is starting"
		// page answers 200 to every address (/rest/settings included), then every route is 404
		// while they are registered, then the app answers (measured: about 6 s, 9 s, 16 s). A
		// check passed in the first phase once, and every request after it got 404. Ready means
		// the app's own answers: 401 from routes that need a session, JSON for the node types.
		await processes.waitUntil(started, async () => {
			for (const route of ['/rest/login', '/rest/workflows']) {
				if ((await fetch(`${url}${route}`)).status !== 401) return false;
			}
			const types = await fetch(`${url}/types/nodes.json`);
			return (
				(types.status === 200 || types.status === 401) &&
				/json/.test(types.headers.get('content-type') ?? '')
			);
		});
	}
	return { ...started, url, logFile };
}

module.exports = {
	ensureN8n,
	ensureNode24,
	ensureBrowser,
	withNode24Env,
	installPackage,
	packPackage,
	installTarball,
	n8nEnv,
	n8nCli,
	importEmulatorCredentials,
	startN8n,
	root,
	cacheDir,
	machineCache,
	n8nDir,
	N8N_VERSION,
	RELEASES,
	releaseOf,
	n8nFolder,
	pkg,
	node24Bin,
};

// `node scripts/lib/n8n-env.js node24`: Node 24 in tools/node24, checked (installed when missing or
// broken). `node scripts/lib/n8n-env.js n8n <release>`: that n8n release, checked or installed.
if (require.main === module) {
	const [what, name] = process.argv.slice(2);
	if (what === 'node24') ensureNode24();
	else if (what === 'n8n' && name !== undefined && name in RELEASES)
		console.log(ensureN8n(RELEASES[/** @type {keyof typeof RELEASES} */ (name)]));
	else
		throw new Error(
			`usage: node scripts/lib/n8n-env.js node24 | n8n <${Object.keys(RELEASES).join('|')}>`,
		);
}
