/**
 * Retries with exponential back-off and jitter, honouring `Retry-After`, a bounded number of times.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from '../n8n';

import { sendOnce } from './attempt';
import { cancelled, isTransient } from './classify';
import type { RetryPolicy, SendOptions, SendResult } from './types';
import { RETRYABLE_STATUSES } from './types';
import { parseRetryAfter } from '../token-endpoint';

export { parseRetryAfter };

export async function sendWithRetry(
	ctx: IExecuteFunctions,
	credentialType: string,
	request: IHttpRequestOptions,
	policy: RetryPolicy,
	sendOptions: SendOptions = {},
): Promise<SendResult> {
	const cancelSignal = ctx.getExecutionCancelSignal();
	let attempt = 0;
	for (;;) {
		attempt++;
		if (cancelSignal?.aborted) throw cancelled(ctx);
		const result = await sendOnce(
			ctx,
			credentialType,
			request,
			policy,
			cancelSignal,
			attempt,
			sendOptions,
		);
		const retriesLeft = attempt <= policy.maxRetries;
		let delayMs: number | undefined;
		if (result.kind === 'network') {
			if (retriesLeft && isTransient(result)) {
				// A token endpoint that asked to wait (429 or 503 with Retry-After) is waited for.
				if (result.retryAfterMs === undefined) delayMs = backoff(policy, attempt);
				else if (result.retryAfterMs <= policy.maxRetryAfterMs) delayMs = result.retryAfterMs;
			}
		} else if (
			retriesLeft &&
			RETRYABLE_STATUSES.has(sendOptions.statusOf?.(result) ?? result.status)
		) {
			const retryAfter = parseRetryAfter(result.headers['retry-after']);
			if (retryAfter === undefined) delayMs = backoff(policy, attempt);
			else if (retryAfter <= policy.maxRetryAfterMs) delayMs = retryAfter;
		}
		if (delayMs === undefined) return result;
		try {
			await sleep(delayMs, cancelSignal);
		} catch {
			throw cancelled(ctx);
		}
	}
}

function backoff(policy: RetryPolicy, attempt: number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
	// "Equal jitter": half fixed, half random, so concurrent items do not retry in lockstep.
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
