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
import type { StampOrderSummary } from './summary';
import { parseStampOrderSummary } from './summary';
import { describeJsonType, isObject, stringField } from '../shared/json';
import { MAX_CODE, quoted } from '../shared/text';

export const SUREPASS_CREDENTIAL = 'surepassApi';
export const SUMMARY_PATH = '/api/v1/stamper-v2/bulk-stamp-order-summary';
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
	if (result.kind === 'network') {
		return { ok: false, failure: networkFailure(VENDOR, hostOf(baseUrl), result) };
	}
	const { status } = result;
	if (status >= 300 && status < 400) return { ok: false, failure: redirectFailure(VENDOR, result) };
	const parsed = parseJsonBody(result);
	const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;

	if (status >= 400) {
		return { ok: false, failure: httpFailure(result, body, bulkOrderId) };
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
		const failure = httpFailure({ ...result, status: inner }, body, bulkOrderId);
		failure.httpCode = status;
		return { ok: false, failure };
	}
	if (body.data === undefined || body.data === null) {
		const problem = `"data" is ${body.data === null ? 'null' : 'missing'}, so there is no order summary`;
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, problem, status) };
	}
	const summary = parseStampOrderSummary(body.data, bulkOrderId);
	if (!summary.ok)
		return { ok: false, failure: unexpectedResponseFailure(VENDOR, summary.problem, status) };
	return summary;
}

function httpFailure(
	response: HttpResponse,
	body: Record<string, unknown> | undefined,
	bulkOrderId: string,
): ApiFailure {
	const { status } = response;
	// Surepass error bodies vary by endpoint: `message_code`, or `error` in an older variant.
	const code = stringField(body, 'message_code') ?? stringField(body, 'error');
	const vendorCode = code === undefined ? undefined : quoted(code, MAX_CODE);
	const message = stringField(body, 'message');
	const vendorMessage = message === undefined ? undefined : quoted(message);
	const said = vendorMessage ? `: ${vendorMessage}` : '';
	const base = { httpCode: status, vendorCode, vendorMessage };

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
			message: `Surepass has no bulk stamp order "${bulkOrderId}"`,
			description:
				'Check the Bulk Order ID (it starts with "bulk_stamp_v2_") and that the order was created in the same environment as the credential (sandbox or production).',
		};
	}
	if (status === 400 || status === 422 || vendorCode === 'invalid_client_id') {
		return {
			...base,
			message: `Surepass rejected the Bulk Order ID "${bulkOrderId}" (HTTP ${status}${said})`,
			description:
				'Check the Bulk Order ID: it is given when the bulk stamp order is created and starts with "bulk_stamp_v2_".',
		};
	}
	if (status === 429) {
		return {
			...base,
			...rateLimitFailure(
				VENDOR,
				response,
				'order',
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
		description: 'The request was not accepted. Check the Bulk Order ID and the credential.',
	};
}
