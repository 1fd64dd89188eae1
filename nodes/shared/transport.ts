/**
 * The one door for HTTP. Every vendor call goes through `sendWithRetry`, which
 * - authenticates through the credential (`httpRequestWithAuthentication`, with the credential decrypted
 *   once per run): no header is set by hand;
 * - bounds every attempt by a total deadline, whatever happens inside it: a server that trickles a
 *   body forever, or a token endpoint that never answers while the credential renews its token,
 *   cannot hold the workflow past the Timeout, and a cancelled execution stops at once;
 * - reads the body as a stream and stops past `maxResponseBytes` (counted after decompression, so a
 *   compression bomb stops at the same bound);
 * - retries 429, 5xx gateway errors, timeouts and dropped connections with exponential back-off and
 *   jitter, honouring `Retry-After`, a bounded number of times (the calls here only read, so a retry
 *   is safe); an answer that is an error envelope with such a status inside a 200 is retried too;
 * - never follows a redirect, so a token is never sent to a host the credential did not name;
 * - returns the raw status, headers and body text, so each vendor module parses exactly what arrived
 *   (an empty, truncated or non-JSON body is a clear error there, not a crash here).
 *
 * The credential's token requests (its preAuthentication) come through here too, because n8n makes
 * them with the helpers of the context that sends the request: they follow the same deadline and
 * cancel signal, identical concurrent token requests share one request to the token endpoint, and
 * every token issued is remembered for redaction.
 */
import type { IAdditionalCredentialOptions, ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { operationError } from './errors';
import type { RunSecrets } from './secrets';

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** First back-off delay; doubles on each retry, with jitter. */
	initialDelayMs: number;
	/** Longest back-off delay. */
	maxDelayMs: number;
	/** Total time one attempt may take, token request and body included. */
	timeoutMs: number;
	/** A `Retry-After` longer than this is not waited for: the error is reported instead. */
	maxRetryAfterMs: number;
	/** The most bytes one answer may hold, once decompressed. */
	maxResponseBytes: number;
}

export const MEBIBYTE = 1024 * 1024;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	initialDelayMs: 1000,
	maxDelayMs: 30_000,
	timeoutMs: 30_000,
	maxRetryAfterMs: 60_000,
	// 100,000 Paycode tokens are about 9 MB of JSON, 100,000 stamp IDs about 3 MB: over 3x headroom.
	maxResponseBytes: 32 * MEBIBYTE,
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
	// Raised by a credential's preAuthentication when its token endpoint is down or overloaded.
	'EPASSPORT_UNAVAILABLE',
]);

/** What Node's TLS layer says when it does not trust a server's certificate: never retried. */
const TLS_CODES: Readonly<Record<string, string>> = {
	CERT_HAS_EXPIRED: 'the certificate has expired',
	CERT_NOT_YET_VALID: 'the certificate is not valid yet',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
	SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain contains a self-signed certificate',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate cannot be verified against a trusted authority',
	UNABLE_TO_GET_ISSUER_CERT: 'the certificate of its issuer is missing',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was issued by an authority this machine does not trust',
	ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate was issued for another host name',
	CERT_REVOKED: 'the certificate was revoked',
	CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
	ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on this port',
	EPROTO: 'the TLS handshake failed',
};

export interface HttpResponse {
	kind: 'response';
	status: number;
	headers: Record<string, string>;
	body: string;
	attempts: number;
}

export type FailureReason = 'timeout' | 'connection' | 'tls' | 'too-large';

