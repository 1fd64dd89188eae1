// @ts-check
/**
 * A local stand-in for the vendor APIs: a real HTTP server on loopback, built on node:http.
 * It serves the endpoints exactly as the seed documents show them, counts what it receives
 * (requests, the most in flight at once), and can be told to misbehave (faults) for tests.
 */
const http = require('node:http');

const { slidingWindow } = require('./rate-limits');

/**
 * @typedef {object} EmulatorRequest
 * @property {string} route            which vendor route answered ("surepass", …)
 * @property {string} method
 * @property {string} path             the decoded path, without query
 * @property {string} rawUrl           the request target exactly as received
 * @property {Record<string, string[]>} query every query parameter, as received
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body
 * @property {Record<string, unknown>} params what the route read from the request (client_id, …)
 *
 * @typedef {object} EmulatorResponse
 * @property {number} status
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 *
 * @typedef {object} Route
 * @property {string} route
 * @property {() => void} [reset]    forget per-request state (progressing orders)
 * @property {(req: EmulatorRequest) => EmulatorResponse | undefined | Promise<EmulatorResponse | undefined>} handle
 *
 * @typedef {object} Fault
 * @property {string} [route]           only requests answered by this route
 * @property {(req: EmulatorRequest) => boolean} [when]  only requests this returns true for
 * @property {number} [times]           how many requests it hits (default: all)
 * @property {number} [status]          answer with this status and the body below
 * @property {Record<string, string>} [headers]
 * @property {string | Buffer | object | ((req: EmulatorRequest) => string | object)} [body]   the body (bytes as they are, objects as JSON; a function makes it from the request)
 * @property {number} [delayMs]         wait before answering
 * @property {'reset' | 'reset-mid' | 'hang' | 'slow'} [action]
 *   reset: close the connection without an answer; reset-mid: send the headers and half the
 *   body, then close; hang: never answer; slow: send the body in small pieces, slowly
 * @property {number} [chunkDelayMs]    for slow: the pause between pieces
 * @property {boolean} [passThrough]    answer normally after the delay (a fault that only delays)
 * @property {number} [hits]            how many requests it has hit so far (kept by the emulator)
 *
 * @typedef {object} Gate
 * @property {number} size              requests to gather before any is answered
 * @property {string | undefined} route only requests answered by this route are held
 * @property {number} skip              requests let through before holding starts
 * @property {boolean} gathered         `size` requests were in flight at once
 * @property {boolean} open
 * @property {Array<() => void>} waiters
 * @property {ReturnType<typeof setTimeout> | undefined} timer
 */

class Emulator {
	/**
	 * @param {{ routes: Route[], latencyMs?: number }} options
	 */
	constructor(options) {
		this.routes = options.routes;
		this.latencyMs = options.latencyMs ?? 0;
		/** @type {Fault[]} */
		this.faults = [];
		/** @type {Array<EmulatorRequest & { status: number | string }>} */
		this.log = [];
		this.logLimit = 10_000;
		this.stats = this.freshStats();
		/** @type {Set<import('node:net').Socket>} */
		this.sockets = new Set();
		/** Called with each request before any route sees it (tests use it to change state mid-run). */
		/** @type {((req: EmulatorRequest) => void) | undefined} */
		this.beforeRoute = undefined;
		/** @type {http.Server | undefined} */
		this.server = undefined;
		this.url = '';
		/** @type {Gate | undefined} */
		this.gate = undefined;
		/**
		 * Bumped by resetStats: a request that arrived before (a client gave up on it, the server
		 * reads it late) is not counted in the new statistics or log.
		 */
		this.epoch = 0;
		/**
		 * A vendor's rate limit on API requests (not token requests): a refused request gets HTTP 429
		 * (with Retry-After when the limit says so) before any route sees it. Set it with `limitRate`.
		 * @type {((at: number) => import('./rate-limits').VendorAnswer) | undefined}
		 */
		this.rateLimit = undefined;
	}

	/**
	 * Limits API requests: `{ limit, windowMs }` accepts at most `limit` in any `windowMs` (a
	 * sliding window, as Surepass documents 100 a minute), with a fixed Retry-After if
	 * `retryAfterSeconds` is set; `{ vendor }` answers as a vendor shape of ./rate-limits.js does (a
	 * calendar second, a token bucket, even spacing, …). `undefined` lifts the limit.
	 * @param {{ limit: number, windowMs: number, retryAfterSeconds?: number } | { vendor: (at: number) => import('./rate-limits').VendorAnswer } | undefined} limit
	 */
	limitRate(limit) {
		if (limit === undefined || 'vendor' in limit) {
			this.rateLimit = limit?.vendor;
			return;
		}
		const { retryAfterSeconds } = limit;
		const window = slidingWindow(limit.limit, limit.windowMs, () =>
			retryAfterSeconds === undefined ? {} : { retryAfterS: retryAfterSeconds },
		);
		this.rateLimit = window;
	}

