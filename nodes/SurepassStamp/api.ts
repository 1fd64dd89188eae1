/**
 * The Surepass side of the bulk stamp order summary call: the request, and what each answer
 * means. HTTP itself goes through the shared transport.
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
import type { RateLimiter } from '../shared/transport/rate';
import { accountLimiter } from '../shared/transport/rate';
import type { BaseUrlCheck } from '../shared/url';
import { checkBaseUrl, hostOf } from '../shared/url';
import type { StampDetails } from './stamp';
import { isPdf, parseStampDetails } from './stamp';
import { formatBytes } from '../shared/body';
import { percentEncode } from '../shared/signature';
import type { StampOrderSummary } from './summary';
import { parseStampOrderSummary } from './summary';
import { describeJsonType, isObject, stringField } from '../shared/json';
import { MAX_CODE, quoted } from '../shared/text';

export const SUREPASS_CREDENTIAL = 'surepassApi';
export const SUMMARY_PATH = '/api/v1/stamper-v2/bulk-stamp-order-summary';
export const ORDER_STATUS_PATH = '/api/v1/stamper-v2/order-status';
export const SUREPASS_HOSTS = {
	production: 'https://kyc-api.surepass.app',
	sandbox: 'https://sandbox.surepass.app',
} as const;

const VENDOR = 'Surepass';

/** The base URL a Surepass API credential points at, checked. */
export function surepassBaseUrl(credentials: ICredentialDataDecryptedObject): BaseUrlCheck {
	const environment = credentials.environment;
	if (environment === 'custom') return checkBaseUrl(credentials.baseUrl, 'Base URL');
	if (environment === 'sandbox') return { ok: true, url: SUREPASS_HOSTS.sandbox };
	return { ok: true, url: SUREPASS_HOSTS.production };
}

/** Surepass's documented rate: 100 requests a minute per account, unless agreed otherwise. */
export const SUREPASS_REQUESTS_PER_MINUTE = 100;

/**
 * The rate limiter of the Surepass account a credential names (its environment or Base URL and
 * its token), at the credential's Requests per Minute (100 when the credential predates it).
 */
export function surepassLimiter(credentials: ICredentialDataDecryptedObject): RateLimiter {
	const base = surepassBaseUrl(credentials);
	return accountLimiter(
		[
			'surepass',
			base.ok ? base.url : String(credentials.baseUrl ?? ''),
			String(credentials.token ?? '').trim(),
		],
		credentials.requestsPerMinute ?? SUREPASS_REQUESTS_PER_MINUTE,
		credentials.rateLimitWindowSeconds,
	);
}

export function summaryRequest(baseUrl: string, bulkOrderId: string): IHttpRequestOptions {
	return {
		method: 'POST',
		url: `${baseUrl}${SUMMARY_PATH}`,
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: { client_id: bulkOrderId },
	};
}

/** One stamp's order status: `GET …/order-status?client_id=stamp_v2_…`. */
export function stampRequest(baseUrl: string, stampId: string): IHttpRequestOptions {
	return {
		method: 'GET',
		url: `${baseUrl}${ORDER_STATUS_PATH}?client_id=${percentEncode(stampId)}`,
		headers: { Accept: 'application/json' },
	};
}

/** What a message names: a bulk order or one stamp. */
interface Subject {
	/** The parameter, as the editor shows it ("Bulk Order ID"). */
	label: string;
	/** What it is, in words ("bulk stamp order"). */
	noun: string;
	prefix: string;
	/** One word for rate-limit messages ("order"). */
	short: string;
	id: string;
}

const orderSubject = (id: string): Subject => ({
	label: 'Bulk Order ID',
	noun: 'bulk stamp order',
	prefix: 'bulk_stamp_v2_',
	short: 'order',
	id,
});

const stampSubject = (id: string): Subject => ({
	label: 'Stamp ID',
	noun: 'stamp',
	prefix: 'stamp_v2_',
	short: 'stamp',
	id,
});

/** An error envelope is small; a summary of many stamps is not worth parsing twice to find out. */
const ENVELOPE_PEEK_BYTES = 65_536;

