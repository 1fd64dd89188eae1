// @ts-check
/** Small helpers both benchmarks use. */

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * An access token from the emulator's Passport, as a client-credentials client gets it.
 * @param {{ passportTokenUrl: string, clientId: string, clientSecret: string }} credential
 * @returns {Promise<string>}
 */
async function passportToken(credential) {
	const response = await fetch(credential.passportTokenUrl, {
		method: 'POST',
		headers: {
			authorization: `Basic ${Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials',
	});
	if (!response.ok) throw new Error(`Passport answered HTTP ${response.status}`);
	return /** @type {{ access_token: string }} */ (await response.json()).access_token;
}

module.exports = { median, passportToken };
