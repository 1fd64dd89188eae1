/**
 * Retries with exponential back-off and jitter, honouring `Retry-After`, a bounded number of times.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from '../n8n';

import { sendOnce } from './attempt';
import { cancelled, cannotHaveArrived, isTransient } from './classify';
import type { Slot } from './rate';
import type { HttpResponse, RateSettings, RetryPolicy, SendOptions, SendResult } from './types';
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
	/** The last 429 answer, reported if the item gives up on the rate limit. */
	let lastLimited: HttpResponse | undefined;
	for (;;) {
		if (cancelSignal?.aborted) throw cancelled(ctx);
		// A slot of the account's rate first: waiting for it is not an attempt. It ends with no slot
		// once the account has been refused for Max Wait on Rate Limit, queued or not.
		let slot: Slot | undefined;
		if (rate) {
			slot = await rate.limiter
				.acquire({
					signal: cancelSignal,
					maxWaitMs: rate.maxWaitMs,
					retry: lastLimited !== undefined,
				})
				.catch(() => Promise.reject(cancelled(ctx)));
			if (slot === undefined) return gaveUp(rate, lastLimited, attempt);
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
		if (rate && slot && !retryAtOnce)
			rate.limiter.record(
				slot,
				status === 429 ? 'refused' : status === undefined ? 'unknown' : 'accepted',
				status === 429 ? retryAfter : undefined,
			);
		if (rate && status === 429 && !retryAtOnce && result.kind === 'response') {
			// Paced by the limiter, Retry-After kept for the whole account, until the account has
			// been refused for the bound the user set (or the vendor asks to wait past it).
			lastLimited = result;
			if (rate.limiter.exhausted(rate.maxWaitMs)) return gaveUp(rate, result, attempt);
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

/**
 * What an item that gave up on the rate limit returns: the vendor's last 429 to it, or, when it
 * was never sent (it waited for a slot all along), a 429 of its own with no attempt, and how long
 * the account had been refused.
 */
function gaveUp(
	rate: RateSettings,
	last: HttpResponse | undefined,
	attempts: number,
): HttpResponse {
	// Max Wait when it ran out (a busy process may notice a little later), less when the vendor
	// asked to wait past it.
	const rateLimitedMs = Math.min(rate.limiter.refusedForMs() ?? 0, rate.maxWaitMs);
	return last === undefined
		? { kind: 'response', status: 429, headers: {}, body: '', attempts, rateLimitedMs }
		: { ...last, attempts, rateLimitedMs };
}

function backoff(policy: RetryPolicy, attempt: number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
	// "Equal jitter": half fixed, half random, so concurrent items do not retry in lockstep.
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
