/**
 * One vocabulary for API failures across vendors, turned into a single `NodeApiError` with the
 * vendor's own code and message and a description that says what to do. Secrets are scrubbed from
 * every error where it leaves the node (`runItems`, with `secrets.ts`).
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { quoted } from './text';
import { NOT_CONNECTED } from './transport/types';
import type { HttpResponse, NetworkFailure } from './transport/types';

export interface ApiFailure {
	/** What happened, for the error's title, as the user should read it (kept as written: see keepMessage). */
	message: string;
	/** What to do about it. */
	description: string;
	httpCode?: number;
	/** The vendor's machine-readable code, e.g. `unauthorized`, `10904`. */
	vendorCode?: string;
	/** The vendor's own words. */
	vendorMessage?: string;
}

/**
 * n8n's error classes replace a message that merely contains an errno-like word ("ECONNRESET",
 * "ENOENT", in any case) with a canned sentence, and keep the original aside. The messages here
 * are written for people and may quote a vendor's words or an ID such as REF-ENOENT-7: they are
 * put back as written.
 */
function keepMessage<T extends NodeApiError | NodeOperationError>(error: T, message: string): T {
	if (error.message !== message) {
		const canned = error.message;
		error.message = message;
		error.messages = error.messages.filter((entry) => entry !== message);
		if (typeof error.stack === 'string') error.stack = error.stack.replace(canned, message);
	}
	return error;
}

/**
 * Gives an item's error a message that stands by itself where only the message is seen (an error
 * item's `$json.error` in a Slack alert or an e-mail): the order, batch or stamp it is about, when
 * the message does not name it yet, what the request did at the vendor when the operation changes
 * something there (`effect`), and the input item, always, as " [item N]".
 */
export function standAlone<T extends NodeApiError | NodeOperationError>(
	error: T,
	itemIndex: number,
	subject: { noun: string; id: string } | undefined,
	effect?: (message: string) => string,
): T {
	let message = effect ? effect(error.message) : error.message;
	if (subject !== undefined && subject.id !== '' && !message.includes(subject.id))
		message = `${subject.noun} "${subject.id}": ${message}`;
	if (!ITEM_SUFFIX.test(message)) message = `${message} [item ${itemIndex}]`;
	return keepMessage(error, message);
}

const ITEM_SUFFIX = / \[item \d+\]$/;

/** A NodeOperationError whose message stays as written (see keepMessage). */
export function operationError(
	node: INode,
	message: string,
	options: { itemIndex?: number; description?: string } = {},
): NodeOperationError {
	return keepMessage(new NodeOperationError(node, message, options), message);
}

export function toNodeApiError(node: INode, failure: ApiFailure, itemIndex: number): NodeApiError {
	const errorResponse: JsonObject = { message: failure.vendorMessage ?? failure.message };
	if (failure.vendorCode !== undefined) errorResponse.code = failure.vendorCode;
	const httpCode = failure.httpCode === undefined ? undefined : String(failure.httpCode);
	const error = new NodeApiError(node, errorResponse, {
		message: failure.message,
		description: failure.description,
		httpCode,
		itemIndex,
	});
	if (failure.vendorCode !== undefined) error.context.vendorCode = failure.vendorCode;
	return keepMessage(error, failure.message);
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; problem: string };

/** Parses a body that should be JSON, saying precisely what is wrong when it is not. */
export function parseJsonBody(response: HttpResponse): JsonBody {
	// A byte-order mark is not JSON, but some servers send one; it carries no meaning.
	const text = response.body.charCodeAt(0) === 0xfeff ? response.body.slice(1) : response.body;
	if (text.trim() === '') return { ok: false, problem: 'the body is empty' };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		const contentType = response.headers['content-type'] ?? 'no content type';
		const looksHtml = /^\s*</.test(text);
		// The parser's own wording differs between Node versions; the position does not.
		const position = /position (\d+)/.exec((error as Error).message)?.[1];
		const where =
			position === undefined
				? `${text.length} characters`
				: `invalid at character ${position} of ${text.length}`;
		const reason = looksHtml
			? `an HTML page (${contentType}) instead of JSON`
			: `malformed or truncated JSON (${where})`;
		return { ok: false, problem: `the body is ${reason}` };
	}
}

export function unexpectedResponseFailure(
	vendor: string,
	problem: string,
	httpCode: number,
): ApiFailure {
	return {
		message: `Unexpected response from ${vendor}: ${problem}`,
		description: `${vendor} answered HTTP ${httpCode} with a body this node cannot read. Try again later; if it persists, the API may have changed: please report it with the execution.`,
		httpCode,
	};
}

/**
 * What happened at the socket, in words that match it: "could not reach" only when nothing left
 * this machine (no address, no connection); otherwise whether the server closed the connection
 * before answering, cut its answer off, or did not answer in time.
 */
function socketWords(who: string, host: string, failure: NetworkFailure, tries: string): string {
	const notConnected = NOT_CONNECTED[failure.code];
	if (notConnected !== undefined && !failure.answerStarted)
		return `Could not reach ${who} at ${host}: ${notConnected} (${tries})`;
	if (failure.answerStarted)
		return `${who}'s answer from ${host} was cut off before its end (${tries})`;
	return `${who} at ${host} closed the connection before answering (${tries})`;
}

/** "30 s", "1.5 s": a timeout for a message. */
function seconds(ms: number | undefined): string {
	if (ms === undefined) return 'the Timeout';
	return `${Math.round(ms / 100) / 10} s`;
}

/**
 * A request that got no usable answer. `tokenService` names the credential's token endpoint
 * ("Interswitch Passport") for failures while a token was being fetched.
 */