	/** The rate limit's answer to this request: undefined when it goes through (and is counted). */
	rateLimited(/** @type {EmulatorRequest} */ request) {
		if (!this.rateLimit || !/\/api\/v1\/(stamper-v2|pwm)\//.test(request.path)) return undefined;
		const answer = this.rateLimit(Date.now());
		return answer.accepted ? undefined : answer;
	}

	/**
	 * Holds requests (to `route`, after letting the first `skip` through) until `size` of them are in
	 * flight at the same moment, then lets them all go, and every later one. A test proves that a
	 * concurrency limit is reached this way without depending on how fast the machine is: a client
	 * that never has `size` requests out leaves `gathered` false, and its requests are let go after
	 * `fallbackMs` so that the test fails instead of hanging.
	 * @param {number} size @param {{ route?: string, skip?: number, fallbackMs?: number }} [options]
	 */
	gather(size, { route, skip = 0, fallbackMs = 30_000 } = {}) {
		this.openGate();
		/** @type {Gate} */
		const gate = { size, route, skip, gathered: false, open: false, waiters: [], timer: undefined };
		gate.timer = setTimeout(() => this.openGate(), fallbackMs);
		gate.timer.unref?.();
		this.gate = gate;
		return gate;
	}

	/** Lets every held request go. */
	openGate() {
		const gate = this.gate;
		if (!gate || gate.open) return;
		gate.open = true;
		clearTimeout(gate.timer);
		for (const release of gate.waiters.splice(0)) release();
	}

	/** @param {number} [port] @param {string} [host] */
	async start(port = 0, host = '127.0.0.1') {
		const server = http.createServer((req, res) => {
			this.onRequest(req, res).catch((error) => {
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
			});
		});
		server.keepAliveTimeout = 5_000;
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.server = server;
		await new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => resolve(undefined));
		});
		const address = /** @type {import('node:net').AddressInfo} */ (server.address());
		this.url = `http://${host}:${address.port}`;
		return this.url;
	}

	async stop() {
		this.openGate();
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => server.close(() => resolve(undefined)));
	}

	freshStats() {
		return {
			requests: 0,
			inFlight: 0,
			maxInFlight: 0,
			/** @type {Record<string, number>} */ byRoute: {},
			/** API requests answered 429 by the rate limit. */
			rateLimited: 0,
			/** @type {Record<string, number>} requests of each route in flight now */ inFlightByRoute:
				{},
			/** @type {Record<string, number>} the most requests of each route in flight at once */ maxInFlightByRoute:
				{},
		};
	}

	/**
	 * A new server on a new port, statistics reset: whatever a previous test left on the way (a
	 * request its client gave up on) reaches the old port, which is closed, never this one.
	 */
	async restart() {
		await this.stop();
		this.resetStats();
		return await this.start();
	}

	/** @param {Fault} fault */
	addFault(fault) {
		fault.hits = 0;
		this.faults.push(fault);
		return fault;
	}

	clearFaults() {
		this.faults = [];
		this.beforeRoute = undefined;
		this.openGate();
		this.gate = undefined;
	}

	resetStats() {
		this.epoch++;
		this.stats = this.freshStats();
		this.log = [];
		for (const route of this.routes) route.reset?.();
	}

	/** @param {string} route */
	requestsTo(route) {
		return this.log.filter((entry) => entry.route === route);
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async onRequest(req, res) {
		const epoch = this.epoch;
		const stats = this.stats;
		stats.requests++;
		stats.inFlight++;
		if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
		let done = false;
		const finish = () => {
			if (!done) {
				done = true;
				stats.inFlight--;
			}
		};
		res.on('close', finish);
		res.on('finish', finish);

		const body = await readBody(req);
		const rawUrl = req.url ?? '/';
		const parsed = new URL(rawUrl, 'http://emulator.invalid');
		/** @type {Record<string, string[]>} */
		const query = {};
		for (const [key, value] of parsed.searchParams) (query[key] ??= []).push(value);
		/** @type {EmulatorRequest & { status: number | string }} */
		const request = {
			route: '',
			method: req.method ?? 'GET',
			path: safeDecode(parsed.pathname),
			rawUrl,
			query,
			headers: req.headers,
			body,
			params: {},
			status: 0,
		};

		this.beforeRoute?.(request);
		const refused = this.rateLimited(request);
		if (refused) {
			request.route = request.path.includes('/pwm/') ? 'interswitch' : 'surepass';
			request.status = 429;
			stats.rateLimited++;
			if (epoch === this.epoch && this.log.length < this.logLimit) this.log.push(request);
			const retryAfter = 'retryAfterS' in refused ? refused.retryAfterS : undefined;
			res.writeHead(429, {
				'content-type': 'application/json',
				...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
			});
			res.end(
				request.route === 'surepass'
					? JSON.stringify({
							status_code: 429,
							success: false,
							message: 'Too many requests',
							message_code: 'rate_limited',
						})
					: JSON.stringify({
							errors: [{ code: '429', message: 'Too many requests' }],
							error: { code: '429', message: 'Too many requests' },
						}),
			);
			return;
		}
		/** @type {EmulatorResponse | undefined} */
		let response;
		let route;
		for (const candidate of this.routes) {
			request.route = candidate.route;
			// Routes fill `params` from the request; faults can look at them.
			response = await candidate.handle(request);
			if (response) {
				route = candidate.route;
				break;
			}
		}
		if (!route) request.route = 'unknown';
		stats.byRoute[request.route] = (stats.byRoute[request.route] ?? 0) + 1;
		const routeName = request.route;
		stats.inFlightByRoute[routeName] = (stats.inFlightByRoute[routeName] ?? 0) + 1;
		stats.maxInFlightByRoute[routeName] = Math.max(
			stats.maxInFlightByRoute[routeName] ?? 0,
			stats.inFlightByRoute[routeName],
		);
		const leaveRoute = () => {
			stats.inFlightByRoute[routeName]--;
		};
		if (done) leaveRoute();
		else {
			res.once('close', leaveRoute);
		}
		if (epoch === this.epoch && this.log.length < this.logLimit) this.log.push(request);

		const gate = this.gate;
		if (gate && !gate.open && (gate.route === undefined || gate.route === request.route)) {
			if (gate.skip > 0) gate.skip--;
			else if (gate.waiters.length + 1 >= gate.size) {
				gate.gathered = true;
				this.openGate();
			} else {
				await new Promise((resolve) => gate.waiters.push(() => resolve(undefined)));
			}
		}

		const fault = this.takeFault(request);
		/** @type {any} */ (req).emulatorRequest = request;
		const delay = (fault?.delayMs ?? 0) + this.latencyMs;
		if (delay > 0) await sleep(delay);

		if (fault && !fault.passThrough) {
			request.status = fault.action ?? fault.status ?? 'fault';
			await this.applyFault(fault, req, res, response);
			return;
		}
		if (!response)
			response = { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
		request.status = response.status;
		res.writeHead(response.status, response.headers);
		res.end(response.body ?? '');
	}

	/** @param {EmulatorRequest} request */
	takeFault(request) {
		for (const fault of this.faults) {
			if (fault.route && fault.route !== request.route) continue;
			if (fault.when && !fault.when(request)) continue;
			if (fault.times !== undefined && (fault.hits ?? 0) >= fault.times) continue;
			fault.hits = (fault.hits ?? 0) + 1;
			return fault;
		}
		return undefined;
	}

	/**
	 * @param {Fault} fault
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {EmulatorResponse | undefined} normal
	 */
	async applyFault(fault, req, res, normal) {
		const status = fault.status ?? normal?.status ?? 200;
		const headers = {
			...(fault.status === undefined ? normal?.headers : { 'content-type': 'application/json' }),
			...fault.headers,
		};
		const given =
			typeof fault.body === 'function'
				? fault.body(/** @type {any} */ (req).emulatorRequest)
				: fault.body;
		const body =
			given === undefined
				? (normal?.body ?? '')
				: typeof given === 'string' || Buffer.isBuffer(given)
					? given
					: JSON.stringify(given);
		switch (fault.action) {
			case 'reset':
				req.socket.destroy();
				return;
			case 'hang':
				return; // the socket stays open until the client gives up or the emulator stops
			case 'reset-mid': {
				res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
				res.write(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
				await sleep(20);
				req.socket.destroy();
				return;
			}
			case 'slow': {
				res.writeHead(status, headers);
				const pieces = Math.max(2, Math.min(20, body.length));
				const size = Math.ceil(body.length / pieces);
				for (let i = 0; i < body.length && !res.destroyed; i += size) {
					res.write(body.slice(i, i + size));
					await sleep(fault.chunkDelayMs ?? 200);
				}
				res.end();
				return;
			}
			default:
				res.writeHead(status, headers);
				res.end(body);
		}
	}
}

/** @param {http.IncomingMessage} req @returns {Promise<string>} */
function readBody(req) {
	return new Promise((resolve) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
	});
}

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {string} text */
function safeDecode(text) {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

module.exports = { Emulator };
