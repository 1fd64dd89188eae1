// @ts-check
/** The emulator in its own process, so serving answers does not share the measured event loop. */
const { createEmulator } = require('../test/emulator');

const emulator = createEmulator();
emulator.start(0, '127.0.0.1').then((url) => {
	process.send?.({
		url,
		surepass: emulator.surepassCredential(),
		interswitch: emulator.interswitchCredential(),
	});
});
// Every message gets one answer, so the benchmark can wait for it.
process.on('message', (/** @type {any} */ message) => {
	if (message.type === 'latency') emulator.latencyMs = message.ms;
	if (message.type === 'reset') emulator.resetStats();
	if (message.type === 'stop') {
		emulator.stop().then(() => {
			process.send?.({ stopped: true });
			process.exit(0);
		});
		return;
	}
	process.send?.({ stats: emulator.stats });
});
