import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import type { SignatureMethod } from '../nodes/shared/signature';
import { signatureHeaders } from '../nodes/shared/signature';
import { recentRenewal, rememberRenewal, renewalKey } from '../nodes/shared/renewal';
import { formatBytes, MEBIBYTE, readBounded } from '../nodes/shared/body';
import { sleep } from '../nodes/shared/n8n';
import { quoted } from '../nodes/shared/text';
import { parseRetryAfter, tokenEndpointFailure } from '../nodes/shared/token-endpoint';
import { checkBaseUrl, requestTarget, unsafeRequestUrl } from '../nodes/shared/url';
import {
	environmentMix,
	passportTokenUrlOf,
	PRODUCTION_PASSPORT_TOKEN_URL,
	SANDBOX_PASSPORT_TOKEN_URL,
} from '../nodes/shared/interswitch-environment';

/** Renew the access token this long before Interswitch says it expires. */
export const TOKEN_RENEWAL_MARGIN_MS = 30_000;

/** A reference no batch has: the credential test expects "no record of batch" for it. */
export const PAYCODE_PROBE_REFERENCE = 'n8n-credential-test';

interface PassportAnswer {
	access_token?: unknown;
	expires_in?: unknown;
	error?: unknown;
	error_description?: unknown;
}

export class InterswitchPaycodeApi implements ICredentialType {
	name = 'interswitchPaycodeApi';

	displayName = 'Interswitch Paycode API';

	icon: Icon = {
		light: 'file:../nodes/InterswitchPaycode/paycode.svg',
		dark: 'file:../nodes/InterswitchPaycode/paycode.dark.svg',
	};

