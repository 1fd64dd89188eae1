// @ts-check
/**
 * Surepass's stamper-v2 "Order Status" for one stamp (`GET /api/v1/stamper-v2/order-status?client_id=stamp_v2_…`)
 * and the file storage its temporary `link` points at (`/storage/…` on the emulator, like a
 * presigned storage URL: no credential expected, and every request recorded with whether it
 * carried an Authorization header).
 *
 * Stamps are those of the orders the Surepass route knows (its branch gives the status), plus a
 * few that misbehave:
 * - stamp_v2_expiredLink01: available, its link answers 403 "Request has expired" as storage does
 * - stamp_v2_notPdf000001: available, its link answers 200 with an HTML page
 * - stamp_v2_hugeFile0001: available, its link answers a 3 MB "PDF"
 * - stamp_v2_redirect0001: available, its link answers 302 to another address
 * - stamp_v2_httpLink0001: available, its link is plain http:// to a host on the internet
 * - stamp_v2_noLink000001: available, without a link
 * - stamp_v2_onHold000001, stamp_v2_used00000001: on hold, used
 */
const { json } = require('./surepass');

const ORDER_STATUS_PATH = '/api/v1/stamper-v2/order-status';
const STORAGE_PREFIX = '/storage/stamps/';

/** A small, valid PDF naming the stamp (ASCII only, so it travels as text). @param {string} stampId */
function stampPdf(stampId) {
	return [
		'%PDF-1.4',
		`% e-stamp ${stampId} (local API emulator)`,
		'1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
		'2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
		'3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] >> endobj',
		'trailer << /Root 1 0 R >>',
		'%%EOF',
		'',
	].join('\n');
}

/** @type {Record<string, { status: string, link?: 'normal' | 'none' | 'http' }>} */
const SPECIAL = {
	stamp_v2_expiredLink01: { status: 'available' },
	stamp_v2_notPdf000001: { status: 'available' },
	stamp_v2_hugeFile0001: { status: 'available' },
	stamp_v2_redirect0001: { status: 'available' },
	stamp_v2_httpLink0001: { status: 'available', link: 'http' },
	stamp_v2_noLink000001: { status: 'available', link: 'none' },
	stamp_v2_onHold000001: { status: 'on_hold' },
	stamp_v2_used00000001: { status: 'used' },
};

/**
 * @param {{ token: string, statusOf: (stampId: string) => string | undefined }} options
 *   statusOf: the branch of a stamp in the orders the Surepass route knows
 */
function createStamps(options) {
	/** Every request the storage answered, with whether it carried an Authorization header. */
	/** @type {Array<{ stampId: string, authorization: boolean }>} */
	const storageRequests = [];

	/** @param {import('./server').EmulatorRequest} req @param {string} stampId */
	function details(req, stampId) {
		const special = SPECIAL[stampId];
		const branch = options.statusOf(stampId);
		if (!special && branch === undefined) return undefined;
		// Surepass documents pending, available, on_hold and used; a stamp that failed in its bulk
		// order has no documented status here, so it comes back as "failed".
		const status = special?.status ?? branch ?? 'pending';
		const host = String(req.headers.host ?? '127.0.0.1');
		const signed = `X-Amz-Expires=600&X-Amz-Signature=${Buffer.from(stampId).toString('hex').slice(0, 32)}`;
		const link =
			status !== 'available' || special?.link === 'none'
				? null
				: special?.link === 'http'
					? `http://files.example.com/stamps/${stampId}.pdf?${signed}`
					: `http://${host}${STORAGE_PREFIX}${stampId}.pdf?${signed}`;
		return {
			client_id: stampId,
			stamp_id: `IN-DL${stampId.length}${Buffer.from(stampId).toString('hex').slice(-10).toUpperCase()}`,
			created_at: '2025-11-18T10:15:00.000Z',
			amount: 100,
			consideration_amount: 1,
			first_party: 'ABC Pvt Ltd',
			second_party: 'Borrower',
			article_id: '22128',
			state: 'DL',
			description: 'Estamp',
			status,
			on_hold: status === 'on_hold',
			link,
			certificate_details:
				status === 'available' || status === 'used'
					? [
							{
								certificate_number: `IN-DL-${stampId.slice(9, 17)}`,
								issue_date: '2025-11-18',
								denomination: 100,
							},
						]
					: [],
		};
	}

	/** @param {import('./server').EmulatorRequest} req */
	function orderStatus(req) {
		if (req.method !== 'GET')
			return json(405, {
				status_code: 405,
				success: false,
				message: 'Method not allowed',
				message_code: 'method_not_allowed',
			});
		const clientId = req.query.client_id?.[0];
		req.params.client_id = clientId;
		if (req.headers.authorization !== `Bearer ${options.token}`)
			return json(401, {
				status_code: 401,
				success: false,
				message: 'Unauthorized',
				message_code: 'unauthorized',
			});
		if (typeof clientId !== 'string' || !clientId.startsWith('stamp_v2_'))
			return json(400, {
				status_code: 400,
				success: false,
				message: 'Invalid client_id',
				message_code: 'invalid_client_id',
			});
		const data = details(req, clientId);
		if (!data)
			return json(404, {
				data: null,
				status_code: 404,
				success: false,
				message: 'No stamp found for this client_id',
				message_code: 'client_id_not_found',
			});
		return json(200, {
			data,
			status_code: 200,
			success: true,
			message: 'Success',
			message_code: 'success',
		});
	}

	/**
	 * @param {import('./server').EmulatorRequest} req
	 * @returns {import('./server').EmulatorResponse}
	 */
	function storage(req) {
		const stampId = req.path.slice(STORAGE_PREFIX.length).replace(/\.pdf$/, '');
		req.params.client_id = stampId;
		storageRequests.push({ stampId, authorization: req.headers.authorization !== undefined });
		if (req.method !== 'GET') return { status: 405, headers: {}, body: '' };
		if (stampId === 'stamp_v2_expiredLink01')
			return {
				status: 403,
				headers: { 'content-type': 'application/xml' },
				body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
			};
		if (stampId === 'stamp_v2_notPdf000001')
			return {
				status: 200,
				headers: { 'content-type': 'text/html' },
				body: '<!doctype html><title>Sign in</title><p>Please sign in.</p>',
			};
		if (stampId === 'stamp_v2_redirect0001')
			return {
				status: 302,
				headers: { location: 'https://elsewhere.example.com/stamp.pdf' },
				body: '',
			};
		const pdf = stampPdf(stampId);
		const body = stampId === 'stamp_v2_hugeFile0001' ? pdf + '%'.repeat(3 * 1024 * 1024) : pdf;
		return { status: 200, headers: { 'content-type': 'application/pdf' }, body };
	}

	return {
		route: 'surepass',
		storageRequests,
		/** @param {import('./server').EmulatorRequest} req */
		handle(req) {
			if (req.path === ORDER_STATUS_PATH) return orderStatus(req);
			if (req.path.startsWith(STORAGE_PREFIX)) {
				req.route = 'storage';
				return storage(req);
			}
			return undefined;
		},
		reset: () => {
			storageRequests.length = 0;
		},
	};
}

module.exports = { createStamps, stampPdf, ORDER_STATUS_PATH };
