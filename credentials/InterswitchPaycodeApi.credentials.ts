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
import { tokenEndpointFailure } from '../nodes/shared/token-endpoint';
import { checkBaseUrl, requestTarget, unsafeRequestUrl } from '../nodes/shared/url';

export const SANDBOX_PASSPORT_TOKEN_URL = 'https://sandbox.interswitchng.com/passport/oauth/token';

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
			displayName: 'Context URL',
			name: 'contextUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://sandbox.interswitchng.com/api/v1',
			description:
				'The base address Interswitch gave you for the Paycode API; /pwm/bulk/tokens/comprehensive/status is appended to it. Must start with https:// (plain http:// only for localhost).',
		},
		{
			displayName: 'Front-End Partner ID',
			name: 'frontEndPartnerId',
			type: 'string',
			default: '',
			placeholder: '455',
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
			default: SANDBOX_PASSPORT_TOKEN_URL,
			description:
				'Where access tokens come from (OAuth2 client credentials). The default is the sandbox Passport; production uses a different host, which Interswitch gives you with your production client.',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'profile',
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
		const tokenUrl = checkBaseUrl(credentials.passportTokenUrl, 'Passport Token URL');
		if (!tokenUrl.ok) throw new Error(tokenUrl.problem);
		const clientId = String(credentials.clientId ?? '');
		const clientSecret = String(credentials.clientSecret ?? '');
		const form = new URLSearchParams({ grant_type: 'client_credentials' });
		const scope = String(credentials.scope ?? '').trim();
		if (scope !== '') form.set('scope', scope);
		const host = new URL(tokenUrl.url).host;
		// Failures carry the token endpoint's host, so the node names Passport, not the Paycode API.
		const failure = (message: string, code?: string) => tokenEndpointFailure(message, host, code);

		const key = renewalKey([tokenUrl.url, clientId, clientSecret, scope]);
		const reused = recentRenewal(key, credentials.accessToken);
		if (reused !== undefined) return { ...reused };

		let answer: { statusCode: number; body: unknown };
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
				timeout: 30_000,
				encoding: 'text',
				json: false,
			})) as { statusCode: number; body: unknown };
		} catch (error) {
			// A transport code keeps the failure retryable by the node, like any network failure.
			const code =
				(error as { code?: unknown; cause?: { code?: unknown } }).code ??
				(error as { cause?: { code?: unknown } }).cause?.code;
			throw failure(
				`Interswitch Passport could not be reached at ${host}`,
				typeof code === 'string' ? code : 'EPASSPORT_UNAVAILABLE',
			);
		}
		const body = parsePassport(answer.body);
		const { statusCode } = answer;
		if (statusCode >= 500 || statusCode === 429) {
			throw failure(
				`Interswitch Passport at ${host} is unavailable (HTTP ${statusCode})`,
				'EPASSPORT_UNAVAILABLE',
			);
		}
		const reason = [body?.error, body?.error_description]
			.filter((part) => typeof part === 'string' && part !== '')
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
		const expiresIn = Number(body.expires_in);
		const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 3599_000;
		// Renew 30 s before Passport's expiry, or halfway through a lifetime shorter than a minute.
		const usableMs = Math.max(lifetimeMs / 2, lifetimeMs - TOKEN_RENEWAL_MARGIN_MS);
		const renewed = { accessToken: body.access_token, validUntil: Date.now() + usableMs };
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
					clientId: String(credentials.clientId ?? ''),
					clientSecret: String(credentials.clientSecret ?? ''),
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
			...['invalid_token', 'unauthorized'].map((value) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'error',
					value,
					message:
						'Interswitch rejected the access token from Passport. Check that the Passport Token URL and the Context URL belong to the same environment (sandbox or production).',
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