	documentationUrl =
		'https://www.npmjs.com/package/n8n-nodes-surepass-interswitch#interswitch-paycode-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Sandbox',
					value: 'sandbox',
					description: `Access tokens from ${new URL(SANDBOX_PASSPORT_TOKEN_URL).host}`,
				},
				{
					name: 'Production',
					value: 'production',
					description: `Access tokens from ${new URL(PRODUCTION_PASSPORT_TOKEN_URL).host}`,
				},
				{
					name: 'Custom',
					value: 'custom',
					description:
						'Access tokens from the Passport Token URL you enter (QA, a proxy, the local API emulator)',
				},
			],
			// Custom, not Sandbox: n8n gives a credential saved before this field existed the default,
			// and any other default would move it off the Passport Token URL it was saved with.
			default: 'custom',
			description:
				'The Interswitch environment your client ID belongs to: it decides where access tokens come from. The Context URL must belong to the same environment. Custom is the default so that credentials saved before this choice keep their Passport Token URL.',
		},
		{
			displayName: 'Context URL',
			name: 'contextUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://sandbox.interswitchng.com/api/v1',
			description:
				'The base address Interswitch gave you for the Paycode API, in the environment chosen above; /pwm/bulk/tokens/comprehensive/status is appended to it. Must start with https:// (plain http:// only for localhost).',
		},
		{
			displayName: 'Front-End Partner ID',
			name: 'frontEndPartnerId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 455',
			description:
				'Your front-end partner ID, as sent when the tokens were generated. Used by every node with this credential unless the node sets its own.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			description: 'The client ID of your Interswitch Passport (OAuth2) client',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The secret of your Interswitch Passport client',
		},
		{
			displayName: 'Passport Token URL',
			name: 'passportTokenUrl',
			type: 'string',
			required: true,
			// The sandbox Passport, as before the Environment choice: a credential saved then without
			// this field still gets its tokens there.
			default: SANDBOX_PASSPORT_TOKEN_URL,
			displayOptions: { show: { environment: ['custom'] } },
			description:
				'Where access tokens come from (OAuth2 client credentials). Must belong to the same environment as the Context URL.',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'e.g. profile',
			description:
				'Optional OAuth2 scope to ask Passport for. Leave empty unless Interswitch told you one.',
		},
		{
			displayName: 'Add InterswitchAuth Signature Headers',
			name: 'signatureHeaders',
			type: 'boolean',
			default: false,
			description:
				'Whether to sign every request with the Timestamp, Nonce, Signature and SignatureMethod headers, as Interswitch SDKs do. Turn on if Interswitch asks for signed requests; needs a correct clock on this machine.',
		},
		{
			displayName: 'Signature Method',
			name: 'signatureMethod',
			type: 'options',
			options: [
				{ name: 'SHA-512', value: 'SHA512' },
				{ name: 'SHA-1', value: 'SHA1' },
			],
			default: 'SHA512',
			displayOptions: { show: { signatureHeaders: [true] } },
			description: 'The hash Interswitch expects for the signature (its documents mention both)',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description:
				'How many requests every workflow using this credential may send to Interswitch in any minute, together, in this n8n process. 0 (the default): no limit; if Interswitch answers that its rate limit is reached (HTTP 429), the node slows down by itself.',
		},
		{
			// The window the rate counts requests in; only tests and benchmarks shorten it, to run fast.
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindowSeconds',
			type: 'hidden',
			default: 60,
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Access Token Valid Until',
			name: 'validUntil',
			type: 'hidden',
			default: 0,
		},
	];

	/**
	 * Gets an access token from Interswitch Passport (OAuth2 client credentials). n8n calls this
	 * when the stored token is empty or was found expired, and stores what it returns.
	 */
	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		// Before any secret leaves: a Context URL and a Passport of two environments never work.
		const mix = environmentMix(credentials);
		if (mix !== undefined) throw new Error(`${mix.problem}. ${mix.fix}`);
		const tokenUrl = checkBaseUrl(passportTokenUrlOf(credentials), 'Passport Token URL');
		if (!tokenUrl.ok) throw new Error(tokenUrl.problem);
		// Trimmed: a client ID or secret pasted with a trailing newline or space is the same one.
		const clientId = String(credentials.clientId ?? '').trim();
		const clientSecret = String(credentials.clientSecret ?? '').trim();
		const form = new URLSearchParams({ grant_type: 'client_credentials' });
		const scope = String(credentials.scope ?? '').trim();
		if (scope !== '') form.set('scope', scope);
		const host = new URL(tokenUrl.url).host;
		// Failures carry the token endpoint's host, so the node names Passport, not the Paycode API.
		const failure = (message: string, code?: string, retryAfterMs?: number) =>
			tokenEndpointFailure(message, host, code, retryAfterMs);

		const key = renewalKey([tokenUrl.url, clientId, clientSecret, scope]);
		// A token renewed moments ago is handed on only to callers whose own token expired (many
		// items find that at once). A token that was refused before its expiry is renewed afresh:
		// a token handed on could be refused too (a revocation takes every token issued before it).
		const expired = Number(credentials.validUntil ?? 0) <= Date.now();
		const reused = expired ? recentRenewal(key, credentials.accessToken) : undefined;
		if (reused !== undefined) return { ...reused };

		// Bounded in time (the node's own Timeout applies too, when a node asks) and in size:
		// a token answer is a few hundred bytes.
		const deadline = new AbortController();
		const timer = new AbortController();
		void sleep(PASSPORT_TIMEOUT_MS, timer.signal).then(
			() => deadline.abort(),
			() => undefined,
		);
		let statusCode: number;
		let headers: Record<string, unknown>;
		let text: string;
		try {
			let answer: { statusCode: number; headers?: Record<string, unknown>; body: unknown };
			try {
				answer = (await this.helpers.httpRequest({
					method: 'POST',
					url: tokenUrl.url,
					headers: {
						Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
						'Content-Type': 'application/x-www-form-urlencoded',
						Accept: 'application/json',
					},
					body: form.toString(),
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					timeout: PASSPORT_TIMEOUT_MS,
					abortSignal: deadline.signal,
					encoding: 'stream',
					json: false,
				})) as { statusCode: number; headers?: Record<string, unknown>; body: unknown };
			} catch (error) {
				throw passportFailure(error, host, deadline.signal.aborted, answerBegan(error));
			}
			statusCode = answer.statusCode;
			headers = answer.headers ?? {};
			let read;
			try {
				read = await readBounded(answer.body, PASSPORT_MAX_BYTES);
			} catch (error) {
				throw passportFailure(error, host, deadline.signal.aborted, true);
			}
			if (read.tooLarge) throw tooLarge(host);
			text = read.text;
		} finally {
			timer.abort();
		}
		const body = parsePassport(text);
		if (statusCode >= 500 || statusCode === 429) {
			const retryAfter = headers['retry-after'] ?? headers['Retry-After'];
			throw failure(
				`Interswitch Passport at ${host} is unavailable (HTTP ${statusCode})`,
				'EPASSPORT_UNAVAILABLE',
				parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined),
			);
		}
		const reason = [body?.error, body?.error_description]
			.filter((part): part is string => typeof part === 'string' && part !== '')
			.map((part) => quoted(part))
			.join(': ');
		if (statusCode !== 200 || typeof body?.access_token !== 'string' || body.access_token === '') {
			const said = reason ? `: ${reason}` : '';
			const what =
				statusCode === 400 || statusCode === 401 || statusCode === 403
					? 'Interswitch Passport rejected the client ID or secret'
					: 'Interswitch Passport gave no access token';
			// Passport's own words may echo what it received; the node scrubs every secret from
			// errors before they leave it (nodes/shared/secrets.ts).
			throw failure(`${what} (HTTP ${statusCode}${said})`);
		}
		const renewed = {
			accessToken: body.access_token,
			validUntil: Date.now() + usableLifetimeMs(body.expires_in),
		};
		rememberRenewal(key, renewed);
		return { ...renewed };
	}

	/**
	 * Adds the Bearer token, and the signature headers when they are on, for the exact request
	 * being sent. Refuses to send anything to a plain-http, non-loopback address.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const url = requestTarget(requestOptions);
		const unsafe = unsafeRequestUrl(url, 'Interswitch Context URL');
		if (unsafe !== undefined) throw new Error(unsafe);
		const validUntil = Number(credentials.validUntil ?? 0);
		if (credentials.accessToken && validUntil > 0 && Date.now() >= validUntil) {
			// The stored token is (about to be) expired. n8n's httpRequestWithAuthentication treats a
			// 401 raised here like a 401 from the server: it runs preAuthentication again and calls
			// authenticate once more, so the token is renewed before any request goes out.
			throw Object.assign(new Error('The Interswitch access token has expired'), {
				response: { status: 401 },
			});
		}
		const headers: Record<string, string> = {
			...(requestOptions.headers as Record<string, string>),
			Authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
		};
		if (credentials.signatureHeaders === true) {
			Object.assign(
				headers,
				signatureHeaders({
					method: requestOptions.method ?? 'GET',
					url: withQuery(url, requestOptions.qs),
					clientId: String(credentials.clientId ?? '').trim(),
					clientSecret: String(credentials.clientSecret ?? '').trim(),
					signatureMethod:
						credentials.signatureMethod === 'SHA1' ? 'SHA1' : ('SHA512' as SignatureMethod),
				}),
			);
		}
		return { ...requestOptions, headers };
	}

	// Getting a Passport token is the real test; the probe then asks for a batch that cannot exist.
	// Interswitch answers "no record of batch" (10904) to an accepted token, as HTTP 401.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.contextUrl).trim().replace(/\\/+$/, "") }}',
			url: '/pwm/bulk/tokens/comprehensive/status',
			method: 'GET',
			qs: {
				referenceId: PAYCODE_PROBE_REFERENCE,
				frontEndPartner: '={{ $credentials.frontEndPartnerId || "0" }}',
			},
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		},
		rules: [
			// n8n's tester hands the rules the body only, never the status. Every answer of the Paycode
			// API is a JSON object; a body that is text (a redirect, a web page, nothing) is not the
			// API, and a run would fail there too ("answered with a redirect", "an HTML page").
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'constructor.name',
					value: 'String',
					message:
						'Interswitch did not answer at the Context URL the way the Paycode API does: no JSON came back (a redirect, a web page or an empty answer). Check the Context URL.',
				},
			},
			...['invalid_token', 'unauthorized'].map((value) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'error',
					value,
					message:
						'Interswitch rejected the access token from Passport. Check that the Environment (for Custom, the Passport Token URL) and the Context URL belong to the same environment.',
				},
			})),
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: '10801',
					message:
						'The token works, but Interswitch does not know the Front-End Partner ID. Check it.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'E24',
					message:
						"Interswitch refused the request signature: the timestamp is out of window. Check this machine's clock.",
				},
			},
		],
	};
}

function parsePassport(body: unknown): PassportAnswer | undefined {
	if (typeof body === 'object' && body !== null) return body as PassportAnswer;
	if (typeof body !== 'string' || body.trim() === '') return undefined;
	try {
		const parsed: unknown = JSON.parse(body);
		return typeof parsed === 'object' && parsed !== null ? (parsed as PassportAnswer) : undefined;
	} catch {
		return undefined;
	}
}

/** The URL as the HTTP client will send it: `qs` appended in order, encoded as URLSearchParams does. */
function withQuery(url: string, qs: IHttpRequestOptions['qs']): string {
	if (!qs || Object.keys(qs).length === 0) return url;
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(qs)) {
		if (value !== undefined && value !== null) search.append(key, String(value));
	}
	return `${url}${url.includes('?') ? '&' : '?'}${search.toString()}`;
}

