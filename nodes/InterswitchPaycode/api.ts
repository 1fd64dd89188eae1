/**
 * The Interswitch side of the bulk token batch status call: the request, and what each answer
 * means. HTTP itself goes through the shared transport.
 *
 * Interswitch sends business errors as HTTP 401 with a body
 * `{ "errors": [{ "code", "message" }], "error": { "code", "message" } }`: the node branches on
 * `error.code`, not on the status, so "no record of batch" never reads as "authorization failed".
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import type { ApiFailure } from '../shared/errors';
import {
	attemptsText,
	networkFailure,
	parseJsonBody,
	rateLimitFailure,
	redirectFailure,
	unexpectedResponseFailure,
} from '../shared/errors';
import type { HttpResponse, SendResult } from '../shared/transport';
import { cannotHaveArrived as notSent } from '../shared/transport/classify';
import type { RateLimiter } from '../shared/transport/rate';
import { accountLimiter } from '../shared/transport/rate';
import { checkBaseUrl, hostOf } from '../shared/url';
import { environmentMix } from '../shared/interswitch-environment';
import type { BatchStatus } from './batch';
import { parseBatchStatus } from './batch';
import { describeJsonType, isObject } from '../shared/json';
import { percentEncode } from '../shared/signature';
import { MAX_CODE, quoted } from '../shared/text';

export const PAYCODE_CREDENTIAL = 'interswitchPaycodeApi';
export const STATUS_PATH = '/pwm/bulk/tokens/comprehensive/status';
/** Bulk Token Batch Cancel (section 8 of the document the status call comes from). */
export const CANCEL_PATH = '/pwm/bulk/tokens';
export const NO_RECORD_OF_BATCH = '10904';

const VENDOR = 'Interswitch';
/** Where the credential gets its access tokens. */
const TOKEN_SERVICE = 'Interswitch Passport';

/**
 * The rate limiter of the Interswitch account a credential names (its Context URL and client ID),
 * at the credential's Requests per Minute: none unless set (Interswitch documents none), lowered
 * when Interswitch answers 429.
 */
export function paycodeLimiter(credentials: ICredentialDataDecryptedObject): RateLimiter {
	return accountLimiter(
		[
			'interswitch',
			String(credentials.contextUrl ?? '').trim(),
			String(credentials.clientId ?? '').trim(),
		],
		credentials.requestsPerMinute ?? 0,
		credentials.rateLimitWindowSeconds,
	);
}

/** The credential's Context URL, or what is wrong with it and what to change. */
export type ContextUrlCheck =
	{ ok: true; url: string } | { ok: false; problem: string; fix: string };

export function contextUrl(credentials: ICredentialDataDecryptedObject): ContextUrlCheck {
	const base = checkBaseUrl(credentials.contextUrl, 'Context URL');
	if (!base.ok)
		return {
			ok: false,
			problem: base.problem,
			fix: 'Fix the Context URL in the Interswitch Paycode API credential.',
		};
	// Known to fail on every request: said once per item before anything is sent.
	const mix = environmentMix(credentials);
	return mix === undefined ? base : { ok: false, ...mix };
}

/**
 * The query string is built here, each value percent-encoded, rather than left to the HTTP
 * client: the signature headers sign the exact URL, and no value can add or change a parameter.
 * RFC 3986 encoding (percentEncode), not encodeURIComponent: the HTTP client re-encodes ' ! ( ) *
 * in a query, so a Reference ID with an apostrophe was signed as ' and sent as %27 (Interswitch
 * answered 10500). Encoded this way, the URL signed is the URL on the wire.
 */
export function statusRequest(
	baseUrl: string,
	referenceId: string,
	frontEndPartnerId: string,
): IHttpRequestOptions {
	return {
		method: 'GET',
		url: `${baseUrl}${STATUS_PATH}?${batchQuery(referenceId, frontEndPartnerId)}`,
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
	};
}

/** The batch's two query parameters, each percent-encoded (RFC 3986: see statusRequest). */
function batchQuery(referenceId: string, frontEndPartnerId: string): string {
	return `referenceId=${percentEncode(referenceId)}&frontEndPartner=${percentEncode(frontEndPartnerId)}`;
}

export type StatusOutcome =
	| { ok: true; batch: BatchStatus }
	| { ok: false; failure: ApiFailure; noRecord?: boolean; tokenRejected?: boolean };

interface Query {
	referenceId: string;
	frontEndPartnerId: string;
	/** Which call the answer is for: the status (default) or the cancel. */
	call?: 'status' | 'cancel';
}

