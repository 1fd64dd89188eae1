/**
 * How a credential's preAuthentication tells the transport that its token endpoint failed, not
 * the API: the error carries the endpoint's host under `tokenEndpoint` (n8n wraps it: the transport
 * looks through the cause chain), and a transport code when the failure is worth a retry. A leaf
 * module: credentials import it without loading the transport.
 */
export const TOKEN_ENDPOINT_PROPERTY = 'tokenEndpoint';

/** A token endpoint failure, marked with its host and, when retryable, a transport code. */
export function tokenEndpointFailure(message: string, host: string, code?: string): Error {
	return Object.assign(
		new Error(message),
		{ [TOKEN_ENDPOINT_PROPERTY]: host },
		code === undefined ? {} : { code },
	);
}
