import type { INodeExecutionData } from 'n8n-workflow';

import { InterswitchPaycodeApi } from '../credentials/InterswitchPaycodeApi.credentials';
import { SurepassApi } from '../credentials/SurepassApi.credentials';
import { InterswitchPaycode } from '../nodes/InterswitchPaycode/InterswitchPaycode.node';
import { SurepassStamp } from '../nodes/SurepassStamp/SurepassStamp.node';
import { createEmulator } from './emulator';
import { createHarness } from './harness/engine';

export const harness = createHarness({
	nodeTypes: { surepassStamp: new SurepassStamp(), interswitchPaycode: new InterswitchPaycode() },
	credentialTypes: [new SurepassApi(), new InterswitchPaycodeApi()],
});

/** Starts an emulator for the tests of one file and stops it after them. */
export function useEmulator(options?: Parameters<typeof createEmulator>[0]) {
	const emulator = createEmulator(options);
	beforeAll(async () => {
		await emulator.start();
	});
	afterAll(async () => {
		await emulator.stop();
	});
	beforeEach(() => {
		emulator.clearFaults();
		emulator.resetStats();
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