/** Reads what came back for one batch. Pure: no I/O, no n8n. */
export function interpretStatus(result: SendResult, query: Query, baseUrl: string): StatusOutcome {
	if (result.kind === 'network') {
		const failure = networkFailure(VENDOR, hostOf(baseUrl), result, TOKEN_SERVICE);
		if (
			result.stage === 'token' &&
			result.reason === 'connection' &&
			result.detail.startsWith(TOKEN_SERVICE)
		) {
			// Passport answered, but with an outage status (the credential says which).
			failure.message = `${result.detail} (${attemptsText(result.attempts)})`;
			failure.description =
				'Access tokens come from Passport. Check the Passport Token URL in the credential and try again later.';
		}
		return { ok: false, failure };
	}
	const { status } = result;
	if (status >= 300 && status < 400) return { ok: false, failure: redirectFailure(VENDOR, result) };
	const parsed = parseJsonBody(result);
	const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
	if (status >= 400) return httpFailure(result, body, query);
	if (!parsed.ok)
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, parsed.problem, status) };
	const batch = parseBatchStatus(parsed.value, query.referenceId);
	if (!batch.ok)
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, batch.problem, status) };
	// A 200 carrying an error object and no token lists is an error all the same.
	if (body && isObject(body.error) && body.successful === undefined && body.summary === undefined) {
		return httpFailure({ ...result, status: 400 }, body, query, status);
	}
	return batch;
}

/** What a message about one request may name: the batch, the partner, Interswitch's own words. */
interface Words {
	/** The Reference ID, quoted. */
	ref: string;
	/** The Front-End Partner ID, quoted. */
	partner: string;
	/** Interswitch's own message, as ": …", or empty. */
	said: string;
}

type Meaning = { message: string; description: string };

/**
 * Interswitch's business codes, which arrive behind HTTP 401 (and sometimes 400 or 200): what each
 * means, in words a user acts on. A code not listed here is quoted as it came.
 */
export const BUSINESS_ERRORS: Readonly<Record<string, (words: Words) => Meaning>> = {
	[NO_RECORD_OF_BATCH]: ({ ref, partner }) => ({
		message: `Interswitch has no batch with reference ${ref} for front-end partner ${partner} (10904)`,
		description:
			'Check the Reference ID (the transaction reference used when the tokens were generated) and the Front-End Partner ID. If the batch was submitted moments ago, turn on the option "Treat No Record of Batch as Pending".',
	}),
	E50: ({ said }) => ({
		message: `Interswitch says the Reference ID is empty (E50${said})`,
		description: 'Map the batch reference used when the tokens were generated into Reference ID.',
	}),
	'10801': ({ partner }) => ({
		message: `Interswitch does not know the front-end partner ${partner} (10801)`,
		description:
			'Check the Front-End Partner ID in the node, or the default in the Interswitch Paycode API credential.',
	}),
	'10400': ({ said }) => ({
		message: `Interswitch says a required field is missing (10400${said})`,
		description: 'Check that Reference ID and Front-End Partner ID are both set.',
	}),
	'10500': ({ said }) => ({
		message: `Interswitch could not process the request (10500${said})`,
		description:
			'Interswitch could not validate the request or its authentication details. Check the credential (client ID, secret, signature settings) and try again later.',
	}),
	E24: () => ({
		message: `Interswitch refused the request signature: its timestamp is out of window (E24)`,
		description:
			"The Timestamp header comes from this machine's clock, which looks wrong. Set the clock right (for example with NTP) and try again.",
	}),
};

/** What an HTTP status means when no business code explains it (401 is handled apart). */
function statusMeaning(
	response: HttpResponse,
	{ ref, partner, said }: Words,
	call: Query['call'] = 'status',
): Meaning {
	const { status, attempts } = response;
	if (status === 403) {
		return {
			message: `Interswitch refused access (HTTP 403${said})`,
			description:
				'The client may not use the Paycode API, or Interswitch expects signed requests: check the signature setting in the credential.',
		};
	}
	if (status === 404) {
		const path = call === 'cancel' ? CANCEL_PATH : STATUS_PATH;
		return {
			message: `Interswitch has no batch ${call} endpoint at the Context URL (HTTP 404)`,
			description: `Check the Context URL in the credential: the path ${path} is appended to it.`,
		};
	}
	if (status === 429)
		return rateLimitFailure(
			VENDOR,
			response,
			'batch',
			'Interswitch documents no rate limit; it answered that one is reached.',
		);
	if (status >= 500) {
		return {
			message: `Interswitch had a server error (HTTP ${status}, ${attemptsText(attempts)})`,
			description:
				call === 'cancel'
					? `Interswitch could not answer${said || '.'} The cancel may or may not have been queued, so it was not sent again: check the batch with Get Status before you cancel again.`
					: `Interswitch could not answer${said || '.'} This is on Interswitch's side; try again later.`,
		};
	}
	return {
		message: `Interswitch answered HTTP ${status}${said}`,
		description: `Check the Reference ID ${ref} and the Front-End Partner ID ${partner}.`,
	};
}

