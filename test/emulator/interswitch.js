// @ts-check
/**
 * Interswitch Paycode ("Pay With Mobile") as the seed document and the vendor's notes show it:
 * - Passport, `POST /passport/oauth/token`: OAuth2 client credentials with Basic auth, expiring
 *   access tokens;
 * - `GET {context}/pwm/bulk/tokens/comprehensive/status?referenceId=…&frontEndPartner=…` with the
 *   Bearer token (and, when required, InterswitchAuth signature headers), business errors as
 *   HTTP 401 with `{ errors: [...], error: { code, message } }`.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const CONTEXT_PATH = '/api/v1';
const STATUS_PATH = `${CONTEXT_PATH}/pwm/bulk/tokens/comprehensive/status`;
/** Bulk Token Batch Cancel: DELETE, referenceId and frontEndPartner in a JSON body or the query. */
const CANCEL_PATH = `${CONTEXT_PATH}/pwm/bulk/tokens`;
const PASSPORT_PATH = '/passport/oauth/token';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'interswitch');

/** @param {string} name */
function fixture(name) {
	return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** @param {number} status @param {unknown} body */
function json(status, body) {
	return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** @param {string} code @param {string} message */
function businessError(code, message) {
	return { errors: [{ code, message }], error: { code, message } };
}

/**
 * @param {number} successful @param {number} failed @param {string} reference @param {boolean} capitalFailed
 */
function batch(reference, successful, failed, capitalFailed = false) {
	const token = (/** @type {number} */ i) => ({
		surcharge: i % 3 === 0 ? '' : '10000',
		amount: String(100000 + (i % 5) * 50000),
		beneficiaryNumber: `0803${String(i).padStart(7, '0')}`,
		oneTimePin: String(1000 + ((i * 7919) % 9000)),
	});
	const ok = Array.from({ length: successful }, (_, i) => token(i));
	const bad = Array.from({ length: failed }, (_, i) => token(successful + i));
	const sum = (/** @type {Array<{ amount: string }>} */ list) =>
		String(list.reduce((t, x) => t + Number(x.amount), 0));
	return {
		summary: {
			batchReference: reference,
			numberOfSuccessful: String(ok.length),
			numberOfFailed: String(bad.length),
			amountOfFailed: sum(bad),
			amountOfSuccessful: sum(ok),
		},
		successful: ok,
		[capitalFailed ? 'Failed' : 'failed']: bad,
	};
}

const LARGE_BATCH = /^large_(\d{1,7})$/;
/** `PROGRESS-<k>-<tag>`: 4 tokens expected; 2 generated until the k-th request, then 3 successful and 1 failed. */
/** `LOAD-<n>`: one successful token for beneficiary 0900<n>, for load tests. */
const LOAD_BATCH = /^LOAD-(\d{1,9})$/;
const PROGRESS_BATCH = /^PROGRESS-(\d{1,4})-\w+$/;

/**
 * The InterswitchAuth signature, computed here independently of the node's code.
 * @param {string} method @param {string} url @param {string} timestamp @param {string} nonce
 * @param {string} clientId @param {string} clientSecret @param {string} signatureMethod
 */
function expectedSignature(method, url, timestamp, nonce, clientId, clientSecret, signatureMethod) {
	const encodedUrl = encodeURIComponent(url).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
	const base = `${method}&${encodedUrl}&${timestamp}&${nonce}&${clientId}&${clientSecret}`;
	return crypto
		.createHash(signatureMethod === 'SHA1' ? 'sha1' : 'sha512')
		.update(base)
		.digest('base64');
}

/**
 * @param {{ clientId: string, clientSecret: string, tokenLifetimeSeconds?: number }} options
 */
function createInterswitch(options) {
	const partners = new Set(['455']);
	/** @type {Map<string, object>} batches by "partner/reference" */
	const batches = new Map();
	batches.set('455/123456', fixture('seed-sample.json'));
	batches.set('455/GEN-IN-PROGRESS', batch('GEN-IN-PROGRESS', 3, 0));
	batches.set('455/BATCH-WITH-FAILURES', batch('BATCH-WITH-FAILURES', 4, 2, true));
	/** @type {Map<string, string>} */
	const largeBodies = new Map();

	/** @type {Map<string, number>} access token -> expiry (ms) */
	const tokens = new Map();
	const settings = {
		tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
		/** @type {false | 'SHA512' | 'SHA1'} require signature headers with this method */
		requireSignature: /** @type {false | 'SHA512' | 'SHA1'} */ (false),
		clockWindowSeconds: 300,
	};

	/** @type {Map<string, number>} requests seen per progressing batch */
	const progress = new Map();

	/** @param {string} partner @param {string} reference */
	function findBatch(partner, reference) {
		const load = LOAD_BATCH.exec(reference);
		if (load && partners.has(partner)) {
			return JSON.stringify({
				summary: {
					batchReference: reference,
					numberOfSuccessful: '1',
					numberOfFailed: '0',
					amountOfFailed: '0',
					amountOfSuccessful: '100000',
				},
				successful: [
					{
						surcharge: '',
						amount: '100000',
						beneficiaryNumber: `0900${load[1]}`,
						oneTimePin: '0000',
					},
				],
			});
		}
		const progressing = PROGRESS_BATCH.exec(reference);
		if (progressing && partners.has(partner)) {
			const seen = (progress.get(reference) ?? 0) + 1;
			progress.set(reference, seen);
			const done = seen >= Number(progressing[1]);
			return JSON.stringify(done ? batch(reference, 3, 1) : batch(reference, 2, 0));
		}
		const known = batches.get(`${partner}/${reference}`);
		if (known) return JSON.stringify(known);
		const large = LARGE_BATCH.exec(reference);
		if (!large || !partners.has(partner)) return undefined;
		let body = largeBodies.get(reference);
		if (body === undefined) {
			const size = Number(large[1]);
			const failed = Math.floor(size / 20);
			body = JSON.stringify(batch(reference, size - failed, failed));
			largeBodies.set(reference, body);
		}
		return body;
	}

	/** @param {import('./server').EmulatorRequest} req */
	function passport(req) {
		const [scheme, encoded] = String(req.headers.authorization ?? '').split(' ');
		const [clientId, ...secretParts] = Buffer.from(encoded ?? '', 'base64')
			.toString('utf8')
			.split(':');
		const form = new URLSearchParams(req.body);
		req.params.grant_type = form.get('grant_type');
		req.params.scope = form.get('scope');
		req.params.clientId = clientId;
		if (req.method !== 'POST') return json(405, { error: 'method_not_allowed' });
		if (
			scheme !== 'Basic' ||
			clientId !== options.clientId ||
			secretParts.join(':') !== options.clientSecret
		) {
			return json(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
		}
		if (form.get('grant_type') !== 'client_credentials') {
			return json(400, {
				error: 'unsupported_grant_type',
				error_description: 'Unsupported grant type',
			});
		}
		const token = `emu_${crypto.randomBytes(18).toString('hex')}`;
		tokens.set(token, Date.now() + settings.tokenLifetimeSeconds * 1000);
		return json(200, {
			access_token: token,
			token_type: 'bearer',
			expires_in: settings.tokenLifetimeSeconds,
			scope: form.get('scope') ?? 'profile',
			jti: crypto.randomUUID(),
		});
	}

	/**
	 * The access token and, when required, the signature headers: the refusal, or undefined.
	 * @param {import('./server').EmulatorRequest} req
	 * @returns {import('./server').EmulatorResponse | undefined}
	 */
	function authorize(req) {
		const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
		const expiry = bearer === undefined ? undefined : tokens.get(bearer);
		if (expiry === undefined)
			return json(401, { error: 'invalid_token', error_description: 'Invalid access token' });
		if (expiry < Date.now())
			return json(401, { error: 'invalid_token', error_description: 'Access token expired' });
		if (settings.requireSignature) {
			const timestamp = String(req.headers.timestamp ?? '');
			const nonce = String(req.headers.nonce ?? '');
			const method = String(req.headers.signaturemethod ?? '');
			const signature = String(req.headers.signature ?? '');
			req.params.signatureMethod = method;
			if (signature === '' || timestamp === '') {
				return json(401, businessError('10500', 'Unable to validate authentication details'));
			}
			if (Math.abs(Date.now() / 1000 - Number(timestamp)) > settings.clockWindowSeconds) {
				return json(403, {
					error: {
						code: 'E24',
						message: 'Invalid authentication credentials: Timestamp out of window',
					},
				});
			}
			const url = `http://${req.headers.host}${req.rawUrl}`;
			const expected = expectedSignature(
				req.method,
				url,
				timestamp,
				nonce,
				options.clientId,
				options.clientSecret,
				settings.requireSignature,
			);
			if (
				method !== settings.requireSignature ||
				signature !== expected ||
				nonce === '' ||
				nonce.length > 64
			) {
				return json(401, businessError('10500', 'Unable to validate authentication details'));
			}
		}
		return undefined;
	}

	/** Cancels asked for, by "partner/reference" (a test proves a cancel is never sent twice). */
	/** @type {Map<string, number>} */
	const cancels = new Map();

	/** @param {import('./server').EmulatorRequest} req */
	function cancel(req) {
		if (req.method !== 'DELETE') return json(405, businessError('10400', 'Method not allowed'));
		/** @type {Record<string, unknown>} */
		let body = {};
		try {
			const parsed = req.body === '' ? {} : JSON.parse(req.body);
			if (parsed && typeof parsed === 'object') body = parsed;
		} catch {
			return json(400, businessError('10400', 'Malformed request body'));
		}
		const reference = String(body.referenceId ?? req.query.referenceId?.[0] ?? '');
		const partner = String(body.frontEndPartner ?? req.query.frontEndPartner?.[0] ?? '');
		req.params.referenceId = reference;
		req.params.frontEndPartner = partner;
		const refused = authorize(req);
		if (refused) return refused;
		if (!reference) return json(401, businessError('E50', 'referenceId cannot be empty.'));
		if (!partner || !partners.has(partner))
			return json(401, businessError('10801', 'Front end partner not found'));
		if (findBatch(partner, reference) === undefined) {
			return json(
				401,
				businessError(
					'10904',
					`No record of batch with provided reference Id – ${reference} for the front end partner – ${partner}`,
				),
			);
		}
		const key = `${partner}/${reference}`;
		cancels.set(key, (cancels.get(key) ?? 0) + 1);
		return json(200, { code: '00', description: 'Successfully queued to be cancelled' });
	}

	/** @param {import('./server').EmulatorRequest} req */
	function status(req) {
		const reference = req.query.referenceId?.[0];
		const partner = req.query.frontEndPartner?.[0];
		req.params.referenceId = reference;
		req.params.frontEndPartner = partner;
		if (req.method !== 'GET') return json(405, businessError('10400', 'Method not allowed'));
		const refused = authorize(req);
		if (refused) return refused;
		if (req.query.referenceId?.length !== 1 || req.query.frontEndPartner?.length !== 1) {
			return json(401, businessError('10400', 'Required field missing or repeated'));
		}
		if (!reference) return json(401, businessError('E50', 'referenceId cannot be empty.'));
		if (!partner || !partners.has(partner))
			return json(401, businessError('10801', 'Front end partner not found'));
		const found = findBatch(partner, reference);
		if (found === undefined) {
			// The seed's own wording, en dashes included.
			return json(
				401,
				businessError(
					'10904',
					`No record of batch with provided reference Id – ${reference} for the front end partner – ${partner}`,
				),
			);
		}
		return { status: 200, headers: { 'content-type': 'application/json' }, body: found };
	}

	/**
	 * @param {import('./server').EmulatorRequest} req
	 * @returns {import('./server').EmulatorResponse | undefined}
	 */
	function handle(req) {
		if (req.path === PASSPORT_PATH) {
			req.route = 'passport';
			return passport(req);
		}
		if (req.path === STATUS_PATH) return status(req);
		if (req.path === CANCEL_PATH) return cancel(req);
		return undefined;
	}

	return {
		route: 'interswitch',
		handle,
		batches,
		partners,
		tokens,
		settings,
		expectedSignature,
		cancels,
		reset: () => {
			progress.clear();
			cancels.clear();
		},
	};
}

module.exports = {
	createInterswitch,
	CONTEXT_PATH,
	PASSPORT_PATH,
	STATUS_PATH,
	CANCEL_PATH,
	expectedSignature,
};
