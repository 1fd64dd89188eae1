/**
 * How a credential's preAuthentication tells the transport that its token endpoint failed, not
 * the API: the error carries the endpoint's host under `tokenEndpoint` (n8n wraps it: the transport
 * looks through the cause chain), a transport code when the failure is worth a retry, and how long
 * the endpoint asked to wait (its Retry-After). A leaf module: credentials import it without
 * loading the transport.
 */
export const TOKEN_ENDPOINT_PROPERTY = 'tokenEndpoint';
export const RETRY_AFTER_PROPERTY = 'retryAfterMs';

/** A token endpoint failure, marked with its host and, when retryable, a transport code. */
export function tokenEndpointFailure(
	message: string,
	host: string,
	code?: string,
	retryAfterMs?: number,
): Error {
	return Object.assign(
		new Error(message),
		{ [TOKEN_ENDPOINT_PROPERTY]: host },
		code === undefined ? {} : { code },
		retryAfterMs === undefined ? {} : { [RETRY_AFTER_PROPERTY]: retryAfterMs },
	);
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); in ms from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}