function httpFailure(
	response: HttpResponse,
	body: Record<string, unknown> | undefined,
	query: Query,
	httpCode = response.status,
): StatusOutcome {
	const { status } = response;
	const vendorError = readVendorError(body);
	const vendorCode = vendorError?.code;
	const vendorMessage = vendorError?.message;
	const base = { httpCode, vendorCode, vendorMessage };
	const words: Words = {
		ref: `"${query.referenceId}"`,
		partner: `"${query.frontEndPartnerId}"`,
		said: vendorMessage ? `: ${vendorMessage}` : '',
	};
	const business = vendorCode === undefined ? undefined : BUSINESS_ERRORS[vendorCode];
	if (business !== undefined) {
		const noRecord = vendorCode === NO_RECORD_OF_BATCH ? { noRecord: true } : {};
		const meaning = business(words);
		if (query.call === 'cancel' && vendorCode === NO_RECORD_OF_BATCH)
			meaning.description =
				'Nothing was cancelled. Check the Reference ID (the transaction reference used when the tokens were generated) and the Front-End Partner ID.';
		return { ok: false, ...noRecord, failure: { ...base, ...meaning } };
	}
	if (vendorCode !== undefined && status !== 429 && status < 500) {
		// Another business error: Interswitch's own words, not a guess about authorization.
		return {
			ok: false,
			failure: {
				...base,
				message: `Interswitch refused the ${query.call ?? 'status'} request (${vendorCode}${words.said})`,
				description: `Check the Reference ID ${words.ref} and the Front-End Partner ID ${words.partner}.`,
			},
		};
	}
	if (status === 401) {
		// A 401 without a business code is about the access token itself.
		const reason =
			typeof body?.error_description === 'string'
				? `: ${quoted(body.error_description)}`
				: words.said;
		return {
			ok: false,
			tokenRejected: true,
			failure: {
				...base,
				vendorCode: typeof body?.error === 'string' ? quoted(body.error, MAX_CODE) : vendorCode,
				message: `Interswitch rejected the access token (HTTP 401${reason})`,
				description:
					"A fresh token from Passport was rejected too. Check that the credential's Environment (for Custom, its Passport Token URL) and Context URL belong to the same environment, and the client ID and secret.",
			},
		};
	}
	return { ok: false, failure: { ...base, ...statusMeaning(response, words, query.call) } };
}

function readVendorError(
	body: Record<string, unknown> | undefined,
): { code?: string; message?: string } | undefined {
	if (!body) return undefined;
	const candidates = [body.error, Array.isArray(body.errors) ? body.errors[0] : undefined];
	for (const candidate of candidates) {
		if (isObject(candidate)) {
			const code = vendorCodeOf(candidate.code);
			const message = typeof candidate.message === 'string' ? quoted(candidate.message) : undefined;
			if (code !== undefined || message !== undefined) return { code, message };
		}
	}
	return undefined;
}

/**
 * A vendor code as text: a string or a number as sent (cut to a readable length), anything else
 * described. Never `String(value)` of a list or an object: a list nested 100,000 deep overflows
 * the stack when joined.
 */
function vendorCodeOf(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return quoted(value, MAX_CODE);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return `(${describeJsonType(value)})`;
}

/**
 * The cancel request. Interswitch's document names `referenceId` and `frontEndPartner` in a table
 * but does not say whether they travel in the query or the body; its sample lists them after the
 * headers with `Content-Type: application/json`, and clients of the sibling single-token cancel
 * (DELETE /pwm/tokens) send a JSON body. Both are sent, with the same values: the query as the
 * status call takes them (signed exactly, see statusRequest), and the JSON body.
 */
export function cancelRequest(
	baseUrl: string,
	referenceId: string,
	frontEndPartnerId: string,
): IHttpRequestOptions {
	return {
		method: 'DELETE',
		url: `${baseUrl}${CANCEL_PATH}?${batchQuery(referenceId, frontEndPartnerId)}`,
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify({ referenceId, frontEndPartner: frontEndPartnerId }),
	};
}

