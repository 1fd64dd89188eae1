// @ts-check
/**
 * `npm run dev:emulator`: the local API emulator on a fixed port, for pointing a real n8n at it.
 * PORT (default 4010) and HOST (default 127.0.0.1) choose where it listens.
 */
const { createEmulator } = require('../../test/emulator');

async function main() {
	const port = Number(process.env.PORT ?? 4010);
	const host = process.env.HOST ?? '127.0.0.1';
	const emulator = createEmulator();
	const url = await emulator.start(port, host);
	const surepass = emulator.surepassCredential();
	const paycode = emulator.interswitchCredential();
	console.log(`Vendor API emulator listening on ${url}

Surepass API credential (in n8n: Credentials > New > Surepass API)
  Environment: Custom
  Base URL:    ${surepass.baseUrl}
  Token:       ${surepass.token}

Bulk order IDs to try in the Surepass Stamp node
  bulk_stamp_v2_vomMHvHnecrlzTPRtyL   the sample order of Surepass's documentation (2 available)
  bulk_stamp_v2_demoMixed00001        stamps in every state (1 pending, 3 available, 2 failed)
  bulk_stamp_v2_demoAllPending        3 pending stamps
  bulk_stamp_v2_demoAllFailed1        2 failed stamps
  bulk_stamp_v2_driftStrings1         counts sent as strings
  bulk_stamp_v2_driftCount001         a count that disagrees with its list
  bulk_stamp_v2_large_100000          a generated order of 100,000 stamps (any size up to 7 digits)
  bulk_stamp_v2_unknown               not found (HTTP 404)

Interswitch Paycode API credential (in n8n: Credentials > New > Interswitch Paycode API)
  Environment:          Custom
  Context URL:          ${paycode.contextUrl}
  Front-End Partner ID: ${paycode.frontEndPartnerId}
  Client ID:            ${paycode.clientId}
  Client Secret:        ${paycode.clientSecret}
  Passport Token URL:   ${paycode.passportTokenUrl}

Reference IDs to try in the Interswitch Paycode node (front-end partner 455)
  123456                 the sample batch of Interswitch's documentation (10 successful, ₦43,000.00)
  GEN-IN-PROGRESS        still generating: 3 successful so far (set Expected Token Count to 10)
  BATCH-WITH-FAILURES    4 successful, 2 failed
  large_100000           a generated batch of 100,000 tokens (any size up to 7 digits)
  UNKNOWN-REF            no record of batch (Interswitch code 10904, as HTTP 401)

These are made-up credentials for the emulator only.
Press Ctrl+C to stop.`);
	const stop = () => {
		emulator.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
