/**
 * The transport's vocabulary: the retry policy, what one request can end as (an answer, or a network
 * failure that says where and why), and the options a caller gives. No logic, no imports of
 * anything that sends: credentials and vendor modules may import it.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MEBIBYTE } from '../body';
import type { RunSecrets } from '../secrets';
import type { RateLimiter } from './rate';

export { MEBIBYTE };

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

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	initialDelayMs: 1000,
	maxDelayMs: 30_000,
	timeoutMs: 30_000,
	maxRetryAfterMs: 60_000,
	// 100,000 Paycode tokens are about 9 MB of JSON, 100,000 stamp IDs about 3 MB: over 3x headroom.
	maxResponseBytes: 32 * MEBIBYTE,
};

/**
 * Failures that happen before a request can leave this machine, and what happened, in words: no
 * address for the name, or no connection.
 */
export const NOT_CONNECTED: Readonly<Record<string, string>> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	ENETUNREACH: 'the network is unreachable',
	EHOSTUNREACH: 'the host is unreachable',
};

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export interface HttpResponse {
	kind: 'response';
	status: number;
	headers: Record<string, string>;
	body: string;
	attempts: number;
	/** The body as bytes, when the request asked for them (`binary`). */
	bytes?: Buffer;
	/**
	 * When the request gave up on the rate limit: how long its account had been refused (ms). With
	 * `attempts` 0 it was never sent (it waited for a slot all along).
	 */
	rateLimitedMs?: number;
}

/** `malformed`: what answered was not valid HTTP (another protocol, a broken status line or headers). */
export type FailureReason = 'timeout' | 'connection' | 'tls' | 'too-large' | 'malformed';

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
	/**
	 * The answer had begun (its status and headers had come) when it failed: it was cut off, too
	 * large, or too slow to finish. The request had certainly reached the server.
	 */
	answerStarted?: boolean;
	/** For a timeout: the bound that passed (ms). */
	timeoutMs?: number;
	/** The token endpoint's host, when the failure was there. */
	tokenHost?: string;
	/** How long the server asked to wait before a retry (a token endpoint's Retry-After), in ms. */
	retryAfterMs?: number;
}

export type SendResult = HttpResponse | NetworkFailure;

export interface RawFullResponse {
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
	/**
	 * The account's rate limit (rate.ts): every attempt waits for a slot first, and a 429 is
	 * retried, paced by the limiter, without using up Max Retries, until the account has been
	 * refused for `maxWaitMs`.
	 */
	rate?: RateSettings;
	/**
	 * Send without the credential: no Authorization, no token request (a presigned download link on
	 * another host must never see the vendor's token).
	 */
	withoutCredential?: boolean;
	/** Keep the body as bytes too (a file), not only as text. */
	binary?: boolean;
	/**
	 * The request changes something at the vendor (a cancel): it is sent again only when it cannot
	 * have reached the vendor (no connection was made, the token was refused, a 429), never after a
	 * timeout, a reset or a server error.
	 */
	notRepeatable?: boolean;
}

/** Where one attempt is: sending the request, or waiting for the credential's token endpoint. */
export interface AttemptState {
	stage: 'token' | 'request';
	/** The answer's status and headers have come; its body is being read. */
	answerStarted?: boolean;
	tokenHost?: string;
}

/** The account's rate limit, for the requests of one run. */
export interface RateSettings {
	limiter: RateLimiter;
	/** How long the account may be refused (from a 429 to an accepted answer) before a request gives up. */
	maxWaitMs: number;
}
