/**
 * Every place where this package relies on how n8n itself behaves beyond the documented node API,
 * in one module: when n8n changes, this is the file to read. Each export says what it relies on and
 * how it behaves across the supported range, n8n 1.115 (n8n-workflow 1.112) to 2.41.
 * test/nodes/shared/n8n.test.ts checks each against the n8n-core and n8n-workflow this project
 * tests with, test/package/oldest-n8n-workflow.test.ts the built package against n8n-workflow
 * 1.112, and `npm run test:compat` the packed package in n8n 1.115, 1.123 and 2.0.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';
import {
	ManualExecutionCancelledError,
	NodeConnectionTypes,
	sleep as n8nSleep,
} from 'n8n-workflow';

/** The main connection type, for `inputs` and `outputs`. */
export const MAIN = NodeConnectionTypes.Main;

/**
 * An object that answers like `target` except for `overrides`: how the package gives one item, one
 * attempt or one tool run its own cancel signal, helpers or error mode. n8n's helpers read what they
 * need from `this` (httpRequestWithAuthentication takes the abort signal from
 * `this.getExecutionCancelSignal()` and hands `this.helpers` to the credential's preAuthentication),
 * so a context built this way is honoured by them.
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
	const descriptors: PropertyDescriptorMap = {};
	for (const [key, value] of Object.entries(overrides)) descriptors[key] = { value };
	return Object.create(target, descriptors) as T;
}

/** A node runs as an AI tool when n8n has converted it: its type name then ends in "Tool". */
export function isToolExecution(ctx: IExecuteFunctions): boolean {
	const type = ctx.getNode().type;
	return (type.split('.').pop() ?? '').endsWith('Tool');
}

/** The error that makes n8n record an execution as canceled rather than failed. */
export function cancellationError(ctx: IExecuteFunctions): Error {
	return new ManualExecutionCancelledError(ctx.getExecutionId());
}

/**
 * n8n-workflow up to 2.33 has `sleepWithAbort(ms, signal)`, and its `sleep(ms)` ignores a signal;
 * 2.34 gave `sleep` the signal and removed `sleepWithAbort`. Whichever honours the signal is used.
 */
const sleepWithAbort = (
	n8nWorkflow as { sleepWithAbort?: (ms: number, signal?: AbortSignal) => Promise<void> }
).sleepWithAbort;

/**
 * Waits `ms`; rejects as soon as `signal` aborts, and then clears its timer, on every supported
 * n8n: a stopped or cancelled run does not sleep on, and no timer outlives what it timed.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (typeof sleepWithAbort === 'function') await sleepWithAbort(ms, signal);
	else await n8nSleep(ms, signal);
}

/**
 * `ignoreHttpStatusErrors` for one request. Normally every status comes back as an answer (true).
 * httpRequestWithAuthentication runs the credential's preAuthentication again (renews the token)
 * and sends the request once more when the request throws a 401: for that, `renewOn401` lets every
 * error status throw (false), and the transport reads the answer of any other status from the
 * thrown error (transport/classify.ts, responseFromError). Not `{ ignore: true, except: [401] }`:
 * n8n-core before about 2.10 reads any object there as "ignore every status", so the 401 would
 * never throw and the token never be renewed.
 */
export function statusErrors(renewOn401: boolean): IHttpRequestOptions['ignoreHttpStatusErrors'] {
	return !renewOn401;
}

/**
 * n8n's canned sentences for network error codes (n8n-workflow's NodeError), which replace the
 * message of an error that carries such a code.
 */
const CANNED_CODES: Array<[string, string]> = [
	['The connection to the server was closed unexpectedly', 'ECONNRESET'],
	['The service refused the connection', 'ECONNREFUSED'],
	['The connection timed out', 'ETIMEDOUT'],
	['The connection cannot be established', 'ENOTFOUND'],
	['The connection was aborted', 'ECONNABORTED'],
	['The host is unreachable', 'EHOSTUNREACH'],
	['The DNS server returned an error', 'EAI_AGAIN'],
];

/** Node's own words for TLS and HTTP-parser failures, and their codes. */
const WORDED_CODES: Array<[RegExp, string]> = [
	[/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
	[/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
	[/certificate has expired/i, 'CERT_HAS_EXPIRED'],
	[/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
	[/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
	[/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
	[/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
	[/wrong version number/i, 'ERR_SSL_WRONG_VERSION_NUMBER'],
	[/Parse Error: Expected HTTP/i, 'HPE_INVALID_CONSTANT'],
	[/Parse Error: Header overflow/i, 'HPE_HEADER_OVERFLOW'],
	[/Parse Error: Invalid (response )?status/i, 'HPE_INVALID_STATUS'],
	[/Parse Error: Duplicate Content-Length/i, 'HPE_UNEXPECTED_CONTENT_LENGTH'],
	[/Parse Error: Invalid header/i, 'HPE_INVALID_HEADER_TOKEN'],
	[/Parse Error/i, 'HPE_INVALID'],
	[
		/\b(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)\b/,
		'$1',
	],
	[/socket hang up|premature close|\baborted\b/i, 'ECONNRESET'],
	[/timeout of \d+ms exceeded/i, 'ETIMEDOUT'],
];

/**
 * The code of a network, TLS or HTTP-parser failure that n8n wrapped and lost. n8n-workflow up
 * to 2.0 (n8n 1.115 to 2.0) drops the `cause` of its error classes (a class field `cause` set after
 * `super()`), so the NodeApiError that httpRequestWithAuthentication throws for a network failure
 * holds neither the original error nor its code: only, as its message, n8n's canned sentence for
 * the code ("The connection to the server was closed unexpectedly, …" for ECONNRESET) and, in
 * `messages`, Node's own words ("socket hang up", "connect ECONNREFUSED 127.0.0.1:9"). The code is
 * read back from those, so that the failure is named as what it was. n8n-workflow 2.1 and later
 * keep the cause, where the transport finds the code itself.
 */
export function lostErrorCode(error: unknown): string | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const { message, messages } = error as { message?: unknown; messages?: unknown };
	const texts = [...(Array.isArray(messages) ? messages : []), message].filter(
		(text): text is string => typeof text === 'string',
	);
	for (const text of texts) {
		for (const [pattern, code] of WORDED_CODES) {
			const match = pattern.exec(text);
			if (match) return code.startsWith('$') ? match[1] : code;
		}
		for (const [sentence, code] of CANNED_CODES) if (text.startsWith(sentence)) return code;
	}
	return undefined;
}