export function networkFailure(
	vendor: string,
	host: string,
	failure: NetworkFailure,
	tokenService?: string,
): ApiFailure {
	const tries = attemptsText(failure.attempts);
	if (failure.stage === 'token' && tokenService !== undefined) {
		const where = failure.tokenHost ?? 'its token URL';
		if (failure.reason === 'timeout') {
			return {
				message: `${tokenService} did not give an access token within ${seconds(failure.timeoutMs)} (${tries}); nothing was sent to ${vendor}`,
				description: `${where}: ${failure.detail} while getting an access token. ${tokenService} may be slow or unreachable; try again later, raise the Timeout option, or check the token URL in the credential.`,
			};
		}
		if (failure.reason === 'malformed') {
			return {
				message: `${tokenService}'s answer at ${where} was not valid HTTP: ${failure.detail} (${tries}); nothing was sent to ${vendor}`,
				description: `No access token could be read. Something other than ${tokenService} may answer at the token URL (another service on that port, or a proxy in between): check the token URL in the credential; if it is right, try again later.`,
			};
		}
		if (failure.reason === 'too-large') {
			return {
				message: `${tokenService}'s answer at ${where} is too large: ${failure.detail}; nothing was sent to ${vendor}`,
				description: `Reading stopped at the limit: a token answer is a few hundred bytes. Check the token URL in the credential.`,
			};
		}
		if (failure.reason === 'tls') {
			return {
				message: `The TLS certificate of ${tokenService} at ${where} is not trusted: ${failure.detail} (${failure.code}); nothing was sent to ${vendor}`,
				description: `No access token was requested. Check the token URL in the credential. If the certificate is your own, fix it, or add its authority to n8n with NODE_EXTRA_CA_CERTS.`,
			};
		}
		return {
			message: `${socketWords(tokenService, where, failure, tries)}; nothing was sent to ${vendor}`,
			description: `The network failed while getting an access token (${failure.code}: ${failure.detail}). Check the token URL in the credential and the network, then try again.`,
		};
	}
	switch (failure.reason) {
		case 'timeout':
			return failure.answerStarted
				? {
						message: `${vendor}'s answer from ${host} did not finish within ${seconds(failure.timeoutMs)} (${tries})`,
						description: `The answer began but came too slowly. ${vendor} may be overloaded; try again later or raise the Timeout option.`,
					}
				: {
						message: `${vendor} did not answer within ${seconds(failure.timeoutMs)} (${tries})`,
						description: `${host}: ${failure.detail}. ${vendor} may be slow or unreachable; try again later or raise the Timeout option.`,
					};
		case 'too-large':
			return {
				message: `${vendor}'s answer is too large: ${failure.detail}`,
				description: `Reading stopped at the limit, so that one answer cannot take the memory n8n needs. If the batch is really this big, raise the option Max Response Size (MB); otherwise check the address in the credential.`,
			};
		case 'malformed':
			return {
				message: `${vendor}'s answer at ${host} was not valid HTTP: ${failure.detail} (${tries})`,
				description: `Something other than ${vendor}'s API may answer at this address (another service on that port, or a proxy in between), or the server sent a broken answer. Check the address in the credential; if it is right, try again later.`,
			};
		case 'tls':
			return {
				message: `The TLS certificate of ${vendor} at ${host} is not trusted: ${failure.detail} (${failure.code}); nothing was sent`,
				description: `Check the address in the credential. If the server is your own (a proxy or a test server), fix its certificate, or add its authority to n8n with NODE_EXTRA_CA_CERTS.`,
			};
		default: {
			const notSent = NOT_CONNECTED[failure.code] !== undefined && !failure.answerStarted;
			return {
				message: socketWords(vendor, host, failure, tries),
				description: notSent
					? `Nothing was sent (${failure.code}). Check the address in the credential and the network, then try again.`
					: `The network failed after the request was sent (${failure.code}: ${failure.detail}). ${vendor} or something on the way may be restarting; try again later.`,
			};
		}
	}
}

export function redirectFailure(vendor: string, response: HttpResponse): ApiFailure {
	const location =
		response.headers.location === undefined
			? 'an unknown address'
			: quoted(response.headers.location);
	return {
		message: `${vendor} answered with a redirect (HTTP ${response.status}), which is not followed`,
		description: `The server pointed to ${location}. Credentials are never sent on to another address: put the right address in the credential.`,
		httpCode: response.status,
	};
}

/**
 * What an item that gave up on a vendor's rate limit (429) says: how long it tried, and what the
 * user can change. `what` names the item ("order", "batch").
 */
export function rateLimitFailure(
	vendor: string,
	response: HttpResponse,
	what: string,
	documented: string,
): Pick<ApiFailure, 'message' | 'description'> {
	const retryAfter = response.headers['retry-after'];
	const seconds =
		response.rateLimitedMs === undefined
			? undefined
			: `${Math.round(response.rateLimitedMs / 1000).toLocaleString('en-US')} s`;
	const tried =
		seconds === undefined
			? `HTTP 429, ${attemptsText(response.attempts)}`
			: response.attempts === 0
				? `the account was refused for ${seconds}; the ${what} was not sent`
				: `the ${what} kept trying for ${seconds}, ${attemptsText(response.attempts)}`;
	return {
		message: `${vendor}'s rate limit was reached (${tried})`,
		description: `${documented}${retryAfter ? ` ${vendor} asked to wait ${quoted(retryAfter, 40)} s.` : ''} The account's rate is set in the credential (Requests per Minute): lower it when other workflows or n8n workers use the same account. Or raise Max Wait on Rate Limit in the node's options, or check fewer at a time.`,
	};
}

export function attemptsText(attempts: number): string {
	return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}