/**
 * The status an answer stands for: Surepass can wrap an error in HTTP 200, with the real status in
 * the envelope's `status_code` (`{ "success": false, "status_code": 503, … }`). The transport uses
 * it to retry a rate limit or server error that arrived that way.
 */
export function envelopeStatus(response: HttpResponse): number {
	if (response.status !== 200 || response.body.length > ENVELOPE_PEEK_BYTES) return response.status;
	const parsed = parseJsonBody(response);
	if (!parsed.ok || !isObject(parsed.value) || parsed.value.success !== false)
		return response.status;
	const inner = parsed.value.status_code;
	return typeof inner === 'number' && inner >= 400 ? inner : response.status;
}

export type SummaryOutcome =
	{ ok: true; summary: StampOrderSummary } | { ok: false; failure: ApiFailure };

/** Reads what came back for one order. Pure: no I/O, no n8n. */
export function interpretSummary(
	result: SendResult,
	bulkOrderId: string,
	baseUrl: string,
): SummaryOutcome {
	const data = readEnvelope(result, orderSubject(bulkOrderId), baseUrl);
	if (!data.ok) return data;
	const summary = parseStampOrderSummary(data.data, bulkOrderId);
	if (!summary.ok)
		return {
			ok: false,
			failure: unexpectedResponseFailure(VENDOR, summary.problem, data.status),
		};
	return summary;
}

export type StampOutcome = { ok: true; stamp: StampDetails } | { ok: false; failure: ApiFailure };

/** Reads what came back for one stamp's order status. Pure: no I/O, no n8n. */
export function interpretStamp(result: SendResult, stampId: string, baseUrl: string): StampOutcome {
	const data = readEnvelope(result, stampSubject(stampId), baseUrl);
	if (!data.ok) return data;
	const stamp = parseStampDetails(data.data, stampId);
	if (!stamp.ok)
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, stamp.problem, data.status) };
	return stamp;
}

/** Surepass's envelope: its `data`, or the failure it stands for. */
function readEnvelope(
	result: SendResult,
	subject: Subject,
	baseUrl: string,
): { ok: true; data: unknown; status: number } | { ok: false; failure: ApiFailure } {
	if (result.kind === 'network') {
		return { ok: false, failure: networkFailure(VENDOR, hostOf(baseUrl), result) };
	}
	const { status } = result;
	if (status >= 300 && status < 400) return { ok: false, failure: redirectFailure(VENDOR, result) };
	const parsed = parseJsonBody(result);
	const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;

	if (status >= 400) {
		return { ok: false, failure: httpFailure(result, body, subject) };
	}
	if (!parsed.ok)
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, parsed.problem, status) };
	if (body === undefined) {
		const problem = `the body is ${describeJsonType(parsed.value)}, expected a JSON object`;
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, problem, status) };
	}
	// The envelope can say "failed" with HTTP 200; its own status_code then tells what kind.
	if (body.success === false) {
		const inner =
			typeof body.status_code === 'number' && body.status_code >= 400 ? body.status_code : status;
		const failure = httpFailure({ ...result, status: inner }, body, subject);
		failure.httpCode = status;
		return { ok: false, failure };
	}
	if (body.data === undefined || body.data === null) {
		const problem = `"data" is ${body.data === null ? 'null' : 'missing'}, so there is no ${subject.short === 'order' ? 'order summary' : 'stamp'}`;
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, problem, status) };
	}
	return { ok: true, data: body.data, status };
}

