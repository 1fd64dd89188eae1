/**
 * Retries with exponential back-off and jitter, honouring `Retry-After`, a bounded number of times.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from '../n8n';

import { sendOnce } from './attempt';
import { cancelled, cannotHaveArrived, isTransient } from './classify';
import type { HttpResponse, RetryPolicy, SendOptions, SendResult } from './types';
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
	const { rate } = sendOptions;
	let attempt = 0;
	/** Retries used on what is not the rate limit (Max Retries bounds them). */
	let retries = 0;
	let limitedSince: number | undefined;
	/** The last 429 answer, reported if the item gives up while waiting for a slot. */
	let lastLimited: HttpResponse | undefined;
	for (;;) {
		if (cancelSignal?.aborted) throw cancelled(ctx);
		// A slot of the account's rate first: waiting for it is not an attempt. After a 429, no
		// longer than what is left of the time the item may keep trying.
		if (rate) {
			const left =
				limitedSince === undefined
					? Number.POSITIVE_INFINITY
					: limitedSince + rate.maxWaitMs - Date.now();
			const slot = await rate.limiter
				.acquire(cancelSignal, left)
				.catch(() => Promise.reject(cancelled(ctx)));
			if (!slot && lastLimited !== undefined)
				return { ...lastLimited, rateLimitedMs: Date.now() - (limitedSince ?? Date.now()) };
		}
		attempt++;
		const result = await sendOnce(
			ctx,
			credentialType,
			request,
			policy,
			cancelSignal,
			attempt,
			sendOptions,
		);
		const status =
			result.kind === 'response' ? (sendOptions.statusOf?.(result) ?? result.status) : undefined;
		const retryAfter =
			result.kind === 'response' ? parseRetryAfter(result.headers['retry-after']) : undefined;
		// "Retry-After: 0" asks for a retry at once: an ordinary retry, bounded by Max Retries, so a
		// server that says it every time is not asked again and again for Max Wait on Rate Limit.
		// It is neither a rate to slow down to nor a success, so the limiter does not hear of it.
		const retryAtOnce = status === 429 && retryAfter === 0;
		if (rate && !retryAtOnce)
			rate.limiter.record(status === 429, status === 429 ? retryAfter : undefined);
		if (rate && status === 429 && !retryAtOnce && result.kind === 'response') {
			// Paced by the limiter (its rate halved, Retry-After kept for the whole account) until
			// the item has tried for the bound the user set.
			limitedSince ??= Date.now();
			lastLimited = result;
			const spent = Date.now() - limitedSince;
			if (
				spent >= rate.maxWaitMs ||
				(retryAfter !== undefined && spent + retryAfter > rate.maxWaitMs)
			) {
				return { ...result, rateLimitedMs: spent };
			}
			continue;
		}
		const retriesLeft = retries < policy.maxRetries;
		let delayMs: number | undefined;
		if (result.kind === 'network') {
			const repeatable = sendOptions.notRepeatable !== true || cannotHaveArrived(result);
			if (retriesLeft && repeatable && isTransient(result)) {
				// A token endpoint that asked to wait (429 or 503 with Retry-After) is waited for.
				if (result.retryAfterMs === undefined) delayMs = backoff(policy, retries + 1);
				else if (result.retryAfterMs <= policy.maxRetryAfterMs) delayMs = result.retryAfterMs;
			}
		} else if (
			retriesLeft &&
			status !== undefined &&
			RETRYABLE_STATUSES.has(status) &&
			// A server error may come after the change was made: a request that changes something is
			// not sent twice on its word.
			(sendOptions.notRepeatable !== true || status === 429)
		) {
			if (retryAfter === undefined) delayMs = backoff(policy, retries + 1);
			else if (retryAfter <= policy.maxRetryAfterMs) delayMs = retryAfter;
		}
		if (delayMs === undefined) return result;
		retries++;
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
