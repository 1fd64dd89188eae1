/**
 * "Wait for Completion": query again at a fixed interval until the batch has nothing pending or
 * the maximum wait is reached. The number of requests is bounded: at most
 * 1 + floor(maxWait / interval). Waiting uses n8n's `sleep` with the execution's cancel signal,
 * so a cancelled execution stops at once.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { sleep } from './n8n';

import { operationError } from './errors';
import type { Checked, NumberRule } from './checks';
import { checkNumber } from './checks';

export interface WaitSettings {
	enabled: boolean;
	intervalMs: number;
	maxWaitMs: number;
}

export interface PollResult<T> {
	result: T;
	/** Requests made, the first included. */
	polls: number;
	/** The batch still had pending entries when the maximum wait was reached. */
	timedOut: boolean;
}

export function waitProperties(show: Record<string, string[]>, what: string): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			displayOptions: { show },
			description: `Whether to check again at the Poll Interval until ${what}, or until Max Wait, before routing`,
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollIntervalSeconds',
			type: 'number',
			typeOptions: { minValue: 0.01, maxValue: 3600, numberPrecision: 2 },
			default: 30,
			displayOptions: { show: { ...show, waitForCompletion: [true] } },
			description: 'How long to wait between two checks (0.01–3,600)',
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 86_400, numberPrecision: 2 },
			default: 300,
			displayOptions: { show: { ...show, waitForCompletion: [true] } },
			description:
				'The longest to wait (0–86,400). What is still pending then stays in Pending, marked waitTimedOut. For waits of many minutes prefer a Wait node loop: waiting here holds an execution slot.',
		},
	];
}

export const WAIT_RULES = {
	pollIntervalSeconds: {
		label: 'Poll Interval (Seconds)',
		min: 0.01,
		max: 3600,
		whole: false,
		unit: 's',
	},
	maxWaitSeconds: { label: 'Max Wait (Seconds)', min: 0, max: 86_400, whole: false, unit: 's' },
} satisfies Record<string, NumberRule>;

export function readWaitSettings(ctx: IExecuteFunctions): Checked<WaitSettings> {
	const enabled = ctx.getNodeParameter('waitForCompletion', 0, false) === true;
	if (!enabled) return { ok: true, value: { enabled, intervalMs: 0, maxWaitMs: 0 } };
	const interval = checkNumber(
		ctx.getNodeParameter('pollIntervalSeconds', 0, 30),
		30,
		WAIT_RULES.pollIntervalSeconds,
	);
	if (!interval.ok) return interval;
	const maxWait = checkNumber(
		ctx.getNodeParameter('maxWaitSeconds', 0, 300),
		300,
		WAIT_RULES.maxWaitSeconds,
	);
	if (!maxWait.ok) return maxWait;
	return {
		ok: true,
		value: {
			enabled,
			intervalMs: Math.max(10, Math.round(interval.value * 1000)),
			maxWaitMs: Math.round(maxWait.value * 1000),
		},
	};
}

/** The most requests one item can make while waiting. */
export function maxPolls(settings: WaitSettings): number {
	return settings.enabled ? 1 + Math.floor(settings.maxWaitMs / settings.intervalMs) : 1;
}

export async function pollUntilDone<T>(
	ctx: IExecuteFunctions,
	settings: WaitSettings,
	query: () => Promise<T>,
	isDone: (result: T) => boolean,
): Promise<PollResult<T>> {
	let result = await query();
	let polls = 1;
	const limit = maxPolls(settings);
	while (!isDone(result)) {
		if (polls >= limit) return { result, polls, timedOut: settings.enabled };
		const cancelled = await sleep(settings.intervalMs, ctx.getExecutionCancelSignal()).then(
			() => false,
			() => true,
		);
		if (cancelled)
			throw operationError(
				ctx.getNode(),
				'The execution was cancelled while waiting for completion',
			);
		result = await query();
		polls++;
	}
	return { result, polls, timedOut: false };
}

/** Marks the Pending items of one input item as still pending after the wait. */
export function markTimedOut(
	pending: Array<Record<string, unknown>>,
	poll: PollResult<unknown>,
	settings: WaitSettings,
): void {
	for (const item of pending) {
		item.waitTimedOut = true;
		item.waitNote = `Still pending after ${poll.polls} checks over ${settings.maxWaitMs / 1000} s (Max Wait)`;
	}
}