/** How long Passport may take to answer, headers and body. */
const PASSPORT_TIMEOUT_MS = 30_000;

/** The largest answer read from Passport: a token answer is a few hundred bytes. */
const PASSPORT_MAX_BYTES = MEBIBYTE;

/** Passport says ≈3599 s; a lifetime it states beyond a day is taken as a day. */
const MAX_TOKEN_LIFETIME_MS = 86_400_000;

/**
 * How long a token may be used: Passport's `expires_in` when it is a number (or numeric text) of
 * seconds, within a day; else an hour. Renewed 30 s before it expires, or halfway through a
 * lifetime shorter than a minute. Never `Number(value)` of a list or an object: one nested 100,000
 * deep overflows the stack when turned into a number.
 */
export function usableLifetimeMs(expiresIn: unknown): number {
	const seconds =
		typeof expiresIn === 'number'
			? expiresIn
			: typeof expiresIn === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(expiresIn)
				? Number(expiresIn)
				: Number.NaN;
	const lifetimeMs =
		Number.isFinite(seconds) && seconds > 0
			? Math.min(seconds * 1000, MAX_TOKEN_LIFETIME_MS)
			: 3599_000;
	return Math.max(lifetimeMs / 2, lifetimeMs - TOKEN_RENEWAL_MARGIN_MS);
}

