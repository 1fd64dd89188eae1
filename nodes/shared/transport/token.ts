/**
 * The credential's token requests (its preAuthentication), which n8n makes with the helpers of the
 * context that sends the request: here they follow the attempt's deadline and cancel signal, their
 * answer is read within the same size bound as the request's own (after decompression), identical
 * concurrent token requests share one request to the token endpoint, and every token issued is
 * remembered for redaction, whatever the size of the answer it came in.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { formatBytes, readBounded } from '../body';
import type { RunSecrets } from '../secrets';
import type { AttemptState, RetryPolicy } from './types';

/**
 * The credential's token request, made through this attempt: it follows the attempt's deadline and
 * cancel signal, names the token endpoint should it fail, records the tokens issued, and joins an
 * identical request already in flight instead of sending another one.
 */
export async function tokenRequest(
	ctx: IExecuteFunctions,
	options: IHttpRequestOptions,
	signal: AbortSignal,
	policy: Pick<RetryPolicy, 'timeoutMs' | 'maxResponseBytes'>,
	state: AttemptState,
	secrets: RunSecrets | undefined,
): Promise<unknown> {
	state.stage = 'token';
	state.tokenHost = hostOfUrl(options.url);
	const authorization = headerValue(options.headers, 'authorization');
	const credential =
		authorization === undefined ? undefined : /^\S+\s+(.+)$/.exec(authorization)?.[1];
	secrets?.add(credential);
	const response = await sharedRequest(ctx, options, signal, policy);
	secrets?.add(issuedToken(response));
	// Back to the request itself; after a failure the stage stays 'token', which is where it failed.
	state.stage = 'request';
	return response;
}

/** The largest token endpoint answer read: a token answer is a few hundred bytes. */
export const TOKEN_ANSWER_MAX_BYTES = 1024 * 1024;

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
async function sharedRequest(
	ctx: IExecuteFunctions,
	options: IHttpRequestOptions,
	signal: AbortSignal,
	{ timeoutMs, maxResponseBytes }: Pick<RetryPolicy, 'timeoutMs' | 'maxResponseBytes'>,
): Promise<unknown> {
	const key = JSON.stringify([
		options.method ?? 'GET',
		options.url,
		options.headers ?? {},
		options.body ?? '',
		options.qs ?? {},
	]);
	let shared = inFlight.get(key);
	if (shared === undefined) {
		const controller = new AbortController();
		const timeout = Math.min(
			typeof options.timeout === 'number' ? options.timeout : timeoutMs,
			timeoutMs,
		);
		const created: SharedRequest = {
			controller,
			waiting: 0,
			promise: bounded(
				ctx.helpers.httpRequest({ ...options, abortSignal: controller.signal, timeout }),
				options,
				Math.min(maxResponseBytes, TOKEN_ANSWER_MAX_BYTES),
			),
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
		const onAbort = () =>
			reject(Object.assign(new Error('The token request was abandoned'), { code: 'ECONNABORTED' }));
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

/**
 * A full answer whose body is a stream (as the Interswitch credential asks for), with the body
 * read here within `maxBytes` and handed on as text. Past the bound, or when the connection goes
 * away mid-body, an error with a transport code (TOO_LARGE, ECONNRESET) tells the credential.
 */
async function bounded(
	request: Promise<unknown>,
	options: IHttpRequestOptions,
	maxBytes: number,
): Promise<unknown> {
	const response = await request;
	if (options.encoding !== 'stream' || options.returnFullResponse !== true) return response;
	const full = response as { body?: unknown };
	let read;
	try {
		read = await readBounded(full.body, maxBytes);
	} catch (error) {
		throw Object.assign(new Error('the connection closed in the middle of the answer'), {
			code: 'ECONNRESET',
			// The credential words it as an answer cut off, not as a connection closed before one.
			midAnswer: true,
			cause: error,
		});
	}
	if (read.tooLarge)
		throw Object.assign(new Error(`the answer is larger than ${formatBytes(maxBytes)}`), {
			code: 'TOO_LARGE',
		});
	return { ...full, body: read.text };
}

/** The access token in a token endpoint's answer, if there is one, however big the answer. */
function issuedToken(response: unknown): string | undefined {
	const body = (response as { body?: unknown } | undefined)?.body ?? response;
	let parsed: unknown = body;
	if (typeof body === 'string') {
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
