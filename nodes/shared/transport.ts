/**
 * The one door for HTTP. Every vendor call goes through `sendWithRetry`, which
 * - authenticates through the credential (`httpRequestWithAuthentication`): no header is set by hand;
 * - bounds every attempt by a total deadline, not only an idle-socket timeout, so a server that
 *   trickles a body forever cannot hang the workflow;
 * - retries 429, 5xx gateway errors and network failures with exponential back-off and jitter,
 *   honouring `Retry-After`, a bounded number of times (the calls here only read, so a retry is safe);
 * - never follows a redirect, so a token is never sent to a host the credential did not name;
 * - returns the raw status, headers and body text, so each vendor module parses exactly what arrived
 *   (an empty, truncated or non-JSON body is a clear error there, not a crash here).
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** First back-off delay; doubles on each retry, with jitter. */
	initialDelayMs: number;
	/** Longest back-off delay. */
	maxDelayMs: number;
	/** Total time one attempt may take, body included. */
	timeoutMs: number;
	/** A `Retry-After` longer than this is not waited for: the error is reported instead. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	initialDelayMs: 1000,
	maxDelayMs: 30_000,
	timeoutMs: 30_000,
	maxRetryAfterMs: 60_000,
};

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ENOTCONN',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
	'TIMEOUT',
	// Raised by a credential's preAuthentication when its token endpoint is down or overloaded.
	'EPASSPORT_UNAVAILABLE',
]);

export interface HttpResponse {
	kind: 'response';
	status: number;
	headers: Record<string, string>;
	body: string;
	attempts: number;
}

export interface NetworkFailure {
	kind: 'network';
	/** A code such as ECONNRESET, or TIMEOUT when the deadline passed. */
	code: string;
	/** What the client said, without any request detail. */
	detail: string;
	attempts: number;
}

export type SendResult = HttpResponse | NetworkFailure;

interface RawFullResponse {
	body: unknown;
	headers: Record<string, unknown>;
	statusCode: number;
}