/** Codes of a request that never left this machine: no address for the name, or no connection. */
const NOT_REACHED = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
]);

/** What a failed Passport request was, in words, with the code that tells the node whether to retry. */
function passportFailure(
	error: unknown,
	host: string,
	timedOut: boolean,
	/** The answer's status had come: it was cut off while its body was read. */
	midAnswer: boolean,
): Error {
	const code = codeOf(error);
	if (timedOut)
		return tokenEndpointFailure(
			`Interswitch Passport at ${host} did not answer within ${PASSPORT_TIMEOUT_MS / 1000} s`,
			host,
			'ETIMEDOUT',
		);
	if (code === 'TOO_LARGE') return tooLarge(host);
	if (code !== undefined && /^HPE_/.test(code))
		return tokenEndpointFailure(
			`Interswitch Passport at ${host} did not answer with valid HTTP`,
			host,
			code,
		);
	// Words that match what happened at the socket: cut off in the middle of the answer (the body
	// was being read), closed before answering, or never reached.
	if (midAnswer) {
		return tokenEndpointFailure(
			`Interswitch Passport's answer from ${host} was cut off before its end`,
			host,
			'ECONNRESET',
		);
	}
	if (code !== undefined && !NOT_REACHED.has(code)) {
		return tokenEndpointFailure(
			`Interswitch Passport at ${host} closed the connection before answering`,
			host,
			code,
		);
	}
	// A transport code keeps the failure retryable by the node, like any network failure.
	return tokenEndpointFailure(
		`Interswitch Passport could not be reached at ${host}`,
		host,
		code ?? 'EPASSPORT_UNAVAILABLE',
	);
}

/**
 * Whether Passport's answer had begun before the error: its status came with the error, or the
 * node's transport, reading the body for the credential, says it was cut (`midAnswer`).
 */
function answerBegan(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const { response, midAnswer } = current as {
			response?: { status?: unknown };
			midAnswer?: unknown;
		};
		if (midAnswer === true || typeof response?.status === 'number') return true;
		current = (current as { cause?: unknown }).cause;
	}
	return false;
}

function tooLarge(host: string): Error {
	return tokenEndpointFailure(
		`Interswitch Passport at ${host} answered with more than ${formatBytes(PASSPORT_MAX_BYTES)}, which is no token answer`,
		host,
		'TOO_LARGE',
	);
}

function codeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}
