/**
 * Request settings shared by both nodes: how many queries run at once, how long each may take,
 * and how failures are retried. They are node-wide, so they are read once, not per item.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RetryPolicy } from './transport';
import { DEFAULT_RETRY_POLICY } from './transport';

export const DEFAULT_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 50;

export interface RequestSettings {
	concurrency: number;
	policy: RetryPolicy;
}

/** The defaults below are literals (n8n's linter requires it); a unit test keeps them equal to the constants. */
export function requestSettingsOptions(vendor: string): INodeProperties[] {
	return [
		{
			displayName: 'Max Concurrent Requests',
			name: 'maxConcurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
			default: 5,
			description: `How many input items are checked at ${vendor} at the same time. Lower it if ${vendor} answers with rate-limit errors (HTTP 429).`,
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeoutMs',
			type: 'number',
			typeOptions: { minValue: 1000, numberPrecision: 0 },
			default: 30000,
			description: 'The longest one request may take, answer included, before it counts as failed',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
			default: 3,
			description: `How often a request is tried again after a rate limit (429), a ${vendor} server error (500, 502, 503, 504), a timeout or a network failure. Other errors are not retried.`,
		},
		{
			displayName: 'Retry Delay (Ms)',
			name: 'retryDelayMs',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 1000,
			description:
				'The wait before the first retry; it doubles on each further retry (with some randomness). A Retry-After header from the server takes precedence.',
		},
	];
}

function wholeNumber(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(number)));
}

export function readRequestSettings(ctx: IExecuteFunctions, optionsParameter = 'options'): RequestSettings {
	const options = ctx.getNodeParameter(optionsParameter, 0, {}) as Record<string, unknown>;
	return {
		concurrency: wholeNumber(options.maxConcurrency, DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
		policy: {
			...DEFAULT_RETRY_POLICY,
			timeoutMs: wholeNumber(options.timeoutMs, DEFAULT_RETRY_POLICY.timeoutMs, 1, 3_600_000),
			maxRetries: wholeNumber(options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries, 0, 10),
			initialDelayMs: wholeNumber(options.retryDelayMs, DEFAULT_RETRY_POLICY.initialDelayMs, 0, 600_000),
		},
	};
}
