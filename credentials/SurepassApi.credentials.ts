import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { requestTarget, unsafeRequestUrl } from '../nodes/shared/url';

/** An order ID that cannot exist: an accepted token gets "not found" for it, a rejected one 401. */
export const SUREPASS_PROBE_ORDER_ID = 'bulk_stamp_v2_n8n_credential_test';

export class SurepassApi implements ICredentialType {
	name = 'surepassApi';

	displayName = 'Surepass API';

	icon: Icon = {
		light: 'file:../nodes/SurepassStamp/surepass.svg',
		dark: 'file:../nodes/SurepassStamp/surepass.dark.svg',
	};

	documentationUrl =
		'https://www.npmjs.com/package/n8n-nodes-surepass-interswitch#surepass-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The API token (a JWT) Surepass issued for your account. Sandbox and production have different tokens.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Production',
					value: 'production',
					description: 'https://kyc-api.surepass.app',
				},
				{
					name: 'Sandbox',
					value: 'sandbox',
					description: 'https://sandbox.surepass.app (uses trial credits)',
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'Another base URL, such as an older .io host or the local API emulator',
				},
			],
			default: 'production',
			description: 'Which Surepass environment the token belongs to',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://kyc-api.surepass.io',
			required: true,
			displayOptions: { show: { environment: ['custom'] } },
			description:
				'The address the API paths are appended to. Must start with https://; plain http:// is accepted only for localhost.',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 100,
			description:
				'How many requests every workflow using this credential may send to Surepass in any minute, together, in this n8n process. Surepass allows 100 a minute unless agreed otherwise. With several n8n workers, divide it among them. 0: no limit.',
		},
		{
			// The window the rate counts requests in; only tests and benchmarks shorten it, to run fast.
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindowSeconds',
			type: 'hidden',
			default: 60,
		},
	];

	/**
	 * Adds the Bearer token. It refuses to attach the token to anything but https (or loopback),
	 * whatever the caller built, so a mistyped Base URL cannot send the token in clear text.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const unsafe = unsafeRequestUrl(requestTarget(requestOptions), 'Surepass Base URL');
		if (unsafe !== undefined) throw new Error(unsafe);
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				// Trimmed: a token pasted with a trailing newline or space is the same token.
				Authorization: `Bearer ${String(credentials.token ?? '').trim()}`,
			},
		};
	}

	// There is no "who am I" endpoint: the test asks for an order that cannot exist. An accepted
	// token gets a not-found (or any non-auth) answer; a rejected one gets 401 or 403. n8n's tester
	// hands the rules the response body, so they read the Surepass envelope's own status fields.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.environment === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "") : ($credentials.environment === "sandbox" ? "https://sandbox.surepass.app" : "https://kyc-api.surepass.app") }}',
			url: '/api/v1/stamper-v2/bulk-stamp-order-summary',
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: { client_id: SUREPASS_PROBE_ORDER_ID },
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		},
		rules: [
			// n8n's tester hands the rules the body only, never the status. Every answer of Surepass's
			// API is a JSON object; a body that is text (a redirect, a web page, nothing) is not the
			// API, and a run would fail there too ("answered with a redirect", "an HTML page").
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'constructor.name',
					value: 'String',
					message:
						'Surepass did not answer at this address the way its API does: no JSON came back (a redirect, a web page or an empty answer). Check the Environment and, for Custom, the Base URL.',
				},
			},
			...[
				['status_code', 401],
				['message_code', 'unauthorized'],
				['message_code', 'authentication_failed'],
				['error', 'unauthorized'],
			].map(([key, value]) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: key as string,
					value,
					message:
						'Surepass rejected the token (HTTP 401). Check the token, and that the Environment matches it: sandbox and production tokens differ.',
				},
			})),
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status_code',
					value: 403,
					message: 'Surepass refused this token (HTTP 403). Check the token and the Environment.',
				},
			},
			...[429, 500, 502, 503, 504].map((status) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'status_code',
					value: status,
					message: `Surepass could not check the token right now (HTTP ${status}). Try again in a minute.`,
				},
			})),
		],
	};
}
