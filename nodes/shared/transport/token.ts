/**
 * The credential's token requests (its preAuthentication), which n8n makes with the helpers of the
 * context that sends the request: here they follow the attempt's deadline and cancel signal,
 * identical concurrent token requests share one request to the token endpoint, and every token
 * issued is remembered for redaction.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { RunSecrets } from '../secrets';
import type { AttemptState } from './types';

/**
 * The credential's token request, made through this attempt: it follows the attempt's deadline and
 * cancel signal, names the token endpoint should it fail, records the tokens issued, and joins an
 * identical request already in flight instead of sending another one.
 */
export async function tokenRequest(
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
	const credential =
		authorization === undefined ? undefined : /^\S+\s+(.+)$/.exec(authorization)?.[1];
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
async function sharedRequest(
	ctx: IExecuteFunctions,
	options: IHttpRequestOptions,
	signal: AbortSignal,
	timeoutMs: number,
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