/** What a cancel that Interswitch accepted says. */
export interface CancelResult {
	referenceId: string;
	frontEndPartnerId: string;
	/** "queued": Interswitch queued the batch's tokens to be cancelled (code 00). */
	cancelStatus: 'queued';
	code: string;
	description: string | null;
}

export type CancelOutcome =
	{ ok: true; result: CancelResult } | { ok: false; failure: ApiFailure; tokenRejected?: boolean };

/**
 * What a cancel that failed did at Interswitch, said in its message (a Slack alert sees only the
 * message): it was not sent, Interswitch answered that it did nothing, or it may have reached
 * Interswitch and was not sent again (a cancel is never sent twice on a guess).
 */
export const CANCEL_EFFECT = {
	notSent: 'the cancel was not sent',
	refused: 'nothing was cancelled',
	maybe:
		'the cancel may have reached Interswitch and was not sent again: check the batch with Get Status before you cancel again',
	unknown:
		'it is not known whether the batch was cancelled, and the cancel was not sent again: check the batch with Get Status before you cancel again',
} as const;

/** Whether a message already says what the cancel did (one of CANCEL_EFFECT). */
export function saysCancelEffect(message: string): boolean {
	return Object.values(CANCEL_EFFECT).some((effect) => message.includes(effect));
}

function withEffect(outcome: CancelOutcome, effect: string): CancelOutcome {
	if (!outcome.ok && !saysCancelEffect(outcome.failure.message))
		outcome.failure.message = `${outcome.failure.message}; ${effect}`;
	return outcome;
}

/** Reads what came back for one cancel. Pure: no I/O, no n8n. */
export function interpretCancel(
	result: SendResult,
	query: { referenceId: string; frontEndPartnerId: string },
	baseUrl: string,
): CancelOutcome {
	const cancel = { ...query, call: 'cancel' as const };
	if (result.kind === 'network') {
		const outcome = interpretStatus(result, cancel, baseUrl);
		if (outcome.ok) throw new Error('unreachable');
		const arrived = result.stage === 'request' && !notSent(result);
		return withEffect(outcome, arrived ? CANCEL_EFFECT.maybe : CANCEL_EFFECT.notSent);
	}
	const { status } = result;
	if (status >= 300 && status < 400)
		return withEffect({ ok: false, failure: redirectFailure(VENDOR, result) }, CANCEL_EFFECT.maybe);
	const parsed = parseJsonBody(result);
	const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
	if (status >= 400) {
		const outcome = httpFailure(result, body, cancel);
		if (outcome.ok) throw new Error('unreachable');
		// A server error may come after the cancel was queued; any other error status is a refusal.
		return withEffect(outcome, status >= 500 ? CANCEL_EFFECT.maybe : CANCEL_EFFECT.refused);
	}
	if (!parsed.ok)
		return withEffect(
			{ ok: false, failure: unexpectedResponseFailure(VENDOR, parsed.problem, status) },
			CANCEL_EFFECT.unknown,
		);
	if (body === undefined) {
		const problem = `the body is ${describeJsonType(parsed.value)}, expected a JSON object`;
		return withEffect(
			{ ok: false, failure: unexpectedResponseFailure(VENDOR, problem, status) },
			CANCEL_EFFECT.unknown,
		);
	}
	const code = vendorCodeOf(body.code);
	const description = typeof body.description === 'string' ? quoted(body.description) : null;
	if (code === '00')
		return {
			ok: true,
			result: { ...query, cancelStatus: 'queued', code, description },
		};
	if (code === undefined && isObject(body.error)) {
		const outcome = httpFailure({ ...result, status: 400 }, body, cancel, status);
		if (outcome.ok) throw new Error('unreachable');
		return withEffect(outcome, CANCEL_EFFECT.refused);
	}
	return {
		ok: false,
		failure: {
			httpCode: status,
			vendorCode: code,
			vendorMessage: description ?? undefined,
			message:
				code === undefined
					? `Unexpected response from Interswitch: the cancel answer has no "code"; ${CANCEL_EFFECT.unknown}`
					: `Interswitch did not queue the batch to be cancelled (code ${code}${description ? `: ${description}` : ''}); ${CANCEL_EFFECT.refused}`,
			description: `Check the batch with Get Status before you cancel again (Reference ID "${query.referenceId}", Front-End Partner ID "${query.frontEndPartnerId}").`,
		},
	};
}
