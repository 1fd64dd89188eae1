import type { INodeExecutionData } from 'n8n-workflow';

import { InterswitchPaycodeApi } from '../../credentials/InterswitchPaycodeApi.credentials';
import { SurepassApi } from '../../credentials/SurepassApi.credentials';
import { InterswitchPaycode } from '../../nodes/InterswitchPaycode/InterswitchPaycode.node';
import { SurepassStamp } from '../../nodes/SurepassStamp/SurepassStamp.node';
import { forgetRenewals } from '../../nodes/shared/renewal';
import { forgetLimiters } from '../../nodes/shared/transport/rate';
import { createEmulator } from '../emulator';
import { createHarness } from './engine';
import { singleNodeWorkflow } from './workflows';

export const harness = createHarness({
	nodeTypes: { surepassStamp: new SurepassStamp(), interswitchPaycode: new InterswitchPaycode() },
	credentialTypes: [new SurepassApi(), new InterswitchPaycodeApi()],
});

/**
 * Runs one node of this package on `items` through the engine, expects no workflow error, and
 * returns its branches as JSON and pairedItem (see itemsOf).
 */
export async function runNodeOnce(
	spec: Parameters<typeof singleNodeWorkflow>[0],
	credentials: Record<string, unknown>,
) {
	const result = await harness.run(singleNodeWorkflow(spec), { credentials: credentials as never });
	expect(result.error).toBeUndefined();
	return itemsOf(result.outputs(spec.name ?? 'Node'));
}

/**
 * An emulator for the tests of one file, on a fresh server (a new port) for every test. After each
 * test, a run that is still going (the test failed or hit its timeout) is cancelled and awaited, so
 * it can neither send requests that the next test would count nor hold a slot the next test sees.
 */
export function useEmulator(options?: Parameters<typeof createEmulator>[0]) {
	const emulator = createEmulator(options);
	beforeAll(async () => {
		await emulator.start();
	});
	afterAll(async () => {
		await harness.cancelRunning();
		await emulator.stop();
	});
	afterEach(async () => {
		await harness.cancelRunning();
		emulator.clearFaults();
	});
	beforeEach(async () => {
		// Each test gets its own server (a new port) and starts as a new n8n process would: no
		// token renewed moments ago.
		await emulator.restart();
		forgetRenewals();
		forgetLimiters();
		emulator.limitRate(undefined);
		harness.changeStore.stores.clear();
		emulator.clearFaults();
		emulator.latencyMs = options?.latencyMs ?? 0;
		emulator.interswitch.settings.requireSignature = false;
		emulator.interswitch.settings.tokenLifetimeSeconds = options?.tokenLifetimeSeconds ?? 3599;
	});
	return emulator;
}

/** The JSON of each item in each output, for comparing whole branches at once. */
export function jsonOf(outputs: INodeExecutionData[][]) {
	return outputs.map((items) => items.map((item) => item.json));
}

/** Each item's json together with its pairedItem, the shape the tests assert in full. */
export function itemsOf(outputs: INodeExecutionData[][]) {
	return outputs.map((items) => items.map(({ json, pairedItem }) => ({ json, pairedItem })));
}

/**
 * A fresh emulator for one test, stopped (after any run still going is cancelled) when the test
 * ends, whatever the outcome: nothing a test started can reach the next one.
 */
export async function withOwnEmulator<T>(
	use: (emulator: ReturnType<typeof createEmulator>) => Promise<T>,
	options?: Parameters<typeof createEmulator>[0],
): Promise<T> {
	const emulator = createEmulator(options);
	await emulator.start();
	try {
		return await use(emulator);
	} finally {
		await harness.cancelRunning();
		await emulator.stop();
	}
}

/**
 * An item's error message as the runner completes it (nodes/shared/errors.ts, standAlone): the
 * subject named first when the message does not name it, " [item N]" at the end.
 */
export function standAloneMessage(core: string, noun: string, id: string, itemIndex: number) {
	return `${id !== '' && !core.includes(id) ? `${noun} "${id}": ` : ''}${core} [item ${itemIndex}]`;
}
