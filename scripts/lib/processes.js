// @ts-check
/**
 * The one small module the scripts that stand up real things (n8n, PostgreSQL, Redis, Chromium)
 * share: install a Debian package when its program is missing, start a process with its output in
 * a log file, wait until it answers, and stop it (TERM, then KILL) — always, even when the script
 * fails or is interrupted.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/**
 * Installs Debian packages whose program is missing (`apt-get`, through sudo when not root).
 * @param {Array<{ program: string, package: string }>} wanted
 */
function ensureDebianPackages(wanted) {
	const missing = wanted.filter(({ program }) => !onPath(program));
	if (missing.length === 0) return;
	const packages = [...new Set(missing.map((entry) => entry.package))];
	process.stdout.write(
		`- install ${packages.join(', ')} from Debian's packages (missing: ${missing.map((m) => m.program).join(', ')})\n`,
	);
	aptInstall(packages);
	const still = missing.filter(({ program }) => !onPath(program));
	if (still.length > 0)
		throw new Error(
			`installed ${packages.join(', ')}, yet ${still.map((m) => m.program).join(', ')} is still missing`,
		);
}

/**
 * `apt-get install` (with `reinstall`, `--reinstall`) of Debian packages, through sudo when not root.
 * @param {string[]} packages @param {boolean} [reinstall]
 */
function aptInstall(packages, reinstall = false) {
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const prefix = asRoot ? [] : ['sudo', '-n'];
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [
		['apt-get', 'update', '-qq'],
		[
			'apt-get',
			'install',
			'-y',
			'-qq',
			'--no-install-recommends',
			...(reinstall ? ['--reinstall'] : []),
			...packages,
		],
	]) {
		const [command, ...rest] = [...prefix, ...args];
		const result = spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'inherit'], env });
		if (result.status !== 0)
			throw new Error(
				`${args.join(' ')} failed (exit ${result.status}): install ${packages.join(', ')} by hand`,
			);
	}
}

/** A program's full path, from an absolute path or the PATH; undefined when there is none. */
function onPath(/** @type {string} */ program) {
	if (path.isAbsolute(program)) return fs.existsSync(program) ? program : undefined;
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		const candidate = path.join(dir, program);
		if (dir && fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

/** A free TCP port on loopback. @returns {Promise<number>} */
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

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @typedef {object} Started
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {string} logFile
 */

/** Processes a script started; `stopAll` stops them in reverse order, and runs on exit or signal. */
class Processes {
	constructor() {
		/** @type {Started[]} */
		this.started = [];
		const killNow = () => {
			for (const { child } of this.started)
				if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		};
		process.once('exit', killNow);
		for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
			process.once(signal, () => {
				this.stopAll().finally(() => process.exit(130));
			});
		}
	}

	/**
	 * Starts `command` with its output appended to `logFile`.
	 * @param {string} name @param {string} command @param {string[]} args
	 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, logFile: string, uid?: number, gid?: number }} options
	 * @returns {Started}
	 */
	start(name, command, args, options) {
		fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
		const log = fs.openSync(options.logFile, 'a');
		const child = spawn(command, args, {
			env: options.env ?? process.env,
			cwd: options.cwd,
			stdio: ['ignore', log, log],
			uid: options.uid,
			gid: options.gid,
		});
		fs.closeSync(log);
		const started = { name, child, logFile: options.logFile };
		this.started.push(started);
		return started;
	}

	/**
	 * Waits until `ready()` answers true; fails early when the process exits, or after `timeoutMs`.
	 * @param {Started} started @param {() => Promise<boolean>} ready @param {number} [timeoutMs]
	 */
	async waitUntil(started, ready, timeoutMs = 180_000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (started.child.exitCode !== null || started.child.signalCode !== null) {
				throw new Error(
					`${started.name} exited early (${started.child.exitCode ?? started.child.signalCode}); see ${started.logFile}:\n${tail(started.logFile)}`,
				);
			}
			if (await ready().catch(() => false)) return;
			await sleep(500);
		}
		throw new Error(
			`${started.name} did not become ready within ${Math.round(timeoutMs / 1000)} s; see ${started.logFile}:\n${tail(started.logFile)}`,
		);
	}

	/**
	 * Stops one process: `signal` (TERM by default), then KILL after `graceMs`.
	 * @param {Started} started @param {{ signal?: NodeJS.Signals, graceMs?: number }} [options]
	 * @returns {Promise<{ killed: boolean }>} killed: it had to be KILLed
	 */
	async stop(started, { signal = 'SIGTERM', graceMs = 15_000 } = {}) {
		const { child } = started;
		const exited = () => child.exitCode !== null || child.signalCode !== null;
		if (exited()) return { killed: false };
		const done = new Promise((resolve) => child.once('exit', resolve));
		child.kill(signal);
		const inTime = await Promise.race([done.then(() => true), sleep(graceMs).then(() => false)]);
		if (inTime) return { killed: false };
		child.kill('SIGKILL');
		await done;
		return { killed: true };
	}

	async stopAll() {
		for (const started of [...this.started].reverse()) await this.stop(started);
		this.started = [];
	}
}

/** The last lines of a log file, for an error message. */
function tail(/** @type {string} */ file, lines = 20) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

module.exports = { Processes, ensureDebianPackages, aptInstall, onPath, freePort, sleep, tail };