function httpFailure(
	response: HttpResponse,
	body: Record<string, unknown> | undefined,
	subject: Subject,
): ApiFailure {
	const { status } = response;
	// Surepass error bodies vary by endpoint: `message_code`, or `error` in an older variant.
	const code = stringField(body, 'message_code') ?? stringField(body, 'error');
	const vendorCode = code === undefined ? undefined : quoted(code, MAX_CODE);
	const message = stringField(body, 'message');
	const vendorMessage = message === undefined ? undefined : quoted(message);
	const said = vendorMessage ? `: ${vendorMessage}` : '';
	const base = { httpCode: status, vendorCode, vendorMessage };
	const { label, noun, prefix, id } = subject;

	if (status === 401 || vendorCode === 'unauthorized' || vendorCode === 'authentication_failed') {
		return {
			...base,
			message: `Surepass rejected the token (HTTP ${status}${said})`,
			description:
				'Check the token in the Surepass API credential and that its Environment matches the token: a sandbox token does not work against production, nor a production token against the sandbox.',
		};
	}
	if (status === 403) {
		return {
			...base,
			message: `Surepass refused access (HTTP 403${said})`,
			description:
				'The token was accepted but may not use the e-stamp API. Check with Surepass that stamper-v2 is enabled for this token, and that the Environment is right.',
		};
	}
	if (status === 404 || vendorCode === 'client_id_not_found') {
		return {
			...base,
			message: `Surepass has no ${noun} "${id}"`,
			description: `Check the ${label} (it starts with "${prefix}") and that the ${subject.short} was created in the same environment as the credential (sandbox or production).`,
		};
	}
	if (status === 400 || status === 422 || vendorCode === 'invalid_client_id') {
		return {
			...base,
			message: `Surepass rejected the ${label} "${id}" (HTTP ${status}${said})`,
			description: `Check the ${label}: it is given when the ${noun} is created and starts with "${prefix}".`,
		};
	}
	if (status === 429) {
		return {
			...base,
			...rateLimitFailure(
				VENDOR,
				response,
				subject.short,
				'Surepass allows about 100 requests a minute unless agreed otherwise.',
			),
		};
	}
	if (status >= 500) {
		return {
			...base,
			message: `Surepass had a server error (HTTP ${status}, ${attemptsText(response.attempts)})`,
			description: `Surepass could not answer${said || '.'} This is on Surepass's side; try again later.`,
		};
	}
	return {
		...base,
		message: `Surepass answered HTTP ${status}${said}`,
		description: `The request was not accepted. Check the ${label} and the credential.`,
	};
}

export type DownloadOutcome = { ok: true; bytes: Buffer } | { ok: false; failure: ApiFailure };

/**
 * Reads what the stamp's download link gave. The link is a presigned address on a storage host,
 * not Surepass's API: its errors are the storage's (an expired link is typically HTTP 403 or 400
 * with "expired" in an XML body). Pure: no I/O, no n8n.
 */
export function interpretDownload(
	result: SendResult,
	stampId: string,
	link: string,
): DownloadOutcome {
	const host = hostOf(link);
	const storage = "Surepass's file storage";
	if (result.kind === 'network') {
		const failure = networkFailure(storage, host, result);
		if (result.reason === 'too-large')
			failure.description =
				'Reading stopped at the limit. A stamp PDF is small; if it is really this big, raise the option Max Response Size (MB).';
		return { ok: false, failure };
	}
	const { status } = result;
	if (status >= 300 && status < 400) {
		const failure = redirectFailure(storage, result);
		failure.message = `${failure.message}: a new run fetches a fresh link`;
		failure.description =
			'Download links are not followed to another address. Run the node again for a fresh link; if it redirects again, ask Surepass.';
		return { ok: false, failure };
	}
	if (status >= 400) {
		const expired = /expired/i.test(result.body.slice(0, 4096));
		return {
			ok: false,
			failure: {
				httpCode: status,
				message: expired
					? `The download link of the stamp "${stampId}" has expired (HTTP ${status}): a new run fetches a fresh one`
					: `${storage} refused the download link of the stamp "${stampId}" (HTTP ${status}): a new run fetches a fresh one`,
				description:
					'The link Surepass gives is valid for a limited time (minutes). Download fetches a fresh one each run: run the node again. If it keeps failing, ask Surepass about the stamp.',
			},
		};
	}
	const bytes = result.bytes ?? Buffer.from(result.body);
	if (!isPdf(bytes)) {
		const type = result.headers['content-type'];
		return {
			ok: false,
			failure: {
				httpCode: status,
				message: `The download link of the stamp "${stampId}" did not give a PDF (${type ? quoted(type, 60) : 'no content type'}, ${formatBytes(bytes.length)})`,
				description:
					'A PDF file starts with "%PDF-"; this one does not, so no file was made from it. Run the node again; if it stays so, ask Surepass about the stamp.',
			},
		};
	}
	return { ok: true, bytes };
}
