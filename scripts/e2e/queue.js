// @ts-check
/**
 * `npm run test:queue`: the package on n8n's distributed engine, measured.
 *
 * Stands up, on loopback and under a temporary folder: PostgreSQL and Redis from Debian's packages
 * (installed with apt-get when missing), n8n 2.41.1 as one main and two workers in queue mode
 * (`EXECUTIONS_MODE=queue`, one `N8N_ENCRYPTION_KEY`), and the emulator as both vendors. The package
 * is installed in each process's own nodes folder (`<N8N_USER_FOLDER>/.n8n/nodes`), as the
 * community-node installer lays it out: what an operator bakes into the image or volume of every
 * process, and the way that works offline (N8N_COMMUNITY_PACKAGES would install from the registry).
 *
 * Then: 200 executions submitted at once through a production webhook, each checking several
 * Surepass orders and Paycode batches, with 2% transient vendor faults, a Passport token that
 * expires during the run, some executions cancelled while they wait for completion, and one worker
 * killed (TERM, then KILL) in the middle. Every execution must end in a known state; every finished
 * one must have routed exactly what the emulator holds; both workers must have worked. Then three
 * executions with Only Changes Since Last Run, the first on one worker and the next two on the
 * other: the record one writes in PostgreSQL must be what the other reads. Then two workers, and
 * four (two more started), each run 300 orders on one account that the vendor limits per calendar
 * second, each worker's credential at the account's whole rate: no order may be lost; the figures
 * (429s, wall time against the earliest, where each worker's rate settled) are printed. Prints a
 * table; exits non-zero when a check fails. Stops everything it started.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const {
	ensureN8n,
	packPackage,
	installTarball,
	n8nCli,
	importEmulatorCredentials,
	startN8n,
	n8nDir,
	N8N_VERSION,
} = require('../lib/n8n-env');
const { Processes, ensureDebianPackages, freePort, sleep, onPath } = require('../lib/processes');
const { ownerSession, api, webhookAnswering, activateWebhookWorkflow } = require('../lib/n8n-rest');
const { createEmulator } = require('../../test/emulator');
const { calendarSeconds, earliestFinish } = require('../../test/emulator/rate-limits');

const EXECUTIONS = 200;
/** Executions waiting for an order that never completes, cancelled during the run. */
const CANCELLED = 10;
/** Every 9th execution waits about 4 s for an order that completes on its 5th check. */
const WORKER_CONCURRENCY = 10;
const TOKEN_LIFETIME_SECONDS = 20;
const FAULT_EVERY = 50;

/** What each execution checks, and what the emulator holds for it (items per branch, per stamp or token). */
const ORDERS = [
	'bulk_stamp_v2_demoMixed00001',
	'bulk_stamp_v2_vomMHvHnecrlzTPRtyL',
	'bulk_stamp_v2_demoAllFailed1',
];
const BATCHES = ['123456', 'BATCH-WITH-FAILURES', 'GEN-IN-PROGRESS'];

function postgresBinaries() {
	const base = '/usr/lib/postgresql';
	const versions = fs.existsSync(base)
		? fs.readdirSync(base).filter((name) => fs.existsSync(path.join(base, name, 'bin', 'postgres')))
		: [];
	const version = versions.sort((a, b) => Number(b) - Number(a))[0];
	return version === undefined ? undefined : path.join(base, version, 'bin');
}

/** @param {number} port */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('error', () => resolve(false));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.write('PING\r\n');
	});
}

/** @param {{ uid?: number, gid?: number }} owner @param {string} command @param {string[]} args */
function run(owner, command, args) {
	const result = spawnSync(command, args, { encoding: 'utf8', uid: owner.uid, gid: owner.gid });
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
	return result.stdout;
}

