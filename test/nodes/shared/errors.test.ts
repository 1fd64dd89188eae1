import { NodeApiError } from 'n8n-workflow';

import { toNodeApiError } from '../../../nodes/shared/errors';
import { redact, redactError, RunSecrets } from '../../../nodes/shared/secrets';

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
