import { NodeApiError } from 'n8n-workflow';

import { toNodeApiError } from '../../../nodes/shared/errors';
import { redact, redactError, RunSecrets } from '../../../nodes/shared/secrets';
import { toNonNegativeInteger } from '../../../nodes/shared/numbers';
import { requestSettingsOptions } from '../../../nodes/shared/settings';
import { DEFAULT_CONCURRENCY, RULES } from '../../../nodes/shared/settings';
import {
	DEFAULT_RETRY_POLICY,
	networkErrorCode,
	parseRetryAfter,
} from '../../../nodes/shared/transport';
import {
	checkBaseUrl,
	isLoopbackHost,
	requestTarget,
	unsafeRequestUrl,
} from '../../../nodes/shared/url';

describe('checkBaseUrl', () => {
	test.each([
		['https://kyc-api.surepass.io', 'https://kyc-api.surepass.io'],
		['https://kyc-api.surepass.io///', 'https://kyc-api.surepass.io'],
		['  https://sandbox.interswitchng.com/api/v1/ ', 'https://sandbox.interswitchng.com/api/v1'],
		['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
		['http://localhost:3000', 'http://localhost:3000'],
		['http://[::1]:3000', 'http://[::1]:3000'],
	])('accepts %j', (raw, url) => expect(checkBaseUrl(raw, 'Base URL')).toEqual({ ok: true, url }));

	test.each([
		['', 'The Base URL is empty: enter the full address, starting with https://'],
		[
			'kyc-api.surepass.io',
			'The Base URL "kyc-api.surepass.io" is not a valid address: enter the full address, starting with https://',
		],
		[
			'http://kyc-api.surepass.io',
			'The Base URL uses plain http:// to kyc-api.surepass.io: use https:// (plain http is only allowed for localhost, such as the local API emulator)',
		],
		[
			'http://10.0.0.5',
			'The Base URL uses plain http:// to 10.0.0.5: use https:// (plain http is only allowed for localhost, such as the local API emulator)',
		],
		[
			'https://user:pass@kyc-api.surepass.io',
			expect.stringMatching(/^The Base URL must not contain a user name or password/),
		],
		['ftp://kyc-api.surepass.io', 'The Base URL must start with https:// (got ftp://)'],
		[
			'https://kyc-api.surepass.io/?x=1',
			'The Base URL must not contain "?" or "#": enter only the base address',
		],
	])('refuses %j', (raw, problem) =>
		expect(checkBaseUrl(raw, 'Base URL')).toEqual({ ok: false, problem }),
	);

	test('loopback hosts', () => {
		expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].every(isLoopbackHost)).toBe(true);
		// A name under .localhost is resolved like any other name: not necessarily this machine.
		expect(
			[
				'localhost.example.com',
				'app.localhost',
				'evil.localhost',
				'128.0.0.1',
				'0.0.0.0',
				'10.0.0.1',
			].some(isLoopbackHost),
		).toBe(false);
	});

	test('request targets are checked as sent', () => {
		expect(requestTarget({ baseURL: 'https://a.example/api/', url: '/x' })).toBe(
			'https://a.example/api/x',
		);
		expect(requestTarget({ url: 'https://a.example/x' })).toBe('https://a.example/x');
		expect(unsafeRequestUrl('https://a.example/x', 'URL')).toBeUndefined();
		expect(unsafeRequestUrl('http://a.example/x', 'URL')).toMatch(/uses plain http/);
	});
});

describe('transport helpers', () => {
	test('Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-11-21T10:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});

	test('network codes are found anywhere in the cause chain', () => {
		expect(networkErrorCode({ message: 'x', cause: { code: 'ECONNRESET' } })).toBe('ECONNRESET');
		expect(networkErrorCode({ code: 'ERR_BAD_RESPONSE', cause: { code: 'ECONNREFUSED' } })).toBe(
			'ECONNREFUSED',
		);
		expect(networkErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
		expect(networkErrorCode(new Error('The Base URL uses plain http://'))).toBeUndefined();
	});

	test('the options collection shows the same defaults the code uses', () => {
		const defaults = Object.fromEntries(
			requestSettingsOptions('X').map((option) => [option.name, option.default]),
		);
		expect(defaults).toEqual({
			maxConcurrency: DEFAULT_CONCURRENCY,
			timeoutMs: DEFAULT_RETRY_POLICY.timeoutMs,
			maxRetries: DEFAULT_RETRY_POLICY.maxRetries,
			retryDelayMs: DEFAULT_RETRY_POLICY.initialDelayMs,
			maxResponseMb: DEFAULT_RETRY_POLICY.maxResponseBytes / (1024 * 1024),
		});
		expect(DEFAULT_CONCURRENCY).toBeLessThanOrEqual(5);
	});

	test("the editor's ranges are the ranges the code checks (an expression cannot step outside them)", () => {
		for (const option of requestSettingsOptions('X')) {
			const rule = RULES[option.name as keyof typeof RULES];
			expect([option.name, option.typeOptions?.minValue, option.typeOptions?.maxValue]).toEqual([
				option.name,
				rule.min,
				rule.max,
			]);
		}
	});
});

describe('numbers', () => {
	test.each([
		[0, 0],
		[12, 12],
		['10', 10],
		[' 4300000 ', 4300000],
		['9007199254740991', 9007199254740991],
	])('%j is %j', (value, expected) => expect(toNonNegativeInteger(value)).toBe(expected));
	test.each([[-1], [1.5], ['1.5'], ['1e3'], [''], ['abc'], ['9007199254740993'], [null], [true]])(
		'%j is not a count',
		(value) => expect(toNonNegativeInteger(value)).toBeUndefined(),
	);
});

describe('errors', () => {
	const node = {
		id: '1',
		name: 'N',
		type: 't',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
	};
	test('secrets are scrubbed from every text of a NodeApiError', () => {
		const error = toNodeApiError(
			node,
			{
				message: 'bad token abcd1234',
				description: 'token abcd1234 failed',
				vendorCode: 'x',
				vendorMessage: 'echo abcd1234',
				httpCode: 401,
			},
			3,
		);
		redactError(error, ['abcd1234']);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('bad token [redacted]');
		expect(error.description).toBe('token [redacted] failed');
		expect(error.httpCode).toBe('401');
		expect(error.context).toMatchObject({ itemIndex: 3, vendorCode: 'x' });
		expect(JSON.stringify(error)).not.toContain('abcd1234');
		expect(String(error.stack)).not.toContain('abcd1234');
	});
	test('redact leaves text without secrets alone', () =>
		expect(redact('hello', ['abcd'])).toBe('hello'));
	test('a run knows the forms a credential travels in: Basic base64, percent-encoded, JSON-escaped', () => {
		const secrets = new RunSecrets();
		secrets.addCredentials({
			clientId: 'IKIA-1',
			clientSecret: 's3cr3t/+=?"',
			accessToken: 'tok-123456',
		});
		const basic = Buffer.from('IKIA-1:s3cr3t/+=?"').toString('base64');
		expect(secrets.list()).toEqual(
			expect.arrayContaining([
				's3cr3t/+=?"',
				encodeURIComponent('s3cr3t/+=?"'),
				's3cr3t/+=?\\"',
				'tok-123456',
				basic,
			]),
		);
		expect(redact(`Authorization: Basic ${basic}; Bearer tok-123456`, secrets.list())).toBe(
			'Authorization: Basic [redacted]; Bearer [redacted]',
		);
	});
});
