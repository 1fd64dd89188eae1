// @ts-check
/**
 * The local API emulator with both vendors, and the settings a credential needs to reach it.
 */
const { Emulator } = require('./server');
const { createSurepass } = require('./surepass');

const DEFAULTS = {
	surepassToken: 'emulator-surepass-token-0000',
};

/**
 * @param {{ surepassToken?: string, latencyMs?: number }} [options]
 */
function createEmulator(options = {}) {
	const surepassToken = options.surepassToken ?? DEFAULTS.surepassToken;
	const surepass = createSurepass({ token: surepassToken });
	const emulator = new Emulator({ routes: [surepass], latencyMs: options.latencyMs });
	return Object.assign(emulator, {
		surepass,
		/** The Surepass API credential for this emulator (Environment: Custom). */
		surepassCredential() {
			return { token: surepassToken, environment: 'custom', baseUrl: emulator.url };
		},
	});
}

/** @typedef {ReturnType<typeof createEmulator>} VendorEmulator */

module.exports = { createEmulator, DEFAULTS };
