// @ts-check
/**
 * The local API emulator with both vendors, and the settings a credential needs to reach it.
 */
const { Emulator } = require('./server');
const { createInterswitch, CONTEXT_PATH, PASSPORT_PATH } = require('./interswitch');
const { createSurepass } = require('./surepass');
const { createStamps } = require('./stamps');

/** Made-up secrets for the emulator only; tests look for them in places they must never reach. */
const DEFAULTS = {
	surepassToken: 'emulator-surepass-token-0000',
	interswitchClientId: 'IKIA-EMULATOR-CLIENT',
	interswitchClientSecret: 'emulator-client-secret-0000',
};

/**
 * @param {{ surepassToken?: string, interswitchClientId?: string, interswitchClientSecret?: string,
 *   tokenLifetimeSeconds?: number, latencyMs?: number }} [options]
 */
function createEmulator(options = {}) {
	const surepassToken = options.surepassToken ?? DEFAULTS.surepassToken;
	const clientId = options.interswitchClientId ?? DEFAULTS.interswitchClientId;
	const clientSecret = options.interswitchClientSecret ?? DEFAULTS.interswitchClientSecret;
	const surepass = createSurepass({ token: surepassToken });
	const interswitch = createInterswitch({
		clientId,
		clientSecret,
		tokenLifetimeSeconds: options.tokenLifetimeSeconds,
	});
	const stamps = createStamps({ token: surepassToken, statusOf: surepass.statusOf });
	const emulator = new Emulator({
		routes: [surepass, stamps, interswitch],
		latencyMs: options.latencyMs,
	});
	return Object.assign(emulator, {
		surepass,
		stamps,
		interswitch,
		/**
		 * The Surepass API credential for this emulator (Environment: Custom). The emulator has no
		 * rate limit unless one is set (`limitRate`), so neither has its credential.
		 */
		surepassCredential() {
			return {
				token: surepassToken,
				environment: 'custom',
				baseUrl: emulator.url,
				requestsPerMinute: 0,
			};
		},
		/** The Interswitch Paycode API credential for this emulator (Environment: Custom). */
		interswitchCredential() {
			return {
				environment: 'custom',
				contextUrl: `${emulator.url}${CONTEXT_PATH}`,
				frontEndPartnerId: '455',
				clientId,
				clientSecret,
				passportTokenUrl: `${emulator.url}${PASSPORT_PATH}`,
				scope: '',
				signatureHeaders: false,
				signatureMethod: 'SHA512',
				requestsPerMinute: 0,
				accessToken: '',
				validUntil: 0,
			};
		},
	});
}

/** @typedef {ReturnType<typeof createEmulator>} VendorEmulator */

module.exports = { createEmulator, DEFAULTS };
