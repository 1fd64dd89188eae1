/**
 * Secrets never reach run data, errors or logs: the Surepass token, the Interswitch client secret
 * and access tokens, and one-time PINs when they are masked or omitted.
 */
import { harness, useEmulator } from '../../harness/helpers';
import { batchStatusWorkflow, singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

const SEED_PINS = ['4321', '1234'];

function serialise(value: unknown): string {
	const seen = new WeakSet();
	return JSON.stringify(value, (_key, inner: unknown) => {
		if (inner instanceof Error) {
			const { name, message, stack } = inner;
			return { ...inner, name, message, stack };
		}
		if (typeof inner === 'object' && inner !== null) {
			if (seen.has(inner)) return '[circular]';
			seen.add(inner);
		}
		return inner;
	});
}

async function everythingFrom(run: Promise<{ run: unknown; error: unknown }>) {
	const logStart = harness.logger.lines.length;
	const result = await run;
	return (
		serialise({ run: result.run, error: result.error }) +
		harness.logger.lines.slice(logStart).join('\n')
	);
}

function paycode(
	items: Array<Record<string, unknown>>,
	parameters: Record<string, unknown>,
	onError: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow',
	credential: Record<string, unknown>,
) {
	return harness.run(
		batchStatusWorkflow(items, { options: { maxRetries: 1 }, ...parameters }, onError),
		{ credentials: { interswitchPaycodeApi: credential as never } },
	);
}

function stamp(
	items: Array<Record<string, unknown>>,
	onError: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow',
	credential: Record<string, unknown>,
) {
	return harness.run(
		singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Surepass Stamp',
			parameters: {
				resource: 'bulkStampOrder',
				operation: 'getSummary',
				bulkOrderId: '={{ $json.orderId }}',
				options: { retryDelayMs: 1, maxRetries: 1 },
			},
			items,
			onError,
		}),
		{ credentials: { surepassApi: credential as never } },
	);
}

const modes = ['continueRegularOutput', 'continueErrorOutput', 'stopWorkflow'] as const;

describe.each(modes)('no secret anywhere (%s)', (onError) => {
	test('Interswitch: secrets and masked or omitted PINs', async () => {
		const credential = emulator.interswitchCredential();
		const items = [
			{ referenceId: '123456' },
			{ referenceId: 'UNKNOWN-REF' },
			{ referenceId: 'BATCH-WITH-FAILURES' },
			{ referenceId: '' },
		];
		let text = '';
		for (const oneTimePins of ['mask', 'omit']) {
			text += await everythingFrom(paycode(items, { oneTimePins }, onError, credential));
		}
		emulator.addFault({
			route: 'interswitch',
			status: 500,
			body: { error: { code: '500', message: `echo ${credential.clientSecret}` } },
		});
		text += await everythingFrom(paycode(items, { oneTimePins: 'mask' }, onError, credential));
		emulator.clearFaults();
		text += await everythingFrom(
			paycode(items, { oneTimePins: 'omit' }, onError, {
				...credential,
				clientSecret: 'a-wrong-secret-value',
			}),
		);
		expect(text.length).toBeGreaterThan(1000);
		const issued = [...emulator.interswitch.tokens.keys()];
		expect(issued.length).toBeGreaterThan(0);
		for (const secret of [String(credential.clientSecret), 'a-wrong-secret-value', ...issued])
			expect(text).not.toContain(secret);
		for (const pin of SEED_PINS) expect(text).not.toContain(`"${pin}"`);
	});

	test('Surepass: the token, also when a server echoes it', async () => {
		const credential = emulator.surepassCredential();
		const items = [
			{ orderId: 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL' },
			{ orderId: 'bulk_stamp_v2_nope' },
			{ orderId: '' },
		];
		let text = await everythingFrom(stamp(items, onError, credential));
		emulator.addFault({
			status: 500,
			body: {
				success: false,
				message: `bad token ${credential.token}`,
				message_code: 'server_error',
			},
		});
		text += await everythingFrom(stamp(items, onError, credential));
		emulator.clearFaults();
		text += await everythingFrom(
			stamp(items, onError, { ...credential, token: 'a-rejected-token-value' }),
		);
		expect(text).toContain('bulk_stamp_v2_nope');
		for (const secret of [credential.token, 'a-rejected-token-value'])
			expect(text).not.toContain(secret);
	});
});