export interface SendOptions {
	/**
	 * Let n8n renew the credential (run its preAuthentication again) when the server answers 401,
	 * and retry once with the new token. Off by default: some vendors send business errors as 401.
	 */
	renewCredentialOn401?: boolean;
}

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
		const result = await sendOnce(ctx, credentialType, request, policy.timeoutMs, cancelSignal, attempt, sendOptions);
		const retriesLeft = attempt <= policy.maxRetries;
		let delayMs: number | undefined;
		if (result.kind === 'network') {
			if (retriesLeft && RETRYABLE_NETWORK_CODES.has(result.code)) delayMs = backoff(policy, attempt);
		} else if (retriesLeft && RETRYABLE_STATUSES.has(result.status)) {
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

async function sendOnce(
	ctx: IExecuteFunctions,
	credentialType: string,
	request: IHttpRequestOptions,
	timeoutMs: number,
	cancelSignal: AbortSignal | undefined,
	attempt: number,
	sendOptions: SendOptions,
): Promise<SendResult> {
	const attemptSignal = new AbortController();
	const deadline = watchDeadline(timeoutMs, attemptSignal, cancelSignal);
	const signal = attemptSignal.signal;
	// httpRequestWithAuthentication replaces `abortSignal` with the execution's cancel signal taken
	// from its `this`, so the per-attempt deadline is offered through a context that returns the
	// combined signal. Everything else resolves to the real execution context.
	const scoped = Object.create(ctx, {
		getExecutionCancelSignal: { value: () => signal },
	}) as IExecuteFunctions;
	const options: IHttpRequestOptions = {
		...request,
		headers: { ...request.headers },
		abortSignal: signal,
		timeout: timeoutMs,
		returnFullResponse: true,
		// Statuses are read by the vendor module. Only when renewal is asked for does a 401 throw,
		// which is what makes n8n renew the credential and send the request once more.
		ignoreHttpStatusErrors: sendOptions.renewCredentialOn401 ? { ignore: true, except: [401] } : true,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		encoding: 'text',
		json: false,
	};
	try {
		return await exchange(ctx, scoped, credentialType, options, deadline, timeoutMs, cancelSignal, attempt);
	} finally {
		deadline.release();
	}
}

/**
 * Aborts `attempt` when the deadline passes or the execution is cancelled. Released as soon as the
 * attempt ends, so a run of many thousand requests holds no timers or listeners for finished ones
 * (AbortSignal.timeout would keep each attempt's signal alive until its timeout fires).
 */
function watchDeadline(timeoutMs: number, attempt: AbortController, cancelSignal: AbortSignal | undefined) {
	const timer = new AbortController();
	const state = { passed: false, release: () => {} };
	const onCancel = () => attempt.abort();
	cancelSignal?.addEventListener('abort', onCancel, { once: true });
	// sleep() rejects when its signal aborts, which is how the timer is cleared: nothing to report.
	sleep(timeoutMs, timer.signal).then(
		() => {
			state.passed = true;
			attempt.abort();
		},
		() => undefined,
	);
	state.release = () => {
		timer.abort();
		cancelSignal?.removeEventListener('abort', onCancel);
	};
	return state;
}

async function exchange(
	ctx: IExecuteFunctions,
	scoped: IExecuteFunctions,
	credentialType: string,
	options: IHttpRequestOptions,
	deadline: { passed: boolean },
	timeoutMs: number,
	cancelSignal: AbortSignal | undefined,
	attempt: number,
): Promise<SendResult> {
	try {
		const raw = (await ctx.helpers.httpRequestWithAuthentication.call(
			scoped,
			credentialType,
			options,
		)) as RawFullResponse;
		const headers = normalizeHeaders(raw.headers);
		const body = bodyText(raw.body);
		const truncated = truncation(headers, body);
		if (truncated !== undefined) {
			// The connection closed before the whole body arrived: a network failure, not an answer.
			return { kind: 'network', code: 'ECONNRESET', detail: truncated, attempts: attempt };
		}
		return { kind: 'response', status: raw.statusCode, headers, body, attempts: attempt };
	} catch (error) {
		if (cancelSignal?.aborted) throw cancelled(ctx);
		if (deadline.passed) {
			return {
				kind: 'network',
				code: 'TIMEOUT',
				detail: `no complete answer within ${timeoutMs} ms`,
				attempts: attempt,
			};
		}
		const answered = responseFromError(error);
		if (answered) return { kind: 'response', ...answered, attempts: attempt };
		const code = networkErrorCode(error);
		if (code === undefined) {
			// Not a transport failure: the credential refused the request (for example an
			// insecure URL) or the request could not be built. Its message is meant for people.
			throw new NodeOperationError(ctx.getNode(), innermostMessage(error), {
				description: 'The request was not sent. Check the credential.',
			});
		}
		return { kind: 'network', code, detail: innermostMessage(error), attempts: attempt };
	}
}

function cancelled(ctx: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting for the API');
}

/** Says so when fewer bytes arrived than Content-Length announced (compressed bodies excepted). */
function truncation(headers: Record<string, string>, body: string): string | undefined {
	const announced = Number(headers['content-length']);
	if (!Number.isSafeInteger(announced) || headers['content-encoding'] !== undefined) return undefined;
	const received = Buffer.byteLength(body, 'utf8');
	return received < announced
		? `the connection closed before the whole body arrived (${received} of ${announced} bytes)`
		: undefined;
}

function backoff(policy: RetryPolicy, attempt: number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
	// "Equal jitter": half fixed, half random, so concurrent items do not retry in lockstep.
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
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

function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	// Should not happen with `encoding: 'text'`, but a parsed body is still usable.
	return JSON.stringify(body);
}

interface ErrorLike {
	code?: unknown;
	message?: unknown;
	cause?: unknown;
	response?: { status?: unknown; data?: unknown; headers?: Record<string, unknown> };
}

/** The server's answer inside an error the HTTP client threw for a status, if there is one. */
function responseFromError(error: unknown): Omit<HttpResponse, 'kind' | 'attempts'> | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const { response, cause } = current as ErrorLike;
		// Only an error status: a stream aborted mid-body also carries its (incomplete) response.
		if (response && typeof response.status === 'number' && response.status >= 400) {
			return { status: response.status, headers: normalizeHeaders(response.headers), body: bodyText(response.data) };
		}
		current = cause;
	}
	return undefined;
}

/** Finds a transport error code anywhere in the error's cause chain. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const { code, message, cause } = current as ErrorLike;
		const generic = code === 'ERR_BAD_RESPONSE' || code === 'ERR_BAD_REQUEST';
		if (typeof code === 'string' && !generic && /^(E[A-Z_]+|ERR_[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) {
			return code === 'ERR_CANCELED' ? 'ECONNABORTED' : code;
		}
		if (typeof message === 'string') {
			// "stream has been aborted", "socket hang up": the connection went away mid-answer.
			if (/socket hang up|aborted|premature close/i.test(message)) return 'ECONNRESET';
			if (/timeout of \d+ms exceeded/i.test(message)) return 'ETIMEDOUT';
		}
		current = cause;
	}
	return undefined;
}

function innermostMessage(error: unknown): string {
	let message = 'unknown error';
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const candidate = (current as ErrorLike).message;
		if (typeof candidate === 'string' && candidate !== '') message = candidate;
		current = (current as ErrorLike).cause;
	}
	return message;
}
