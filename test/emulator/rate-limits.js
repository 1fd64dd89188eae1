// @ts-check
/**
 * Vendors that count their rate limit in different ways, as functions of the time a request
 * arrives: accepted, or refused (429) with the Retry-After the vendor would send. A refused request
 * does not count. The emulator answers with them (`limitRate({ vendor })`), the virtual-clock
 * simulation (test/harness/rate-sim.js) uses the same ones, and `earliestFinish` says how soon a
 * perfect client could be done.
 */

/**
 * @typedef {{ accepted: true } | { accepted: false, retryAfterS?: number }} VendorAnswer
 * @typedef {{ name: string, noBurst?: boolean, vendor: () => (at: number) => VendorAnswer }} VendorShape
 */

/**
 * Vendors that all allow about 100 requests a minute, counted differently. `vendor()` makes a new
 * one, with its own count. `noBurst`: it takes no two requests close together.
 * @param {{ retryAfter?: boolean }} [options]
 * @returns {VendorShape[]}
 */
function vendorShapes({ retryAfter = false } = {}) {
	const ra = (/** @type {number} */ ms) =>
		retryAfter ? { retryAfterS: Math.max(1, Math.ceil(ms / 1000)) } : {};
	return [
		{
			name: '100 in any 60 s',
			vendor: () => slidingWindow(100, 60_000, ra),
		},
		{
			name: '10 in any 6 s',
			vendor: () => slidingWindow(10, 6_000, ra),
		},
		{
			name: '2 per calendar second',
			vendor: () => calendarSeconds(2, ra),
		},
		{
			name: 'one per 600 ms',
			noBurst: true,
			vendor: () => spaced(600, ra),
		},
		{
			name: 'token bucket (burst 20, 100 a minute)',
			vendor: () => tokenBucket(20, 600, ra),
		},
	];
}

/** @param {number} limit @param {number} windowMs @param {(ms: number) => object} ra */
function slidingWindow(limit, windowMs, ra) {
	/** @type {number[]} */
	const accepted = [];
	return (/** @type {number} */ at) => {
		while (accepted.length > 0 && accepted[0] <= at - windowMs) accepted.shift();
		if (accepted.length >= limit) return { accepted: false, ...ra(accepted[0] + windowMs - at) };
		accepted.push(at);
		return { accepted: true };
	};
}

/** @param {number} perSecond @param {(ms: number) => object} ra */
function calendarSeconds(perSecond, ra) {
	let second = -1;
	let count = 0;
	return (/** @type {number} */ at) => {
		const current = Math.floor(at / 1000);
		if (current !== second) {
			second = current;
			count = 0;
		}
		if (count >= perSecond) return { accepted: false, ...ra((current + 1) * 1000 - at) };
		count++;
		return { accepted: true };
	};
}

/** @param {number} gapMs @param {(ms: number) => object} ra */
function spaced(gapMs, ra) {
	let last = Number.NEGATIVE_INFINITY;
	return (/** @type {number} */ at) => {
		if (at - last < gapMs) return { accepted: false, ...ra(last + gapMs - at) };
		last = at;
		return { accepted: true };
	};
}

/** @param {number} capacity @param {number} refillMs @param {(ms: number) => object} ra */
function tokenBucket(capacity, refillMs, ra) {
	let tokens = capacity;
	let updated = Number.NaN;
	return (/** @type {number} */ at) => {
		if (Number.isNaN(updated)) updated = at;
		tokens = Math.min(capacity, tokens + (at - updated) / refillMs);
		updated = at;
		if (tokens < 1) return { accepted: false, ...ra((1 - tokens) * refillMs) };
		tokens -= 1;
		return { accepted: true };
	};
}

/**
 * When the last of `requests` requests can be accepted at the soonest (ms from the first): each
 * sent at the first millisecond the vendor accepts it and, when `limit` is set, the credential's
 * budget (at most `limit` in any `windowMs`) allows it. The vendor's count changes only with what
 * it accepts, so sending each as early as possible is the soonest for all.
 * @param {(at: number) => VendorAnswer} vendor a new vendor (its count is used up)
 * @param {number} requests
 * @param {{ limit?: number, windowMs?: number }} [budget]
 */
function earliestFinish(vendor, requests, { limit = 0, windowMs = 60_000 } = {}) {
	/** @type {number[]} */
	const sent = [];
	for (let at = 0; ; at++) {
		for (;;) {
			if (limit > 0) {
				const inWindow = sent.filter((time) => time > at - windowMs).length;
				if (inWindow >= limit) break;
			}
			if (!vendor(at).accepted) break;
			sent.push(at);
			if (sent.length === requests) return at;
		}
	}
}

/** Refuses everything, asking to wait `retryAfterS` if set. */
function alwaysRefuses(/** @type {number | undefined} */ retryAfterS) {
	return () => ({ accepted: false, ...(retryAfterS === undefined ? {} : { retryAfterS }) });
}

module.exports = {
	slidingWindow,
	calendarSeconds,
	spaced,
	tokenBucket,
	alwaysRefuses,
	vendorShapes,
	earliestFinish,
};
