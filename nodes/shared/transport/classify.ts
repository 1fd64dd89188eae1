/**
 * Error classification: what an exception thrown while sending means. A transport failure (a
 * network code, a TLS refusal, a token endpoint that failed) becomes a NetworkFailure the caller
 * can retry or report; anything else was the credential refusing the request, and is an error
 * meant for people.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { operationError } from '../errors';
import { lostErrorCode } from '../n8n';
import type { FailureReason, NetworkFailure } from './types';
import { NOT_CONNECTED } from './types';
import { RETRY_AFTER_PROPERTY, TOKEN_ENDPOINT_PROPERTY } from '../token-endpoint';

export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
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
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		'the certificate was issued by an authority this machine does not trust',
	ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate was issued for another host name',
	CERT_REVOKED: 'the certificate was revoked',
	CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
	ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on this port',
	EPROTO: 'the TLS handshake failed',
};

/**
 * What Node's HTTP parser says when the answer is not valid HTTP (its codes are HPE_*). All but
 * another protocol on the port are retried: a proxy or server that broke one answer may not break
 * the next.
 */
const PARSE_ERRORS: Readonly<Record<string, string>> = {
	HPE_INVALID_CONSTANT: 'something other than an HTTP server answered on this port',
	HPE_INVALID_STATUS: 'its status line is invalid',
	HPE_INVALID_VERSION: 'its HTTP version is invalid',
	HPE_HEADER_OVERFLOW: 'its headers are larger than Node.js accepts',
	HPE_INVALID_HEADER_TOKEN: 'a header is malformed',
	HPE_UNEXPECTED_CONTENT_LENGTH: 'it sends two different Content-Length headers',
	HPE_INVALID_CONTENT_LENGTH: 'its Content-Length header is invalid',
	HPE_INVALID_TRANSFER_ENCODING: 'its Transfer-Encoding header is invalid',
	HPE_INVALID_CHUNK_SIZE: 'a chunk of its body is malformed',
};

/**
 * Whether a request that failed this way cannot have reached the server: no access token yet, no
 * connection, or a TLS handshake that failed (the request is sent only after it).
 */
export function cannotHaveArrived(failure: NetworkFailure): boolean {
	return (
		failure.stage === 'token' ||
		failure.reason === 'tls' ||
		(!failure.answerStarted && Object.hasOwn(NOT_CONNECTED, failure.code))
	);
}

/** A network failure worth trying again. */
export function isTransient(failure: NetworkFailure): boolean {
	if (failure.reason === 'timeout') return true;
	if (failure.reason === 'malformed') return failure.code !== 'HPE_INVALID_CONSTANT';
	return failure.reason === 'connection' && RETRYABLE_NETWORK_CODES.has(failure.code);
}

export function classify(
	ctx: IExecuteFunctions,
	error: unknown,
	failure: (reason: FailureReason, code: string, detail: string) => NetworkFailure,
	fallbackCode?: string,
): NetworkFailure {
	// What n8n before 2.1 wrapped and lost (see lostErrorCode), when nothing else says.
	const lost =
		tlsErrorCode(error) === undefined &&
		parseErrorCode(error) === undefined &&
		networkErrorCode(error) === undefined
			? lostErrorCode(error)
			: undefined;
	const tls =
		tlsErrorCode(error) ??
		(lost !== undefined && Object.hasOwn(TLS_CODES, lost) ? lost : undefined);
	const parse = parseErrorCode(error) ?? (lost?.startsWith('HPE_') ? lost : undefined);
	const code =
		networkErrorCode(error) ??
		(lost !== undefined && tls === undefined && parse === undefined ? lost : undefined) ??
		fallbackCode;
	if (tls === undefined && parse === undefined && code === undefined) {
		// Not a transport failure: the credential refused the request (for example an insecure URL,
		// or a token endpoint that rejected the client) or the request could not be built. Its
		// message is meant for people.
		throw operationError(ctx.getNode(), innermostMessage(error), {
			description: 'The request was not sent. Check the credential.',
		});
	}
	const result =
		tls !== undefined
			? failure('tls', tls, TLS_CODES[tls])
			: parse !== undefined
				? failure(
						'malformed',
						parse,
						PARSE_ERRORS[parse] ?? `it is not valid HTTP (${innermostMessage(error)})`,
					)
				: failure('connection', code as string, innermostMessage(error));
	// A credential's preAuthentication marks its own failures with the token endpoint's host.
	const tokenEndpoint = tokenEndpointOf(error);
	if (tokenEndpoint !== undefined) {
		result.stage = 'token';
		result.tokenHost = tokenEndpoint;
		const retryAfterMs = propertyOf(error, RETRY_AFTER_PROPERTY);
		if (typeof retryAfterMs === 'number') result.retryAfterMs = retryAfterMs;
	}
	return result;
}

/** An HTTP parser code (HPE_*) anywhere in the error's cause chain. */
export function parseErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const found = (current as ErrorLike).code;
		if (typeof found === 'string' && /^HPE_[A-Z_]+$/.test(found)) return found;
		current = (current as ErrorLike).cause;
	}
	return undefined;
}

/** The first value of `key` along the error's cause chain. */
function propertyOf(error: unknown, key: string): unknown {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const value = (current as Record<string, unknown>)[key];
		if (value !== undefined) return value;
		current = (current as ErrorLike).cause;
	}
	return undefined;
}

function tokenEndpointOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const value = (current as Record<string, unknown>)[TOKEN_ENDPOINT_PROPERTY];
		if (typeof value === 'string') return value;
		current = (current as ErrorLike).cause;
	}
	return undefined;
}

/** How an attempt ends when the execution is cancelled (or the batch is stopped): see runItems. */
export function cancelled(ctx: IExecuteFunctions) {
	return operationError(ctx.getNode(), 'The execution was cancelled while waiting for the API');
}

export interface ErrorLike {
	code?: unknown;
	message?: unknown;
	cause?: unknown;
	response?: { status?: unknown; data?: unknown; headers?: Record<string, unknown> };
}

/** The server's answer inside an error the HTTP client threw for a status, if there is one. */
export function responseFromError(
	error: unknown,
): { status: number; headers: Record<string, unknown> | undefined; data: unknown } | undefined {
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
		if (
			typeof code === 'string' &&
			!generic &&
			/^(E[A-Z_]+|ERR_[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)
		) {
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
