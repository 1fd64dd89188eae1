// @ts-check
/**
 * `npm run dev:n8n`: a real n8n 2.41.1 with this package installed, the example workflows imported and
 * credentials pointing at the local emulator, for clicking around without a vendor account.
 * PORT (default 5678) chooses n8n's port; the emulator listens on 4010. Data stays in
 * .cache/n8n-home between runs; delete that folder to start over.
 */
const fs = require('node:fs');
const path = require('node:path');
const {
	ensureN8n,
	installPackage,
	n8nCli,
	importEmulatorCredentials,
	startN8n,
	cacheDir,
} = require('../lib/n8n-env');
const { Processes } = require('../lib/processes');
const { createEmulator } = require('../../test/emulator');

const OWNER = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Demo-Passw0rd-Example',
};

async function main() {
	const home = path.join(cacheDir, 'n8n-home');
	const firstRun = !fs.existsSync(path.join(home, '.n8n', 'database.sqlite'));
	const bin = ensureN8n();
	installPackage(home, true);
	const emulator = createEmulator();
	await emulator.start(4010, '127.0.0.1');
	const port = Number(process.env.PORT ?? 5678);
	if (firstRun) {
		importEmulatorCredentials(bin, home, port, emulator);
		for (const example of fs
			.readdirSync(path.join(__dirname, '..', '..', 'examples'))
			.filter((name) => name.endsWith('.json'))) {
			n8nCli(
				bin,
				home,
				['import:workflow', `--input=${path.join(__dirname, '..', '..', 'examples', example)}`],
				port,
			);
		}
	}
	const processes = new Processes();
	const n8n = await startN8n(processes, bin, home, port);
	const setup = await fetch(`${n8n.url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	console.log(`
n8n is running with n8n-nodes-surepass-interswitch: ${n8n.url}
${setup.ok ? `Sign in as ${OWNER.email} / ${OWNER.password}` : 'Sign in with the owner account you created earlier'}
The example workflows are imported; their credentials point at the local emulator on ${emulator.url}.
The Slack, Twilio and e-mail nodes in two examples need your own credentials to really send.
n8n log: ${n8n.logFile}
Press Ctrl+C to stop.`);
	// Ctrl+C: the process module stops n8n (TERM, then KILL); the emulator ends with this process.
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
