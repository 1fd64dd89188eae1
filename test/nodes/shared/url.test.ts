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