export interface NetworkFailure {
	kind: 'network';
	reason: FailureReason;
	/** A code such as ECONNRESET, TIMEOUT, TOO_LARGE, or a TLS code such as CERT_HAS_EXPIRED. */
	code: string;
	/** What happened, in words, without any request detail. */
	detail: string;
	attempts: number;
	/** Where it failed: getting an access token from the credential's token endpoint, or the request itself. */
	stage: 'token' | 'request';
	/** The token endpoint's host, when the failure was there. */
	tokenHost?: string;
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
	/**
	 * The status an answer stands for when it is not its HTTP status: a vendor's error envelope with
	 * `status_code: 503` inside an HTTP 200 is as retryable as a 503.
	 */
	statusOf?: (response: HttpResponse) => number;
	/** Where secrets seen on the wire (the credential's Authorization, issued tokens) are collected. */
	secrets?: RunSecrets;
	/**
	 * The node's credential, decrypted once for the whole run. Without it n8n reads the credential
	 * from its database and decrypts it again for every request. n8n renews a token into this object
	 * (preAuthentication's result is assigned to it), so a renewal serves every later request.
	 */
	credentials?: ICredentialDataDecryptedObject;
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
		const result = await sendOnce(ctx, credentialType, request, policy, cancelSignal, attempt, sendOptions);
		const retriesLeft = attempt <= policy.maxRetries;
		let delayMs: number | undefined;
		if (result.kind === 'network') {
			const transient = result.reason === 'timeout' || (result.reason === 'connection' && RETRYABLE_NETWORK_CODES.has(result.code));
			if (retriesLeft && transient) delayMs = backoff(policy, attempt);
		} else if (retriesLeft && RETRYABLE_STATUSES.has(sendOptions.statusOf?.(result) ?? result.status)) {
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

/** Where one attempt is: sending the request, or waiting for the credential's token endpoint. */
interface AttemptState {
	stage: 'token' | 'request';
	tokenHost?: string;
}

async function sendOnce(
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
	const helpers = Object.create(ctx.helpers, {
		httpRequest: {
			value: async (options: IHttpRequestOptions) => await tokenRequest(ctx, options, signal, policy.timeoutMs, state, sendOptions.secrets),
		},
	}) as IExecuteFunctions['helpers'];
	const scoped = Object.create(ctx, {
		getExecutionCancelSignal: { value: () => signal },
		helpers: { value: helpers },
	}) as IExecuteFunctions;
	const options: IHttpRequestOptions = {
		...request,
		headers: { ...request.headers },
		abortSignal: signal,
		timeout: policy.timeoutMs,
		returnFullResponse: true,
		// Statuses are read by the vendor module. Only when renewal is asked for does a 401 throw,
		// which is what makes n8n renew the credential and send the request once more.
		ignoreHttpStatusErrors: sendOptions.renewCredentialOn401 ? { ignore: true, except: [401] } : true,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		// The body is read here, as a stream, so that its size can be bounded.
		encoding: 'stream',
		json: false,
	};
	try {
		const first = await Promise.race([
			exchange(ctx, scoped, credentialType, options, policy, attempt, state, sendOptions.credentials).then((result) => ({ result })),
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
		detail: `no complete answer within ${timeoutMs} ms`,
		attempts: attempt,
		stage: state.stage,
		tokenHost: state.tokenHost,
	};
}

/**
 * Aborts `attempt` when the deadline passes or the execution is cancelled, and settles `settled`
 * then (or when released). Released as soon as the attempt ends, so a run of many thousand requests
 * holds no timers or listeners for finished ones.
 */
function watchDeadline(timeoutMs: number, attempt: AbortController, cancelSignal: AbortSignal | undefined) {
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
function decrypted(ctx: IExecuteFunctions, credentialType: string, credentials: ICredentialDataDecryptedObject | undefined): IAdditionalCredentialOptions | undefined {
	const reference = ctx.getNode().credentials?.[credentialType];
	if (!credentials || !reference?.id) return undefined;
	return { credentialsDecrypted: { id: reference.id, name: reference.name, type: credentialType, data: credentials } };
}

async function exchange(
	ctx: IExecuteFunctions,
	scoped: IExecuteFunctions,
	credentialType: string,
	options: IHttpRequestOptions,
	policy: RetryPolicy,
	attempt: number,
	state: AttemptState,
	credentials: ICredentialDataDecryptedObject | undefined,
): Promise<SendResult> {
	const failure = (reason: FailureReason, code: string, detail: string): NetworkFailure => ({
		kind: 'network',
		reason,
		code,
		detail,
		attempts: attempt,
		stage: state.stage,
		tokenHost: state.tokenHost,
	});
	let raw: RawFullResponse;
	try {
		raw = (await ctx.helpers.httpRequestWithAuthentication.call(scoped, credentialType, options, decrypted(ctx, credentialType, credentials))) as RawFullResponse;
	} catch (error) {
		const answered = responseFromError(error);
		if (!answered) return classify(ctx, error, failure);
		raw = { statusCode: answered.status, headers: answered.headers ?? {}, body: answered.data };
	}
	try {
		const body = await readBody(raw.body, policy.maxResponseBytes);
		if (body.tooLarge) return failure('too-large', 'TOO_LARGE', tooLargeDetail(policy.maxResponseBytes));
		return { kind: 'response', status: raw.statusCode, headers: normalizeHeaders(raw.headers), body: body.text, attempts: attempt };
	} catch (error) {
		// The connection went away in the middle of the body: a network failure, not an answer.
		return classify(ctx, error, failure, 'ECONNRESET');
	}
}

function classify(
	ctx: IExecuteFunctions,
	error: unknown,
	failure: (reason: FailureReason, code: string, detail: string) => NetworkFailure,
	fallbackCode?: string,
): NetworkFailure {
	const tls = tlsErrorCode(error);
	const code = networkErrorCode(error) ?? fallbackCode;
	if (tls === undefined && code === undefined) {
		// Not a transport failure: the credential refused the request (for example an insecure URL,
		// or a token endpoint that rejected the client) or the request could not be built. Its
		// message is meant for people.
		throw operationError(ctx.getNode(), innermostMessage(error), {
			description: 'The request was not sent. Check the credential.',
		});
	}
	const result = tls !== undefined ? failure('tls', tls, TLS_CODES[tls]) : failure('connection', code as string, innermostMessage(error));
	// A credential's preAuthentication marks its own failures with the token endpoint's host.
	const tokenEndpoint = tokenEndpointOf(error);
	if (tokenEndpoint !== undefined) {
		result.stage = 'token';
		result.tokenHost = tokenEndpoint;
	}
	return result;
}

/**
 * A credential's preAuthentication throws its failures with `tokenEndpoint` (the host it asked),
 * so that the node can say the token endpoint failed, not the API. n8n wraps them: look through
 * the cause chain.
 */
export const TOKEN_ENDPOINT_PROPERTY = 'tokenEndpoint';

function tokenEndpointOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const value = (current as Record<string, unknown>)[TOKEN_ENDPOINT_PROPERTY];
		if (typeof value === 'string') return value;
		current = (current as ErrorLike).cause;
	}
	return undefined;
}

function tooLargeDetail(maxBytes: number): string {
	return `the answer is larger than ${formatBytes(maxBytes)}`;
}

export function formatBytes(bytes: number): string {
	return bytes >= MEBIBYTE ? `${Math.round((bytes / MEBIBYTE) * 10) / 10} MB` : `${bytes} bytes`;
}

interface ReadableLike {
	[Symbol.asyncIterator](): AsyncIterator<unknown>;
	destroy?: (error?: Error) => void;
}

function isReadable(value: unknown): value is ReadableLike {
	return typeof value === 'object' && value !== null && typeof (value as ReadableLike)[Symbol.asyncIterator] === 'function';
}

/**
 * The body as text, read up to `maxBytes` (the stream is destroyed past it). Strings and buffers
 * are accepted too, should the HTTP helper hand over a body already read.
 */
async function readBody(body: unknown, maxBytes: number): Promise<{ tooLarge: false; text: string } | { tooLarge: true }> {
	if (body === undefined || body === null) return { tooLarge: false, text: '' };
	if (typeof body === 'string') return Buffer.byteLength(body) > maxBytes ? { tooLarge: true } : { tooLarge: false, text: body };
	if (Buffer.isBuffer(body)) return body.length > maxBytes ? { tooLarge: true } : { tooLarge: false, text: body.toString('utf8') };
	if (!isReadable(body)) return { tooLarge: false, text: JSON.stringify(body) };
	const chunks: Buffer[] = [];
	let received = 0;
	for await (const chunk of body) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
		received += bytes.length;
		if (received > maxBytes) {
			body.destroy?.();
			return { tooLarge: true };
		}
		chunks.push(bytes);
	}
	return { tooLarge: false, text: Buffer.concat(chunks, received).toString('utf8') };
}

/**
 * The credential's token request, made through this attempt: it follows the attempt's deadline and
 * cancel signal, names the token endpoint should it fail, records the tokens issued, and joins an
 * identical request already in flight instead of sending another one.
 */
async function tokenRequest(
	ctx: IExecuteFunctions,
	options: IHttpRequestOptions,
	signal: AbortSignal,
	timeoutMs: number,
	state: AttemptState,
	secrets: RunSecrets | undefined,
): Promise<unknown> {
	state.stage = 'token';
	state.tokenHost = hostOfUrl(options.url);
	const authorization = headerValue(options.headers, 'authorization');
	const credential = authorization === undefined ? undefined : /^\S+\s+(.+)$/.exec(authorization)?.[1];
	secrets?.add(credential);
	const response = await sharedRequest(ctx, options, signal, timeoutMs);
	secrets?.add(issuedToken(response));
	// Back to the request itself; after a failure the stage stays 'token', which is where it failed.
	state.stage = 'request';
	return response;
}

interface SharedRequest {
	promise: Promise<unknown>;
	controller: AbortController;
	waiting: number;
}

/** Token requests in flight in this process, by method, URL, headers and body. */
const inFlight = new Map<string, SharedRequest>();

/**
 * One request for any number of identical concurrent callers. Each caller stops waiting when its
 * own signal aborts; the request itself is aborted when no caller waits any more.
 */
async function sharedRequest(ctx: IExecuteFunctions, options: IHttpRequestOptions, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
	const key = JSON.stringify([options.method ?? 'GET', options.url, options.headers ?? {}, options.body ?? '', options.qs ?? {}]);
	let shared = inFlight.get(key);
	if (shared === undefined) {
		const controller = new AbortController();
		const timeout = Math.min(typeof options.timeout === 'number' ? options.timeout : timeoutMs, timeoutMs);
		const created: SharedRequest = {
			controller,
			waiting: 0,
			promise: ctx.helpers.httpRequest({ ...options, abortSignal: controller.signal, timeout }),
		};
		inFlight.set(key, created);
		created.promise.then(
			() => inFlight.delete(key),
			() => inFlight.delete(key),
		);
		shared = created;
	}
	const joined = shared;
	joined.waiting++;
	let leave = () => {};
	const gaveUp = new Promise<never>((_, reject) => {
		const onAbort = () => reject(Object.assign(new Error('The token request was abandoned'), { code: 'ECONNABORTED' }));
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, { once: true });
		leave = () => signal.removeEventListener('abort', onAbort);
	});
	try {
		return await Promise.race([joined.promise, gaveUp]);
	} finally {
		leave();
		joined.waiting--;
		if (joined.waiting === 0 && signal.aborted) joined.controller.abort();
	}
}

/** The access token in a token endpoint's answer, if there is one. */
function issuedToken(response: unknown): string | undefined {
	const body = (response as { body?: unknown } | undefined)?.body ?? response;
	let parsed: unknown = body;
	if (typeof body === 'string' && body.length < 65_536) {
		try {
			parsed = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	const token = (parsed as { access_token?: unknown } | undefined)?.access_token;
	return typeof token === 'string' ? token : undefined;
}

function headerValue(headers: IHttpRequestOptions['headers'], name: string): string | undefined {
	if (!headers) return undefined;
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === name && typeof value === 'string') return value;
	}
	return undefined;
}

function hostOfUrl(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the token endpoint';
	}
}

/** How an attempt ends when the execution is cancelled (or the batch is stopped): see runItems. */
function cancelled(ctx: IExecuteFunctions) {
	return operationError(ctx.getNode(), 'The execution was cancelled while waiting for the API');
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

interface ErrorLike {
	code?: unknown;
	message?: unknown;
	cause?: unknown;
	response?: { status?: unknown; data?: unknown; headers?: Record<string, unknown> };
}

/** The server's answer inside an error the HTTP client threw for a status, if there is one. */
function responseFromError(error: unknown): { status: number; headers: Record<string, unknown> | undefined; data: unknown } | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const { response, cause } = current as ErrorLike;
		// Only an error status: a stream aborted mid-body also carries its (incomplete) response.
		if (response && typeof response.status === 'number' && response.status >= 400) {
			return { status: response.status, headers: response.headers, data: response.data };
		}
		current = cause;
	}
	return undefined;
}

/** A TLS certificate or handshake code anywhere in the error's cause chain. */
export function tlsErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const { code, cause } = current as ErrorLike;
		if (typeof code === 'string' && Object.hasOwn(TLS_CODES, code)) return code;
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
