/**
 * One vocabulary for API failures across vendors, turned into a single `NodeApiError` with the
 * vendor's own code and message and a description that says what to do. Secrets known to the
 * caller are scrubbed from every text before it reaches an error.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { HttpResponse, NetworkFailure } from './transport';

export interface ApiFailure {
	/** What happened, for the error's title. Must not contain raw network codes (n8n rewrites those). */
	message: string;
	/** What to do about it. */
	description: string;
	httpCode?: number;
	/** The vendor's machine-readable code, e.g. `unauthorized`, `10904`. */
	vendorCode?: string;
	/** The vendor's own words. */
	vendorMessage?: string;
}

export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		// Short values (a 4-digit PIN) are redacted too: callers only pass real secrets.
		if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
	}
	return out;
}

export function toNodeApiError(
	node: INode,
	failure: ApiFailure,
	itemIndex: number,
	secrets: readonly string[],
): NodeApiError {
	const clean = (text: string) => redact(text, secrets);
	const errorResponse: JsonObject = { message: clean(failure.vendorMessage ?? failure.message) };
	if (failure.vendorCode !== undefined) errorResponse.code = clean(failure.vendorCode);
	const httpCode = failure.httpCode === undefined ? undefined : String(failure.httpCode);
	const error = new NodeApiError(node, errorResponse, {
		message: clean(failure.message),
		description: clean(failure.description),
		httpCode,
		itemIndex,
	});
	if (failure.vendorCode !== undefined) error.context.vendorCode = clean(failure.vendorCode);
	return error;
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
		const where = position === undefined ? `${text.length} characters` : `invalid at character ${position} of ${text.length}`;
		const reason = looksHtml ? `an HTML page (${contentType}) instead of JSON` : `malformed or truncated JSON (${where})`;
		return { ok: false, problem: `the body is ${reason}` };
	}
}

export function unexpectedResponseFailure(vendor: string, problem: string, httpCode: number): ApiFailure {
	return {
		message: `Unexpected response from ${vendor}: ${problem}`,
		description: `${vendor} answered HTTP ${httpCode} with a body this node cannot read. Try again later; if it persists, the API may have changed: please report it with the execution.`,
		httpCode,
	};
}

export function networkFailure(vendor: string, host: string, failure: NetworkFailure): ApiFailure {
	const tries = attemptsText(failure.attempts);
	if (failure.code === 'TIMEOUT') {
		return {
			message: `${vendor} did not answer in time (${tries})`,
			description: `${host}: ${failure.detail}. ${vendor} may be slow or unreachable; try again later or raise the Timeout option.`,
		};
	}
	return {
		message: `Could not reach ${vendor} at ${host} (${tries})`,
		description: `The network failed (${failure.code}: ${failure.detail}). Check the address in the credential and the network, then try again.`,
	};
}

export function redirectFailure(vendor: string, response: HttpResponse): ApiFailure {
	const location = response.headers.location ?? 'an unknown address';
	return {
		message: `${vendor} answered with a redirect (HTTP ${response.status}), which is not followed`,
		description: `The server pointed to ${location}. Credentials are never sent on to another address: put the right address in the credential.`,
		httpCode: response.status,
	};
}

export function attemptsText(attempts: number): string {
	return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}
