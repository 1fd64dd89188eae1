/**
 * Request settings shared by both nodes: how many queries run at once, how long each may take, how
 * failures are retried and how big an answer may be. They are node-wide, so they are read once,
 * not per item. The editor enforces their ranges, but an expression can set anything: every value
 * is checked against the same ranges here, and a value outside them is an error that names the
 * setting, its range and the value, never silently clamped.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY, MEBIBYTE } from './transport/types';
import type { RetryPolicy } from './transport/types';
import type { Checked, NumberRule } from './checks';
import { checkNumber } from './checks';

export const DEFAULT_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 50;

export interface RequestSettings {
	concurrency: number;
	policy: RetryPolicy;
	/** The longest items keep trying while the vendor refuses the account (from its first 429 to an accepted answer). */
	rateLimitWaitMs: number;
}

export const DEFAULT_RATE_LIMIT_WAIT_SECONDS = 600;

export const RULES = {
	maxConcurrency: { label: 'Max Concurrent Requests', min: 1, max: MAX_CONCURRENCY, whole: true },
	timeoutMs: {
		label: 'Timeout (Milliseconds)',
		min: 1000,
		max: 3_600_000,
		whole: true,
		unit: 'ms',
	},
	maxRetries: { label: 'Max Retries', min: 0, max: 10, whole: true },
	retryDelayMs: {
		label: 'Retry Delay (Milliseconds)',
		min: 0,
		max: 600_000,
		whole: true,
		unit: 'ms',
	},
	maxResponseMb: { label: 'Max Response Size (MB)', min: 1, max: 1024, whole: false, unit: 'MB' },
	rateLimitWaitSeconds: {
		label: 'Max Wait on Rate Limit (Seconds)',
		min: 0,
		max: 86_400,
		whole: false,
		unit: 's',
	},
} satisfies Record<string, NumberRule>;

/** The defaults below are literals (n8n's linter requires it); a unit test keeps them equal to the constants. */
export function requestSettingsOptions(vendor: string): INodeProperties[] {
	return [
		{
			displayName: 'Max Concurrent Requests',
			name: 'maxConcurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
			default: 5,
			description: `How many input items are checked at ${vendor} at the same time (1–50). The account's request rate is set in the credential (Requests per Minute).`,
		},
		{
			displayName: 'Max Response Size (MB)',
			name: 'maxResponseMb',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1024, numberPrecision: 1 },
			default: 32,
			description: `The largest answer ${vendor} may send for one item, once decompressed (1–1024). 32 MB holds over 300,000 entries; a bigger answer is an error instead of filling n8n's memory.`,
		},
		{
			displayName: 'Timeout (Milliseconds)',
			name: 'timeoutMs',
			type: 'number',
			typeOptions: { minValue: 1000, maxValue: 3_600_000, numberPrecision: 0 },
			default: 30000,
			description:
				'The longest one request may take, answer included (and getting an access token first, where the credential needs one), before it counts as failed (1,000–3,600,000)',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
			default: 3,
			description: `How often a request is tried again after a ${vendor} server error (500, 502, 503, 504), a timeout or a dropped connection (0–10). Rate limits (429) are retried until Max Wait on Rate Limit; other errors are not retried.`,
		},
		{
			displayName: 'Max Wait on Rate Limit (Seconds)',
			name: 'rateLimitWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 86_400, numberPrecision: 0 },
			default: 600,
			description: `How long items keep trying once ${vendor} refuses the account's requests (429), counted from its first 429 until it accepts one again, before the items still waiting count as failed (0–86,400)`,
		},
		{
			displayName: 'Retry Delay (Milliseconds)',
			name: 'retryDelayMs',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 600_000, numberPrecision: 0 },
			default: 1000,
			description:
				'The wait before the first retry; it doubles on each further retry (with some randomness). A Retry-After header from the server takes precedence (0–600,000).',
		},
	];
}

export function readRequestSettings(
	ctx: IExecuteFunctions,
	optionsParameter = 'options',
): Checked<RequestSettings> {
	const options = ctx.getNodeParameter(optionsParameter, 0, {}) as Record<string, unknown>;
	const defaults: Record<keyof typeof RULES, number> = {
		maxConcurrency: DEFAULT_CONCURRENCY,
		timeoutMs: DEFAULT_RETRY_POLICY.timeoutMs,
		maxRetries: DEFAULT_RETRY_POLICY.maxRetries,
		retryDelayMs: DEFAULT_RETRY_POLICY.initialDelayMs,
		maxResponseMb: DEFAULT_RETRY_POLICY.maxResponseBytes / MEBIBYTE,
		rateLimitWaitSeconds: DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	};
	const value = { ...defaults };
	for (const key of Object.keys(RULES) as Array<keyof typeof RULES>) {
		const checked = checkNumber(options[key], defaults[key], RULES[key]);
		if (!checked.ok) return checked;
		value[key] = checked.value;
	}
	return {
		ok: true,
		value: {
			concurrency: value.maxConcurrency,
			policy: {
				...DEFAULT_RETRY_POLICY,
				timeoutMs: value.timeoutMs,
				maxRetries: value.maxRetries,
				initialDelayMs: value.retryDelayMs,
				maxResponseBytes: Math.round(value.maxResponseMb * MEBIBYTE),
			},
			rateLimitWaitMs: Math.round(value.rateLimitWaitSeconds * 1000),
		},
	};
}
