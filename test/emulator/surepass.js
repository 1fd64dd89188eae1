// @ts-check
/**
 * Surepass e-stamp API as the seed document shows it:
 * `POST /api/v1/stamper-v2/bulk-stamp-order-summary` with a Bearer token and a JSON body
 * `{ "client_id": "bulk_stamp_v2_…" }`, answering the `{ data, status_code, success, message,
 * message_code }` envelope.
 */
const fs = require('node:fs');
const path = require('node:path');

const SUMMARY_PATH = '/api/v1/stamper-v2/bulk-stamp-order-summary';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'surepass');

/** @param {string} name */
function fixture(name) {
	return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

const UNAUTHORIZED_BODY = fixture('seed-unauthorized.json');

/**
 * @typedef {{ count?: unknown, stamps?: unknown } | undefined} Branch
 * @typedef {{ client_id: string, quantity?: unknown, summary?: Record<string, Branch> | unknown }} OrderData
 */

/** @param {string} id @param {string[]} pending @param {string[]} available @param {string[]} failed @returns {OrderData} */
function order(id, pending, available, failed) {
	return {
		client_id: id,
		quantity: pending.length + available.length + failed.length,
		summary: {
			pending: { count: pending.length, stamps: pending },
			available: { count: available.length, stamps: available },
			failed: { count: failed.length, stamps: failed },
		},
	};
}

/** Orders in every state; the seed's two samples among them, exactly as published. */
function seededOrders() {
	/** @type {Map<string, OrderData>} */
	const orders = new Map();
	for (const sample of [fixture('seed-sample.json'), fixture('seed-sample-short.json')]) {
		orders.set(sample.data.client_id, sample.data);
	}
	const add = (/** @type {OrderData} */ data) => orders.set(data.client_id, data);
	add(
		order(
			'bulk_stamp_v2_demoAllPending',
			['stamp_v2_pend0001', 'stamp_v2_pend0002', 'stamp_v2_pend0003'],
			[],
			[],
		),
	);
	add(
		order(
			'bulk_stamp_v2_demoMixed00001',
			['stamp_v2_mixPend001'],
			['stamp_v2_mixAvail01', 'stamp_v2_mixAvail02', 'stamp_v2_mixAvail03'],
			['stamp_v2_mixFail001', 'stamp_v2_mixFail002'],
		),
	);
	add(order('bulk_stamp_v2_demoAllFailed1', [], [], ['stamp_v2_fail00001', 'stamp_v2_fail00002']));
	add(order('bulk_stamp_v2_demoEmpty00001', [], [], []));
	// Drift seen across Surepass endpoints, for the tolerance the node promises.
	add({
		client_id: 'bulk_stamp_v2_driftStrings1',
		quantity: '3',
		summary: {
			pending: { count: '1', stamps: ['stamp_v2_strPend001'] },
			available: { count: '2', stamps: ['stamp_v2_strAvail01', 'stamp_v2_strAvail02'] },
			failed: { count: '0', stamps: [] },
		},
	});
	add({
		client_id: 'bulk_stamp_v2_driftNoFailed',
		quantity: 1,
		summary: {
			pending: { count: 0, stamps: [] },
			available: { count: 1, stamps: ['stamp_v2_nfAvail001'] },
		},
	});
	add({
		client_id: 'bulk_stamp_v2_driftCount001',
		quantity: 3,
		summary: {
			pending: { count: 0, stamps: [] },
			available: { count: 3, stamps: ['stamp_v2_cntAvail01', 'stamp_v2_cntAvail02'] },
			failed: { count: 0, stamps: [] },
		},
	});
	return orders;
}

/**
 * A generated order `bulk_stamp_v2_large_<n>` with n stamps: 10% pending, 80% available, 10% failed,
 * the same every time.
 * @param {number} size @param {string} id @returns {OrderData}
 */
function largeOrder(size, id) {
	/** @type {string[]} */ const pending = [];
	/** @type {string[]} */ const available = [];
	/** @type {string[]} */ const failed = [];
	for (let i = 0; i < size; i++) {
		const stampId = `stamp_v2_gen${String(i).padStart(9, '0')}`;
		const bucket = i % 10;
		if (bucket === 0) pending.push(stampId);
		else if (bucket === 9) failed.push(stampId);
		else available.push(stampId);
	}
	return order(id, pending, available, failed);
}

const LARGE_ORDER = /^bulk_stamp_v2_large_(\d{1,7})$/;
/** `bulk_stamp_v2_progress_<k>_<tag>`: 2 of 4 stamps pending until the k-th request, then all available. */
/** `bulk_stamp_v2_load_<n>`: one available stamp, `stamp_v2_load_<n>`, for load tests. */
const LOAD_ORDER = /^bulk_stamp_v2_load_(\d{1,9})$/;
const PROGRESS_ORDER = /^bulk_stamp_v2_progress_(\d{1,4})_\w+$/;

/**
 * @param {{ token: string }} options
 */
function createSurepass(options) {
	const orders = seededOrders();
	/** @type {Map<string, string>} cache of serialised generated orders */
	const largeBodies = new Map();

	/** @type {Map<string, number>} requests seen per progressing order */
	const progress = new Map();

	/** @param {string} id */
	function find(id) {
		const progressing = PROGRESS_ORDER.exec(id);
		if (progressing) {
			const seen = (progress.get(id) ?? 0) + 1;
			progress.set(id, seen);
			const done = seen >= Number(progressing[1]);
			const stamps = [1, 2, 3, 4].map((n) => `stamp_v2_${id.slice(14)}_${n}`);
			const data = done
				? order(id, [], stamps, [])
				: order(id, stamps.slice(2), stamps.slice(0, 2), []);
			return JSON.stringify({
				data,
				status_code: 200,
				success: true,
				message: 'Success',
				message_code: 'success',
			});
		}
		const load = LOAD_ORDER.exec(id);
		if (load) {
			const data = order(id, [], [`stamp_v2_load_${load[1]}`], []);
			return JSON.stringify({
				data,
				status_code: 200,
				success: true,
				message: 'Success',
				message_code: 'success',
			});
		}
		const known = orders.get(id);
		if (known)
			return JSON.stringify({
				data: known,
				status_code: 200,
				success: true,
				message: 'Success',
				message_code: 'success',
			});
		const large = LARGE_ORDER.exec(id);
		if (!large) return undefined;
		let body = largeBodies.get(id);
		if (body === undefined) {
			body = JSON.stringify({
				data: largeOrder(Number(large[1]), id),
				status_code: 200,
				success: true,
				message: 'Success',
				message_code: 'success',
			});
			largeBodies.set(id, body);
		}
		return body;
	}

	/**
	 * @param {import('./server').EmulatorRequest} req
	 * @returns {import('./server').EmulatorResponse | undefined}
	 */
	function handle(req) {
		if (req.path !== SUMMARY_PATH) return undefined;
		if (req.method !== 'POST') {
			return json(405, {
				status_code: 405,
				success: false,
				message: 'Method not allowed',
				message_code: 'method_not_allowed',
			});
		}
		if (
			!String(req.headers['content-type'] ?? '')
				.toLowerCase()
				.startsWith('application/json')
		) {
			return json(400, {
				status_code: 400,
				success: false,
				message: 'Content-Type must be application/json',
				message_code: 'invalid_content_type',
			});
		}
		/** @type {unknown} */
		let body;
		try {
			body = JSON.parse(req.body);
		} catch {
			body = undefined;
		}
		const clientId =
			body && typeof body === 'object'
				? /** @type {Record<string, unknown>} */ (body).client_id
				: undefined;
		req.params.client_id = clientId;
		if (req.headers.authorization !== `Bearer ${options.token}`)
			return json(401, UNAUTHORIZED_BODY);
		if (body === undefined) {
			return json(400, {
				status_code: 400,
				success: false,
				message: 'Request body is not valid JSON',
				message_code: 'bad_request',
			});
		}
		if (typeof clientId !== 'string' || clientId === '') {
			return json(422, {
				status_code: 422,
				success: false,
				message: 'client_id is required',
				message_code: 'validation_error',
			});
		}
		if (!clientId.startsWith('bulk_stamp_v2_')) {
			return json(400, {
				status_code: 400,
				success: false,
				message: 'Invalid client_id',
				message_code: 'invalid_client_id',
			});
		}
		const found = find(clientId);
		if (found === undefined) {
			return json(404, {
				data: null,
				status_code: 404,
				success: false,
				message: 'No bulk order found for this client_id',
				message_code: 'client_id_not_found',
			});
		}
		return { status: 200, headers: { 'content-type': 'application/json' }, body: found };
	}

	/** @type {Map<string, string> | undefined} the branch of every stamp of the seeded orders */
	let seededStamps;

	/**
	 * The branch a stamp is in, in the orders this route knows (for the order-status endpoint).
	 * @param {string} stampId
	 */
	function statusOf(stampId) {
		if (seededStamps === undefined) {
			seededStamps = new Map();
			for (const data of orders.values()) {
				const summary = /** @type {Record<string, Branch>} */ (data.summary ?? {});
				for (const [branch, value] of Object.entries(summary)) {
					const stamps = Array.isArray(value?.stamps) ? value.stamps : [];
					for (const id of stamps) if (typeof id === 'string') seededStamps.set(id, branch);
				}
			}
		}
		const seeded = seededStamps.get(stampId);
		if (seeded !== undefined) return seeded;
		// Generated orders: load and progressing orders' stamps are available once seen.
		if (
			/^stamp_v2_load_\d{1,9}$/.test(stampId) ||
			/^stamp_v2_progress_\d{1,4}_\w+_[1-4]$/.test(stampId)
		)
			return 'available';
		const generated = /^stamp_v2_gen(\d{9})$/.exec(stampId);
		if (generated) {
			const bucket = Number(generated[1]) % 10;
			return bucket === 0 ? 'pending' : bucket === 9 ? 'failed' : 'available';
		}
		return undefined;
	}

	return { route: 'surepass', handle, orders, statusOf, reset: () => progress.clear() };
}

/** @param {number} status @param {unknown} body */
function json(status, body) {
	return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

module.exports = { createSurepass, SUMMARY_PATH, largeOrder, json };
