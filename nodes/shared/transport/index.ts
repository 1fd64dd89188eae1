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
export { formatBytes } from '../body';
export { networkErrorCode, tlsErrorCode } from './classify';
export { parseRetryAfter, sendWithRetry } from './retry';
export type {
	FailureReason,
	HttpResponse,
	NetworkFailure,
	RetryPolicy,
	SendOptions,
	SendResult,
} from './types';
export { DEFAULT_RETRY_POLICY, MEBIBYTE, RETRYABLE_STATUSES } from './types';
