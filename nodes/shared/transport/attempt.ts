/**
 * One attempt: the request through the credential (`httpRequestWithAuthentication`), bounded by a
 * total deadline whatever happens inside it, with the body read as a stream up to a size cap
 * (counted after decompression). Returns the raw answer or a NetworkFailure; never retries.
 */
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { sleep, statusErrors, withOverrides } from '../n8n';

import { formatBytes, readBoundedBytes } from '../body';
import { cancelled, classify, responseFromError } from './classify';
import { tokenRequest } from './token';
import type {
	AttemptState,
	FailureReason,
	NetworkFailure,
	RawFullResponse,
	RetryPolicy,
	SendOptions,
	SendResult,
} from './types';

export async function sendOnce(
	ctx: IExecuteFunctions,
	credentialType: string,
	request: IHttpRequestOptions,
	policy: RetryPolicy,
	cancelSignal: AbortSignal | undefined,
	attempt: number,
	sendOptions: SendOptions,
): Promise<SendResult> {
	const attemptSignal = new AbortController();
	const deadline = watchDeadline(policy.timeoutMs, attemptSignal, cancelSignal);
	const signal = attemptSignal.signal;
	const state: AttemptState = { stage: 'request' };
	// httpRequestWithAuthentication replaces `abortSignal` with the execution's cancel signal taken
	// from its `this`, and hands `this.helpers` to the credential's preAuthentication: the attempt's
	// signal and the token-request wrapper are offered through a context that returns them.
	// Everything else resolves to the real execution context.
	const helpers = withOverrides(ctx.helpers, {
		httpRequest: async (options: IHttpRequestOptions) =>
			await tokenRequest(ctx, options, signal, policy, state, sendOptions.secrets),
	});
	const scoped = withOverrides(ctx, { getExecutionCancelSignal: () => signal, helpers });
	const options: IHttpRequestOptions = {
		...request,
		headers: { ...request.headers },
		abortSignal: signal,
		timeout: policy.timeoutMs,
		returnFullResponse: true,
		// Statuses are read by the vendor module. Only when renewal is asked for does a 401 throw,
		// which is what makes n8n renew the credential and send the request once more.
		ignoreHttpStatusErrors: statusErrors(sendOptions.renewCredentialOn401 === true),
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		// The body is read here, as a stream, so that its size can be bounded.
		encoding: 'stream',
		json: false,
	};
	try {
		const first = await Promise.race([
			exchange(ctx, scoped, credentialType, options, policy, attempt, state, sendOptions).then(
				(result) => ({ result }),
			),
			deadline.settled.then(() => undefined),
		]);
		// The exchange ends first (its result, or the NodeOperationError it throws for a request
		// that could not be sent), or the deadline or the cancel does.
		if (first !== undefined) return first.result;
		if (deadline.cancelled) throw cancelled(ctx);
		return timeoutFailure(policy.timeoutMs, attempt, state);
	} finally {
		deadline.release();
	}
}

function timeoutFailure(timeoutMs: number, attempt: number, state: AttemptState): NetworkFailure {
	return {
		kind: 'network',
		reason: 'timeout',
		code: 'TIMEOUT',
		detail: state.answerStarted
			? `the answer did not finish within ${timeoutMs} ms`
			: `no answer within ${timeoutMs} ms`,
		attempts: attempt,
		stage: state.stage,
		tokenHost: state.tokenHost,
		timeoutMs,
		...(state.answerStarted ? { answerStarted: true } : {}),
	};
}

/**
 * Aborts `attempt` when the deadline passes or the execution is cancelled, and settles `settled`
 * then (or when released). Released as soon as the attempt ends, so a run of many thousand requests
 * holds no timers or listeners for finished ones.
 */
function watchDeadline(
	timeoutMs: number,
	attempt: AbortController,
	cancelSignal: AbortSignal | undefined,
) {
	const timer = new AbortController();
	let settle = () => {};
	const state = {
		passed: false,
		cancelled: false,
		settled: new Promise<void>((resolve) => {
			settle = resolve;
		}),
		release: () => {},
	};
	const onCancel = () => {
		state.cancelled = true;
		attempt.abort();
		settle();
	};
	if (cancelSignal?.aborted) onCancel();
	else cancelSignal?.addEventListener('abort', onCancel, { once: true });
	// sleep() rejects when its signal aborts, which is how the timer is cleared: nothing to report.
	sleep(timeoutMs, timer.signal).then(
		() => {
			state.passed = true;
			attempt.abort();
			settle();
		},
		() => undefined,
	);
	state.release = () => {
		timer.abort();
		cancelSignal?.removeEventListener('abort', onCancel);
		settle();
	};
	return state;
}

/** The credential already decrypted, as httpRequestWithAuthentication takes it; n8n reads it itself otherwise. */
function decrypted(
	ctx: IExecuteFunctions,
	credentialType: string,
	credentials: ICredentialDataDecryptedObject | undefined,
): IAdditionalCredentialOptions | undefined {
	const reference = ctx.getNode().credentials?.[credentialType];
	if (!credentials || !reference?.id) return undefined;
	return {
		credentialsDecrypted: {
			id: reference.id,
			name: reference.name,
			type: credentialType,
			data: credentials,
		},
	};
}

async function exchange(
	ctx: IExecuteFunctions,
	scoped: IExecuteFunctions,
	credentialType: string,
	options: IHttpRequestOptions,
	policy: RetryPolicy,
	attempt: number,
	state: AttemptState,
	sendOptions: SendOptions,
): Promise<SendResult> {
	const failure = (reason: FailureReason, code: string, detail: string): NetworkFailure => ({
		kind: 'network',
		reason,
		code,
		detail,
		attempts: attempt,
		stage: state.stage,
		tokenHost: state.tokenHost,
		...(state.answerStarted ? { answerStarted: true } : {}),
	});
	let raw: RawFullResponse;
	try {
		raw = (
			sendOptions.withoutCredential === true
				? await ctx.helpers.httpRequest(options)
				: await ctx.helpers.httpRequestWithAuthentication.call(
						scoped,
						credentialType,
						options,
						decrypted(ctx, credentialType, sendOptions.credentials),
					)
		) as RawFullResponse;
	} catch (error) {
		const answered = responseFromError(error);
		if (!answered) return classify(ctx, error, failure);
		raw = { statusCode: answered.status, headers: answered.headers ?? {}, body: answered.data };
	}
	state.answerStarted = true;
	try {
		const body = await readBoundedBytes(raw.body, policy.maxResponseBytes);
		if (body.tooLarge)
			return failure('too-large', 'TOO_LARGE', tooLargeDetail(policy.maxResponseBytes));
		// A file that arrived is kept as bytes only; an error answer is read as text as well.
		const fileOnly = sendOptions.binary === true && raw.statusCode >= 200 && raw.statusCode < 300;
		return {
			kind: 'response',
			status: raw.statusCode,
			headers: normalizeHeaders(raw.headers),
			body: fileOnly ? '' : body.bytes.toString('utf8'),
			...(sendOptions.binary === true ? { bytes: body.bytes } : {}),
			attempts: attempt,
		};
	} catch (error) {
		// The connection went away in the middle of the body: a network failure, not an answer.
		return classify(ctx, error, failure, 'ECONNRESET');
	}
}

function tooLargeDetail(maxBytes: number): string {
	return `the answer is larger than ${formatBytes(maxBytes)}`;
}

function normalizeHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	if (!headers) return out;
	for (const [key, value] of Object.entries(headers)) {
		if (value === undefined || value === null) continue;
		out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}