async function main() {
	const started = Date.now();
	const stepTimes = /** @type {Array<[string, number]>} */ ([]);
	let stepStart = Date.now();
	const step = (/** @type {string} */ name) => {
		stepTimes.push([name, Date.now() - stepStart]);
		stepStart = Date.now();
	};
	console.log(`n8n ${N8N_VERSION} in queue mode: PostgreSQL, Redis, one main, two workers\n`);
	if (!postgresBinaries())
		ensureDebianPackages([
			{ program: '/usr/lib/postgresql/15/bin/postgres', package: 'postgresql' },
		]);
	ensureDebianPackages([{ program: 'redis-server', package: 'redis-server' }]);
	const pgBin = postgresBinaries();
	if (!pgBin)
		throw new Error('PostgreSQL server binaries not found after installing the postgresql package');
	const bin = ensureN8n();
	const tarball = packPackage();
	step('install and build');

	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-'));
	fs.chmodSync(work, 0o755);
	const processes = new Processes();
	const emulator = createEmulator({ tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS });
	/** The rate-limited account of each rate phase: its own vendor stand-in, so its own account. */
	/** @type {Record<number, ReturnType<typeof createEmulator>>} */
	const rateEmulators = Object.fromEntries(
		RATE_PHASES.map((phase) => [phase.workers, createEmulator()]),
	);
	for (const own of Object.values(rateEmulators)) await own.start();
	let failures = 0;
	let completed = false;
	try {
		// PostgreSQL refuses to run as root: as root, it runs as Debian's postgres user.
		const asRoot = process.getuid?.() === 0;
		const pgOwner = asRoot
			? {
					uid: Number(run({}, 'id', ['-u', 'postgres']).trim()),
					gid: Number(run({}, 'id', ['-g', 'postgres']).trim()),
				}
			: {};
		const pgData = path.join(work, 'postgres');
		fs.mkdirSync(pgData, { mode: 0o700 });
		if (asRoot)
			fs.chownSync(
				pgData,
				/** @type {number} */ (pgOwner.uid),
				/** @type {number} */ (pgOwner.gid),
			);
		run(pgOwner, path.join(pgBin, 'initdb'), [
			'-D',
			pgData,
			'-U',
			'n8n',
			'-A',
			'trust',
			'-E',
			'UTF8',
			'--no-sync',
		]);
		const pgPort = await freePort();
		const postgres = processes.start(
			'postgres',
			path.join(pgBin, 'postgres'),
			[
				'-D',
				pgData,
				'-p',
				String(pgPort),
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				`unix_socket_directories=${pgData}`,
				'-c',
				'fsync=off',
				'-c',
				'max_connections=300',
			],
			{
				logFile: path.join(work, 'postgres.log'),
				...pgOwner,
			},
		);
		await processes.waitUntil(
			postgres,
			async () =>
				spawnSync(onPath('pg_isready') ?? path.join(pgBin, 'pg_isready'), [
					'-h',
					'127.0.0.1',
					'-p',
					String(pgPort),
				]).status === 0,
		);
		run({}, onPath('psql') ?? path.join(pgBin, 'psql'), [
			'-h',
			'127.0.0.1',
			'-p',
			String(pgPort),
			'-U',
			'n8n',
			'-d',
			'postgres',
			'-c',
			'CREATE DATABASE n8n',
		]);
		const redisPort = await freePort();
		fs.mkdirSync(path.join(work, 'redis'));
		const redis = processes.start(
			'redis',
			'redis-server',
			[
				'--port',
				String(redisPort),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				path.join(work, 'redis'),
			],
			{ logFile: path.join(work, 'redis.log') },
		);
		await processes.waitUntil(
			redis,
			async () => /** @type {boolean} */ (await redisPing(redisPort)),
		);
		await emulator.start(0, '127.0.0.1');
		// Every answer takes 100 ms, as a vendor across a network would.
		emulator.latencyMs = 100;
		step('PostgreSQL, Redis and the emulator started');

		const shared = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('base64'),
			// A worker that dies leaves its jobs stalled; these make Bull notice within seconds (a
			// live worker renews its lock every 2 s).
			QUEUE_WORKER_LOCK_DURATION: '10000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
			// n8n's own recovery of executions whose job is gone, every minute instead of every 3 hours.
			N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
			N8N_LOG_LEVEL: 'info',
		};
		/** @type {Record<string, string>} */
		const homes = {};
		for (const name of ['main', 'worker-1', 'worker-2', 'worker-3', 'worker-4']) {
			homes[name] = path.join(work, name);
			installTarball(homes[name], tarball);
		}
		const mainPort = await freePort();
		importEmulatorCredentials(
			bin,
			homes.main,
			mainPort,
			emulator,
			RATE_PHASES.map((phase) => ({
				id: `surepass-limited-${phase.workers}`,
				name: `Surepass (rate-limited account, ${phase.workers} workers)`,
				type: 'surepassApi',
				// The account's whole rate for each worker (RATE_PER_SECOND, in a window scaled down
				// from a minute to RATE_WINDOW_S): no worker knows how many others share it.
				data: {
					...rateEmulators[phase.workers].surepassCredential(),
					requestsPerMinute: RATE_PER_SECOND * RATE_WINDOW_S,
					rateLimitWindowSeconds: RATE_WINDOW_S,
				},
			})),
			shared,
		);
		const workflowFile = path.join(work, 'workflow.json');
		fs.writeFileSync(
			workflowFile,
			JSON.stringify([
				loadWorkflow(),
				changesWorkflow(),
				...RATE_PHASES.map((phase) => rateWorkflow(phase.workers)),
			]),
		);
		n8nCli(bin, homes.main, ['import:workflow', `--input=${workflowFile}`], mainPort, shared);
		const main = await startN8n(processes, bin, homes.main, mainPort, {
			name: 'main',
			env: shared,
			logFile: path.join(work, 'main.log'),
		});
		/**
		 * Starts `n8n worker` in the home of `home` as `name`, ready once its health check answers.
		 * @param {string} home @param {string} name @param {string} logFile
		 */
		const startWorker = async (home, name, logFile) => {
			const healthPort = await freePort();
			return await startN8n(processes, bin, homes[home], await freePort(), {
				command: 'worker',
				name,
				env: {
					...shared,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_CONCURRENCY_PRODUCTION_LIMIT: String(WORKER_CONCURRENCY),
				},
				readyUrl: `http://127.0.0.1:${healthPort}/healthz/readiness`,
				logFile,
			});
		};
		/** @type {Record<string, Awaited<ReturnType<typeof startN8n>>>} */
		const workers = {};
		for (const name of ['worker-1', 'worker-2'])
			workers[name] = await startWorker(name, name, path.join(work, `${name}.log`));
		const cookie = await ownerSession(main.url);
		const workflows = (await api(main.url, cookie, 'GET', '/rest/workflows')).data;
		/** @type {Record<string, string>} workflow name -> ID */
		const workflowIds = {};
		for (const [name, webhookPath] of [
			[QUEUE_WORKFLOW_NAME, QUEUE_PATH],
			[CHANGES_WORKFLOW_NAME, CHANGES_PATH],
			...RATE_PHASES.map((phase) => [rateWorkflowName(phase.workers), ratePath(phase.workers)]),
		]) {
			const stored = workflows.find((/** @type {any} */ workflow) => workflow.name === name);
			workflowIds[name] = stored.id;
			await activateWebhookWorkflow(main.url, cookie, stored.id, webhookPath);
		}
		step('n8n main and two workers started, the workflow active');

		// 2% transient faults at the vendors: every 50th request answers 503 once.
		let seen = 0;
		emulator.addFault({
			when: (req) => req.route !== 'passport' && ++seen % FAULT_EVERY === 0,
			status: 503,
			body: '',
		});
		emulator.resetStats();

		// Submit everything at once: CANCELLED wait for an order that never completes, SLOW wait a few
		// seconds for one that does, the rest check ORDERS and BATCHES.
		const submitted = Array.from({ length: EXECUTIONS }, (_, n) => {
			if (n < CANCELLED)
				return {
					runId: `run-${n}`,
					kind: 'cancel',
					wait: true,
					orders: [`bulk_stamp_v2_progress_9999_cancel${n}`],
					batches: [],
				};
			if (n % 9 === 0)
				return {
					runId: `run-${n}`,
					kind: 'slow',
					wait: true,
					orders: [`bulk_stamp_v2_progress_5_slow${n}`],
					batches: [],
				};
			return { runId: `run-${n}`, kind: 'normal', wait: false, orders: ORDERS, batches: BATCHES };
		});
		const wallStart = Date.now();
		/** @type {Record<string, string>} runId -> executionId */
		const executionOf = {};
		// Kill worker-2 (TERM, then KILL after 2 s) in the middle of the run, at a moment it is running
		// one of the slow executions (so that it dies holding work that would have completed).
		let answered = 0;
		/** @type {Promise<{ at: number, afterTerm: string }> | undefined} */
		let killing;
		/** The executions a worker's log shows started and not finished. */
		const inFlightOn = (/** @type {string} */ name) => {
			const log = fs.readFileSync(path.join(work, `${name}.log`), 'utf8');
			const finished = new Set(
				[...log.matchAll(/Worker finished execution (\d+)/g)].map((m) => m[1]),
			);
			return [...log.matchAll(/Worker started execution (\d+)/g)]
				.map((m) => m[1])
				.filter((id) => !finished.has(id));
		};
		/** @type {string[]} */
		let heldByDeadWorker = [];
		const kill = async () => {
			const at = Date.now() - wallStart;
			const term = await processes.stop(workers['worker-2'], { signal: 'SIGTERM', graceMs: 2000 });
			heldByDeadWorker = inFlightOn('worker-2');
			return {
				at,
				afterTerm: term.killed
					? 'still running 2 s after TERM: KILLed'
					: 'exited on TERM within 2 s',
			};
		};
		const responses = submitted.map(async (body) => {
			const response = await fetch(`${main.url}/webhook/${QUEUE_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			const answer = /** @type {any} */ (await response.json().catch(() => ({})));
			if (answer.executionId) executionOf[body.runId] = String(answer.executionId);
			answered++;
			const onWorker2 =
				body.kind === 'slow' &&
				answer.executionId &&
				inFlightOn('worker-2').includes(String(answer.executionId));
			if (
				!killing &&
				((onWorker2 && answered >= EXECUTIONS / 4) || answered === (EXECUTIONS * 3) / 4)
			)
				killing = kill();
			return response.status;
		});
		const statuses = await Promise.all(responses);
		const killed = await /** @type {Promise<{ at: number, afterTerm: string }>} */ (
			killing ?? kill()
		);
		console.log(
			`submitted ${EXECUTIONS} executions through the webhook: ${statuses.filter((status) => status === 200).length} answered 200 with their execution ID`,
		);
		console.log(
			`worker-2 stopped ${(killed.at / 1000).toFixed(1)} s into the run: ${killed.afterTerm}`,
		);

		// Leave n8n time to deal with the dead worker's executions (its job locks lapse after 10 s,
		// stalled jobs are looked for every 5 s, dangling executions every minute), then cancel
		// what still waits for an order that never completes.
		const deadSince = Date.now();
		const deadStatus = /** @type {Record<string, number>} */ ({});
		while (Date.now() - deadSince < 150_000) {
			for (const key of Object.keys(deadStatus)) delete deadStatus[key];
			for (const id of heldByDeadWorker) {
				const status =
					(await api(main.url, cookie, 'GET', `/rest/executions/${id}`)).data?.status ?? 'unknown';
				deadStatus[status] = (deadStatus[status] ?? 0) + 1;
			}
			if (!deadStatus.running && !deadStatus.new) break;
			await sleep(2000);
		}
		const deadAfter = `${
			Object.entries(deadStatus)
				.map(([status, count]) => `${count} ${status}`)
				.join(', ') || 'none held'
		} after ${((Date.now() - deadSince) / 1000).toFixed(0)} s`;
		console.log(`the executions worker-2 held: ${deadAfter}`);
		const cancelIds = submitted
			.filter((body) => body.kind === 'cancel')
			.map((body) => executionOf[body.runId])
			.filter(Boolean);
		for (const id of cancelIds)
			await api(main.url, cookie, 'POST', `/rest/executions/${id}/stop`).catch(
				(/** @type {Error} */ error) => console.log(`  stopping ${id}: ${error.message}`),
			);

		// Every submitted execution must end in a known state.
		/** @type {Record<string, any>} */
		const finals = {};
		const deadline = Date.now() + 300_000;
		for (const body of submitted) {
			const id = executionOf[body.runId];
			if (!id) continue;
			finals[body.runId] = await waitForStatus(
				main.url,
				cookie,
				id,
				['success', 'error', 'canceled', 'crashed'],
				Math.max(1000, deadline - Date.now()),
			);
		}
		const wallMs = Date.now() - wallStart;
		step(`${EXECUTIONS} executions`);

		// Exact counts per branch for every finished execution, against what the emulator holds.
		const { parse } = require(path.join(n8nDir, 'node_modules', 'flatted'));
		// Per execution, items per branch of each node, as the emulator holds them.
		const EXPECTED = {
			normal: { surepass: JSON.stringify([[1, 5, 2 + 2]]), paycode: JSON.stringify([[0, 17, 2]]) },
			slow: { surepass: JSON.stringify([[0, 4, 0]]), paycode: JSON.stringify([]) },
		};
		let lost = 0;
		let wrong = 0;
		const byStatus = /** @type {Record<string, number>} */ ({});
		for (const body of submitted) {
			const final = finals[body.runId];
			const status = final?.status ?? 'unknown';
			byStatus[status] = (byStatus[status] ?? 0) + 1;
			if (!final) lost++;
			if (body.kind === 'cancel' || status !== 'success') continue;
			const runData = parse(final.data).resultData.runData;
			const counts = (/** @type {string} */ node) =>
				JSON.stringify(
					(runData[node] ?? []).map((/** @type {any} */ run) =>
						(run.data?.main ?? []).map((/** @type {any[]} */ items) => items?.length ?? 0),
					),
				);
			const expected = EXPECTED[/** @type {'normal' | 'slow'} */ (body.kind)];
			if (
				counts('Surepass Stamp') !== expected.surepass ||
				counts('Interswitch Paycode') !== expected.paycode
			) {
				wrong++;
				if (wrong <= 3)
					console.log(
						`  ${body.runId}: Surepass ${counts('Surepass Stamp')} (expected ${expected.surepass}), Paycode ${counts('Interswitch Paycode')} (expected ${expected.paycode})`,
					);
			}
		}

		// Which worker ran what: each worker logs "Worker started execution <id>".
		const perWorker = Object.fromEntries(
			Object.keys(workers).map((name) => [
				name,
				new Set(
					[
						...fs
							.readFileSync(path.join(work, `${name}.log`), 'utf8')
							.matchAll(/Worker started execution (\d+)/g),
					].map((m) => m[1]),
				),
			]),
		);
		const startedTwice = [...perWorker['worker-1']].filter((id) => perWorker['worker-2'].has(id));
		const waitIds = new Set(
			submitted.filter((body) => body.kind === 'cancel').map((body) => executionOf[body.runId]),
		);
		const deadFate = heldByDeadWorker.map((id) => {
			const body = submitted.find((entry) => executionOf[entry.runId] === id);
			const final = body ? finals[body.runId] : undefined;
			return `${id}${waitIds.has(id) ? ' (waiting, to cancel)' : ` (${body?.kind})`}: ${final?.status ?? 'unknown'}${perWorker['worker-1'].has(id) ? ', run again by worker-1' : ''}`;
		});

		// Run again what did not finish (n8n's retry), and one that did (the same request once more):
		// the nodes only read, so a re-run must be safe and give the same answer.
		const counts = (/** @type {any} */ execution, /** @type {string} */ node) =>
			JSON.stringify(
				(parse(execution.data).resultData.runData[node] ?? []).map((/** @type {any} */ run) =>
					(run.data?.main ?? []).map((/** @type {any[]} */ items) => items?.length ?? 0),
				),
			);
		const sameAnswer = (/** @type {any} */ execution, /** @type {'normal' | 'slow'} */ kind) =>
			execution?.status === 'success' &&
			counts(execution, 'Surepass Stamp') === EXPECTED[kind].surepass &&
			counts(execution, 'Interswitch Paycode') === EXPECTED[kind].paycode;
		const submitAgain = async (
			/** @type {typeof submitted[number]} */ body,
			/** @type {string} */ suffix,
		) => {
			const response = await fetch(`${main.url}/webhook/${QUEUE_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ ...body, runId: `${body.runId}-${suffix}` }),
			});
			const answer = /** @type {any} */ (await response.json());
			return await waitForStatus(
				main.url,
				cookie,
				String(answer.executionId),
				['success', 'error', 'canceled', 'crashed'],
				120_000,
			);
		};
		const unfinished = submitted.filter(
			(body) => body.kind !== 'cancel' && finals[body.runId]?.status !== 'success',
		);
		let rerunOk = 0;
		/** @type {string[]} */
		const n8nRetries = [];
		for (const body of unfinished) {
			// n8n's own Retry first (what an operator clicks), then the same request once more.
			const retried = await api(
				main.url,
				cookie,
				'POST',
				`/rest/executions/${executionOf[body.runId]}/retry`,
				{ loadWorkflow: false },
			).catch((/** @type {Error} */ error) => ({
				data: { status: `refused (${error.message.slice(0, 60)})` },
			}));
			n8nRetries.push(String(retried.data?.status));
			if (
				sameAnswer(await submitAgain(body, 'again'), /** @type {'normal' | 'slow'} */ (body.kind))
			)
				rerunOk++;
		}
		const sample = submitted.find(
			(body) => body.kind === 'normal' && finals[body.runId]?.status === 'success',
		);
		const resubmitted = sample ? sameAnswer(await submitAgain(sample, 'again'), 'normal') : false;
		const rerun = `killed with the worker, submitted again: ${rerunOk} of ${unfinished.length} gave the same counts (n8n's Retry of them: ${n8nRetries.join(', ') || 'none'}); a finished one submitted again: ${resubmitted ? 'same counts' : 'DIFFERENT'}`;
		step('running again');

		// Only Changes Since Last Run across workers: the record one worker writes in n8n's database
		// is what the other reads. Execution 1 runs on worker-1 (worker-2 is dead by now); then
		// worker-2 is started again and worker-1 stopped, so executions 2 and 3 can only run on
		// worker-2. The progressing order has 2 stamps pending until its 2nd check, then all 4
		// available; the other order's stamps all failed. Per order, one item per branch:
		emulator.clearFaults();
		const changesExpected = [[[1, 1, 1]], [[0, 1, 0]], [[0, 0, 0]]];
		/** @type {Array<{ id: string, status: string, counts: string, worker: string }>} */
		const changesRuns = [];
		const workerLogs = {
			'worker-1': path.join(work, 'worker-1.log'),
			'worker-2 (started again)': path.join(work, 'worker-2-again.log'),
		};
		const ranOn = (/** @type {string} */ id) =>
			Object.entries(workerLogs)
				.filter(
					([, file]) =>
						fs.existsSync(file) &&
						new RegExp(`Worker started execution ${id}\\b`).test(fs.readFileSync(file, 'utf8')),
				)
				.map(([name]) => name)
				.join(' and ') || 'no worker';
		const runChanges = async () => {
			const response = await fetch(`${main.url}/webhook/${CHANGES_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ orders: CHANGES_ORDERS }),
			});
			const answer = /** @type {any} */ (await response.json());
			const execution = await waitForStatus(
				main.url,
				cookie,
				String(answer.executionId),
				['success', 'error', 'canceled', 'crashed'],
				120_000,
			);
			const id = String(answer.executionId);
			changesRuns.push({
				id,
				status: execution?.status ?? 'unknown',
				counts: execution?.data ? counts(execution, 'Surepass Stamp') : '(no data)',
				worker: ranOn(id),
			});
		};
		await runChanges();
		await startWorker(
			'worker-2',
			'worker-2 (started again)',
			workerLogs['worker-2 (started again)'],
		);
		await processes.stop(workers['worker-1'], { signal: 'SIGTERM', graceMs: 15_000 });
		await runChanges();
		await runChanges();
		const changesRows = /** @type {Array<{ value: string }>} */ (
			JSON.parse(
				run({}, onPath('psql') ?? path.join(pgBin, 'psql'), [
					'-h',
					'127.0.0.1',
					'-p',
					String(pgPort),
					'-U',
					'n8n',
					'-d',
					'n8n',
					'-At',
					'-c',
					`SELECT coalesce(json_agg(json_build_object('value', value)), '[]') FROM processed_data WHERE "workflowId" = '${workflowIds[CHANGES_WORKFLOW_NAME]}'`,
				]).trim() || '[]',
			)
		);
		const changesEntries = changesRows.flatMap(
			(row) => /** @type {string[]} */ (JSON.parse(row.value).data ?? []),
		);
		const changesSummary = changesRuns
			.map((entry, index) => `execution ${index + 1} on ${entry.worker}: ${entry.counts}`)
			.join('; ');
		step('Only Changes Since Last Run across workers');
		// The figures of the phases above, before the next one starts counting afresh.
		const passport = emulator.requestsTo('passport').length;
		const vendorRequests =
			(emulator.stats.byRoute.surepass ?? 0) + (emulator.stats.byRoute.interswitch ?? 0);

		// Two, then four workers on one account the vendor limits per second (RATE_PER_SECOND in each
		// calendar second, 429 without Retry-After beyond). Each worker keeps its own budget of the
		// account's whole rate (no state is shared between processes), so together they ask for two
		// and four times the limit until 429s lower their rates.
		await startWorker(
			'worker-1',
			'worker-1 (started again)',
			path.join(work, 'worker-1-again.log'),
		);
		emulator.clearFaults();
		/** @type {Record<string, string>} the workers of the rate phases, and their logs */
		const rateLogs = {
			'worker-1 (started again)': path.join(work, 'worker-1-again.log'),
			'worker-2 (started again)': workerLogs['worker-2 (started again)'],
		};
		/** @type {Array<{ workers: number, lost: number, failedExecutions: number, refused: number, requests: number, wallMs: number, earliestMs: number, byWorker: string, settled: string[] }>} */
		const rateResults = [];
		for (const phase of RATE_PHASES) {
			for (let n = Object.keys(rateLogs).length + 1; n <= phase.workers; n++) {
				const name = `worker-${n}`;
				rateLogs[name] = path.join(work, `${name}.log`);
				await startWorker(name, name, rateLogs[name]);
			}
			const logStart = Object.fromEntries(
				Object.entries(rateLogs).map(([name, file]) => [
					name,
					fs.existsSync(file) ? fs.statSync(file).size : 0,
				]),
			);
			const own = rateEmulators[phase.workers];
			own.resetStats();
			own.limitRate({ vendor: calendarSeconds(RATE_PER_SECOND, () => ({})) });
			const rateStarted = Date.now();
			const rateIds = await Promise.all(
				Array.from({ length: RATE_EXECUTIONS }, async () => {
					const response = await fetch(`${main.url}/webhook/${ratePath(phase.workers)}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({
							orders: Array.from({ length: RATE_ORDERS }, () => 'bulk_stamp_v2_demoMixed00001'),
						}),
					});
					return String(/** @type {any} */ (await response.json()).executionId);
				}),
			);
			const rateFinals = await Promise.all(
				rateIds.map((id) =>
					waitForStatus(main.url, cookie, id, ['success', 'error', 'canceled', 'crashed'], 600_000),
				),
			);
			const wallMs = Date.now() - rateStarted;
			own.limitRate(undefined);
			let lost = 0;
			for (const execution of rateFinals) {
				if (execution?.status !== 'success' || !execution.data) {
					lost += RATE_ORDERS;
					continue;
				}
				const outputs =
					parse(execution.data).resultData.runData['Surepass Stamp']?.[0]?.data?.main ?? [];
				// Each order of demoMixed00001 gives one Pending, one Available and one Failed item; an
				// order the rate limit defeated gives an error item instead.
				lost += RATE_ORDERS - (outputs[1] ?? []).length;
			}
			const logsNow = Object.fromEntries(
				Object.entries(rateLogs).map(([name, file]) => [
					name,
					fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(logStart[name]) : '',
				]),
			);
			const ranOn = rateIds.map(
				(id) =>
					Object.entries(logsNow).find(([, text]) =>
						new RegExp(`Worker started execution ${id}\\b`).test(text),
					)?.[0] ?? 'no worker',
			);
			// Where each worker's rate settled, as its log says at the end of each execution.
			const settled = Object.entries(logsNow).flatMap(([name, text]) => {
				const lines = text.match(/rate settled at [^\n]*/g) ?? [];
				return lines.length === 0 ? [] : [`${name}: ${lines.at(-1)}`];
			});
			rateResults.push({
				workers: phase.workers,
				lost,
				failedExecutions: rateFinals.filter((execution) => execution?.status !== 'success').length,
				refused: own.stats.rateLimited,
				requests: own.requestsTo('surepass').length,
				wallMs,
				earliestMs: earliestFinish(
					calendarSeconds(RATE_PER_SECOND, () => ({})),
					RATE_EXECUTIONS * RATE_ORDERS,
				),
				byWorker: [...new Set(ranOn)]
					.map((worker) => `${worker} ${ranOn.filter((w) => w === worker).length}`)
					.join(', '),
				settled,
			});
			step(`${phase.workers} workers on one account limited per second`);
		}

		const usableSeconds = Math.max(TOKEN_LIFETIME_SECONDS / 2, TOKEN_LIFETIME_SECONDS - 30);
		const passportBound = 2 * (Math.ceil(wallMs / 1000 / usableSeconds) + 1);
		const rows = [
			['executions submitted', String(EXECUTIONS)],
			['… finished (success)', String(byStatus.success ?? 0)],
			['… failed (error), all held by the dead worker', String(byStatus.error ?? 0)],
			['… canceled', String(byStatus.canceled ?? 0)],
			['… crashed', String(byStatus.crashed ?? 0)],
			['… in no known state', String(lost + (byStatus.unknown ?? 0) - lost)],
			['finished executions with other counts per branch than the emulator holds', String(wrong)],
			[
				'executions started by worker-1 / worker-2',
				`${perWorker['worker-1'].size} / ${perWorker['worker-2'].size}`,
			],
			['executions started on both workers (after worker-2 died)', String(startedTwice.length)],
			[
				'executions worker-2 held when it died, and how they ended',
				deadFate.length === 0 ? 'none' : deadFate.join('; '),
			],
			['… what n8n made of them, before anything was stopped', deadAfter],
			['vendor requests (Surepass + Paycode)', String(vendorRequests)],
			['transient faults injected (503)', String(Math.floor(seen / FAULT_EVERY))],
			[
				`Passport token requests (token lifetime ${TOKEN_LIFETIME_SECONDS} s)`,
				`${passport} (bound: 2 workers × (wall ÷ ${usableSeconds} s usable + 1) = ${passportBound})`,
			],
			['most requests in flight at the vendor', String(emulator.stats.maxInFlight)],
			['wall time, submit to last final state', `${(wallMs / 1000).toFixed(1)} s`],
			['executions per second', (EXECUTIONS / (wallMs / 1000)).toFixed(1)],
			['worker-2 killed', `${(killed.at / 1000).toFixed(1)} s in; ${killed.afterTerm}`],
			['running again', rerun],
			[
				'Only Changes Since Last Run, three executions in a row, [Pending, Available, Failed] items',
				`${changesSummary} (expected ${changesExpected.map((e) => JSON.stringify(e)).join(', ')})`,
			],
			[
				'… its record in PostgreSQL (processed_data)',
				`${changesEntries.length} entries in ${changesRows.length} row(s)`,
			],
			...rateResults.map((result) => [
				`${result.workers} workers, one account limited to ${RATE_PER_SECOND} requests per calendar second (each worker's credential at the whole rate): ${RATE_EXECUTIONS} executions × ${RATE_ORDERS} orders`,
				`orders lost ${result.lost}; 429s ÷ requests ${result.refused} ÷ ${result.requests} = ${((result.refused / Math.max(1, result.requests)) * 100).toFixed(1)}%; wall ÷ earliest ${(result.wallMs / 1000).toFixed(1)} s ÷ ${(result.earliestMs / 1000).toFixed(1)} s = ${(result.wallMs / result.earliestMs).toFixed(2)}; executions by worker: ${result.byWorker}; last settled rates: ${result.settled.join('; ') || 'none logged'}`,
			]),
		];
		console.log('\n| Measure | Value |\n|---|---|');
		for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);

		const check = (/** @type {boolean} */ ok, /** @type {string} */ what) => {
			console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
			if (!ok) failures++;
		};
		console.log('');
		check(
			statuses.every((status) => status === 200) && Object.keys(executionOf).length === EXECUTIONS,
			'every submission was accepted with its execution ID',
		);
		check(
			lost === 0 && byStatus.unknown === undefined,
			'every submitted execution ended in a known state',
		);
		const waitEnds = submitted
			.filter((body) => body.kind === 'cancel')
			.map((body) => finals[body.runId]?.status);
		const waitEndedByDeath = submitted.filter(
			(body) =>
				body.kind === 'cancel' &&
				heldByDeadWorker.includes(executionOf[body.runId]) &&
				['crashed', 'error'].includes(finals[body.runId]?.status),
		).length;
		check(
			waitEnds.every((status) => status === 'canceled') ||
				waitEnds.filter((status) => status === 'canceled').length + waitEndedByDeath === CANCELLED,
			`the ${CANCELLED} executions waiting for completion: ${waitEnds.filter((status) => status === 'canceled').length} canceled, ${waitEndedByDeath} ended with the worker that ran them`,
		);
		check(rerunOk === unfinished.length && resubmitted, 'running again gives the same answer');
		check(
			wrong === 0,
			'every finished execution routed exactly what the emulator holds (0 lost, 0 duplicated)',
		);
		check(
			perWorker['worker-1'].size > 0 && perWorker['worker-2'].size > 0,
			'both workers ran executions',
		);
		check(
			passport >= 1 && passport <= passportBound,
			`Passport token requests within the bound (${passport} ≤ ${passportBound})`,
		);
		const failedElsewhere = submitted.filter(
			(body) =>
				['error', 'crashed'].includes(finals[body.runId]?.status) &&
				!heldByDeadWorker.includes(executionOf[body.runId]),
		).length;
		check(failedElsewhere === 0, 'no execution failed but those the dead worker held');
		check(
			changesRuns.length === 3 &&
				changesRuns.every(
					(entry, index) =>
						entry.status === 'success' && entry.counts === JSON.stringify(changesExpected[index]),
				),
			'Only Changes Since Last Run: the second and third executions routed only what changed since the one before',
		);
		check(
			changesRuns[0]?.worker === 'worker-1' &&
				changesRuns.slice(1).every((entry) => entry.worker === 'worker-2 (started again)'),
			'… the first ran on worker-1, the next two on worker-2: the record crossed workers',
		);
		// As in npm run test:e2e: 2 pending and 2 available stamps, the other order's 2 failed ones, then
		// the 2 that became available: each stamp once per branch it was routed to.
		check(
			changesEntries.length === 8 && changesRows.length === 1,
			`… n8n's processed_data table in PostgreSQL holds the record: ${changesEntries.length} entries in ${changesRows.length} row(s) (8 in 1 expected)`,
		);
		for (const result of rateResults)
			check(
				result.lost === 0 && result.failedExecutions === 0,
				`${result.workers} workers on one account limited per second: ${RATE_EXECUTIONS * RATE_ORDERS} orders, ${result.lost} lost`,
			);
		completed = true;
	} finally {
		await processes.stopAll();
		await emulator.stop();
		for (const own of Object.values(rateEmulators)) await own.stop();
		if (completed && failures === 0 && process.env.KEEP_LOGS !== '1')
			fs.rmSync(work, { recursive: true, force: true });
		else console.log(`\nlogs kept for a look: ${work}`);
	}
	stepTimes.push(['checks and shutdown', Date.now() - stepStart]);
	console.log(
		`\nsteps: ${stepTimes.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(0)} s`).join('; ')}; total ${((Date.now() - started) / 1000).toFixed(0)} s`,
	);
	console.log(
		failures === 0 ? 'e2e:queue: all checks passed' : `e2e:queue: ${failures} check(s) failed`,
	);
	process.exitCode = failures === 0 ? 0 : 1;
}

/** Polls an execution until its status is one of `wanted`; returns it (with data when finished). */
async function waitForStatus(
	/** @type {string} */ url,
	/** @type {string} */ cookie,
	/** @type {string} */ id,
	/** @type {string[]} */ wanted,
	timeoutMs = 120_000,
) {
	const deadline = Date.now() + timeoutMs;
	/** @type {any} */
	let last;
	while (Date.now() < deadline) {
		last = (await api(url, cookie, 'GET', `/rest/executions/${id}`)).data;
		if (last && wanted.includes(last.status) && (wanted.includes('running') || last.data))
			return last;
		await sleep(500);
	}
	return last;
}

/** The rate phases: two workers, then four, each on an account of its own. */
const RATE_PHASES = [{ workers: 2 }, { workers: 4 }];
/** The vendor's limit per calendar second, scaled up from Surepass's 100 a minute so a phase runs in about 30 s. */
const RATE_PER_SECOND = 10;
/** The credential's window, scaled down from a minute as the limit is. */
const RATE_WINDOW_S = 2;
const RATE_EXECUTIONS = 12;
const RATE_ORDERS = 25;

/** The webhook path of a rate phase's workflow. */
function ratePath(/** @type {number} */ workers) {
	return `surepass-interswitch-rate-${workers}-workers`;
}

function rateWorkflowName(/** @type {number} */ workers) {
	return `Queue mode: Surepass orders on an account limited per second, ${workers} workers`;
}

/** Webhook → answer with the execution ID → one item per order → Surepass Stamp, the phase's rate-limited credential. */
function rateWorkflow(/** @type {number} */ workers) {
	const workflow = changesWorkflow();
	const orders = workflow.nodes.find((node) => node.name === 'Orders');
	const stampNode = /** @type {any} */ (
		workflow.nodes.find((node) => node.name === 'Surepass Stamp')
	);
	return {
		...workflow,
		id: `QueueModeRate00${workers}`,
		name: rateWorkflowName(workers),
		nodes: [
			...webhookAnswering('r', ratePath(workers), `b7e0c1d2-queue-rate-000${workers}`),
			{ ...orders, id: 'r3' },
			{
				...stampNode,
				id: 'r4',
				credentials: {
					surepassApi: {
						id: `surepass-limited-${workers}`,
						name: `Surepass (rate-limited account, ${workers} workers)`,
					},
				},
				parameters: { ...stampNode.parameters, onlyChanges: false },
			},
		],
	};
}

const CHANGES_PATH = 'surepass-interswitch-changes';
const CHANGES_WORKFLOW_NAME = 'Queue mode: Surepass orders, only changes since the last run';
const CHANGES_ORDERS = ['bulk_stamp_v2_progress_2_queue', 'bulk_stamp_v2_demoAllFailed1'];

/** Webhook → answer with the execution ID → one item per order → Surepass Stamp with Only Changes. */
function changesWorkflow() {
	return {
		id: 'QueueModeChanges1',
		name: CHANGES_WORKFLOW_NAME,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		nodes: [
			...webhookAnswering('c', CHANGES_PATH, 'b7e0c1d2-queue-changes-01'),
			{
				id: 'c3',
				name: 'Orders',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: 'body.orders', options: {} },
			},
			{
				id: 'c4',
				name: 'Surepass Stamp',
				type: 'n8n-nodes-surepass-interswitch.surepassStamp',
				typeVersion: 1,
				position: [600, 0],
				credentials: {
					surepassApi: { id: 'surepass-emulator', name: 'Surepass (local emulator)' },
				},
				parameters: {
					resource: 'bulkStampOrder',
					operation: 'getSummary',
					bulkOrderId: "={{ $json['body.orders'] }}",
					output: 'perOrder',
					onlyChanges: true,
					options: {},
				},
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Answer with the execution ID', type: 'main', index: 0 }]] },
			'Answer with the execution ID': { main: [[{ node: 'Orders', type: 'main', index: 0 }]] },
			Orders: { main: [[{ node: 'Surepass Stamp', type: 'main', index: 0 }]] },
		},
	};
}

const QUEUE_PATH = 'surepass-interswitch-queue';
const QUEUE_WORKFLOW_NAME = 'Queue mode load: Surepass orders and Paycode batches';

/** The workflow under load: webhook → answer with the execution ID → split → both nodes. */
function loadWorkflow() {
	const credentials = {
		surepass: { surepassApi: { id: 'surepass-emulator', name: 'Surepass (local emulator)' } },
		paycode: {
			interswitchPaycodeApi: {
				id: 'interswitch-emulator',
				name: 'Interswitch Paycode (local emulator)',
			},
		},
	};
	return {
		id: 'QueueModeLoad001',
		name: QUEUE_WORKFLOW_NAME,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveManualExecutions: true },
		nodes: [
			...webhookAnswering('q', QUEUE_PATH, 'b7e0c1d2-queue-load-0001'),
			{
				id: 'q3',
				name: 'Orders',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, -100],
				parameters: { fieldToSplitOut: 'body.orders', options: {} },
			},
			{
				id: 'q4',
				name: 'Batches',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 100],
				parameters: { fieldToSplitOut: 'body.batches', options: {} },
			},
			{
				id: 'q5',
				name: 'Surepass Stamp',
				type: 'n8n-nodes-surepass-interswitch.surepassStamp',
				typeVersion: 1,
				position: [600, -100],
				credentials: credentials.surepass,
				parameters: {
					resource: 'bulkStampOrder',
					operation: 'getSummary',
					bulkOrderId: "={{ $json['body.orders'] }}",
					output: 'perStamp',
					waitForCompletion: "={{ $('Webhook').first().json.body.wait === true }}",
					pollIntervalSeconds: 1,
					maxWaitSeconds: 600,
					options: { retryDelayMs: 200 },
				},
			},
			{
				id: 'q6',
				name: 'Interswitch Paycode',
				type: 'n8n-nodes-surepass-interswitch.interswitchPaycode',
				typeVersion: 1.1,
				position: [600, 100],
				credentials: credentials.paycode,
				parameters: {
					resource: 'bulkTokenBatch',
					operation: 'getStatus',
					referenceId: "={{ $json['body.batches'] }}",
					output: 'perToken',
					oneTimePins: 'omit',
					options: { retryDelayMs: 200 },
				},
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Answer with the execution ID', type: 'main', index: 0 }]] },
			'Answer with the execution ID': {
				main: [
					[
						{ node: 'Orders', type: 'main', index: 0 },
						{ node: 'Batches', type: 'main', index: 0 },
					],
				],
			},
			Orders: { main: [[{ node: 'Surepass Stamp', type: 'main', index: 0 }]] },
			Batches: { main: [[{ node: 'Interswitch Paycode', type: 'main', index: 0 }]] },
		},
	};
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
