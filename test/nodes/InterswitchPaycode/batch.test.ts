/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
import { createHash } from 'crypto';

import seedNoRecord from '../../fixtures/interswitch/seed-no-record.json';
import seedSample from '../../fixtures/interswitch/seed-sample.json';
import { interpretStatus, statusRequest } from '../../../nodes/InterswitchPaycode/api';
import {
	formatNaira,
	koboToNaira,
	parseBatchStatus,
	routeBatch,
} from '../../../nodes/InterswitchPaycode/batch';
import { InterswitchPaycode } from '../../../nodes/InterswitchPaycode/InterswitchPaycode.node';
import {
	computeSignature,
	percentEncode,
	signatureBaseString,
	signatureHeaders,
} from '../../../nodes/shared/signature';
import type { HttpResponse } from '../../../nodes/shared/transport';

function parsed(body: unknown, reference = '123456') {
	const result = parseBatchStatus(body, reference);
	if (!result.ok) throw new Error(result.problem);
	return result.batch;
}

const response = (status: number, body: unknown): HttpResponse => ({
	kind: 'response',
	status,
	headers: { 'content-type': 'application/json' },
	body: JSON.stringify(body),
	attempts: 1,
});

describe('parseBatchStatus with the seed sample', () => {
	test('10 successful tokens, amounts in kobo as exact integers, ₦43,000.00 in total', () => {
		const batch = parsed(seedSample);
		expect(batch.batchReference).toBe('123456');
		expect(batch.successful).toHaveLength(10);
		expect(batch.failed).toEqual([]);
		expect(batch.successful[0]).toEqual({
			beneficiaryNumber: '08021111111',
			amountKobo: 400000,
			surchargeKobo: 0,
			oneTimePin: '4321',
		});
		expect(batch.summary).toEqual({
			numberOfSuccessful: 10,
			numberOfFailed: 0,
			amountOfSuccessfulKobo: 4300000,
			amountOfFailedKobo: 0,
		});
		expect(batch.warnings).toEqual([]);
		expect(formatNaira(batch.summary.amountOfSuccessfulKobo)).toBe('₦43,000.00');
	});
});

describe('parseBatchStatus tolerance', () => {
	const token = {
		surcharge: '',
		amount: '400000',
		beneficiaryNumber: '08021111111',
		oneTimePin: '4321',
	};
	test('the failed list is read as "failed" or "Failed"; a missing list is empty', () => {
		expect(parsed({ successful: [], Failed: [token] }).failed).toHaveLength(1);
		expect(parsed({ failed: [token] }).failed).toHaveLength(1);
		expect(parsed({ summary: { batchReference: '123456' } }).successful).toEqual([]);
	});

	test('numeric strings become integers without floating-point loss', () => {
		const big = parsed({ successful: [{ ...token, amount: '9007199254740991', surcharge: '15' }] });
		expect(big.successful[0]).toMatchObject({ amountKobo: 9007199254740991, surchargeKobo: 15 });
		expect(parsed({ successful: [{ ...token, amount: 12345 }] }).successful[0].amountKobo).toBe(
			12345,
		);
	});

	test.each([
		[
			{ successful: [{ ...token, amount: '4000.50' }] },
			'"successful[0].amount" is not a whole number of kobo ("4000.50")',
		],
		[
			{ successful: [token, { ...token, amount: 'abc' }] },
			'"successful[1].amount" is not a whole number of kobo ("abc")',
		],
		[
			{ Failed: [{ ...token, amount: '9007199254740993' }] },
			'"Failed[0].amount" is not a whole number of kobo ("9007199254740993")',
		],
		[
			{ successful: [{ ...token, surcharge: 'n/a' }] },
			'"successful[0].surcharge" is not a whole number of kobo ("n/a")',
		],
		[{ successful: 'none' }, '"successful" is a JSON string, expected a list of tokens'],
		[
			{ successful: [{ ...token, oneTimePin: { pin: '4321' } }] },
			'"successful[0].oneTimePin" is a JSON object, expected a PIN',
		],
		[[], 'the body is a JSON array, expected a JSON object'],
	])('unreadable: %j', (body, problem) => {
		expect(parseBatchStatus(body, '123456')).toEqual({ ok: false, problem });
	});

	test('a PIN never appears in a problem', () => {
		const result = parseBatchStatus({ successful: [{ ...token, oneTimePin: ['98765'] }] }, '1');
		expect(JSON.stringify(result)).not.toContain('98765');
	});

	test('summary counts that disagree with the lists: the lists win and the batch says so', () => {
		const batch = parsed({
			summary: {
				batchReference: '123456',
				numberOfSuccessful: '3',
				numberOfFailed: 'x',
				amountOfSuccessful: '1',
				amountOfFailed: '0',
			},
			successful: [token],
		});
		expect(batch.summary).toEqual({
			numberOfSuccessful: 1,
			numberOfFailed: 0,
			amountOfSuccessfulKobo: 400000,
			amountOfFailedKobo: 0,
		});
		expect(batch.warnings).toEqual([
			"Interswitch's summary says 3 successful tokens but the lists hold 1; the lists are used",
			'"summary.numberOfFailed" is not a whole number ("x"); the lists were counted instead',
			"Interswitch's summary says 1 kobo in successful tokens but the lists hold 400000; the lists are used",
		]);
	});

	test('kobo to naira is exact', () => {
		expect(koboToNaira(400000)).toBe(4000);
		expect(koboToNaira(4300001)).toBe(43000.01);
		expect(formatNaira(123456789)).toBe('₦1,234,567.89');
		expect(formatNaira(5)).toBe('₦0.05');
	});
});

describe('routeBatch', () => {
	const options = { mode: 'perToken' as const, pins: 'include' as const, frontEndPartnerId: '455' };
	test('a batch that lists nothing still yields one Pending item', () => {
		expect(
			routeBatch(parsed({ summary: { batchReference: '9' }, successful: [] }, '9'), options),
		).toEqual([
			[
				{
					batchReference: '9',
					frontEndPartnerId: '455',
					status: 'pending',
					expectedCount: null,
					generatedCount: 0,
					outstandingCount: null,
					note: 'Interswitch lists no tokens for this batch yet',
					summary: expect.objectContaining({ numberOfSuccessful: 0 }),
				},
			],
			[],
			[],
		]);
	});

	test('more tokens than expected is flagged on every token', () => {
		const outputs = routeBatch(parsed(seedSample), { ...options, expectedCount: 8 });
		expect(outputs[0]).toEqual([]);
		expect(outputs[1][0].warnings).toEqual([
			'Interswitch lists 10 tokens, more than the 8 expected',
		]);
	});

	test('the PIN fields the node declares sensitive are where the PINs are, in both output modes', () => {
		const { sensitiveOutputFields } = new InterswitchPaycode().description;
		expect(sensitiveOutputFields).toEqual(['oneTimePin', 'tokens[*].oneTimePin']);
		// The same walk n8n's redaction does: "a.b" descends, "a[*].b" descends into each element.
		const redact = (json: Record<string, unknown>, path: string) => {
			const walk = (node: unknown, segments: string[]): void => {
				if (typeof node !== 'object' || node === null) return;
				const [head, ...rest] = segments;
				const record = node as Record<string, unknown>;
				if (rest.length === 0) {
					if (head in record) record[head] = { __redacted: true };
					return;
				}
				if (head.endsWith('[*]')) {
					const list = record[head.slice(0, -3)];
					if (Array.isArray(list)) list.forEach((element) => walk(element, rest));
					return;
				}
				walk(record[head], rest);
			};
			walk(json, path.split('.'));
		};
		for (const mode of ['perToken', 'perBatch'] as const) {
			const items = routeBatch(parsed(seedSample), { ...options, mode }).flat();
			for (const item of items) for (const path of sensitiveOutputFields!) redact(item, path);
			expect(JSON.stringify(items)).not.toMatch(/4321|"1234"/);
		}
	});
});

describe('InterswitchAuth signature', () => {
	const url =
		'https://sandbox.interswitchng.com/api/v1/pwm/bulk/tokens/comprehensive/status?referenceId=123456&frontEndPartner=455';
	const input = {
		method: 'GET',
		url,
		timestamp: 1763719200,
		nonce: '8c2f3a1b9d4e4f6a8b7c6d5e4f3a2b1c',
		clientId: 'IKIAF6C068791F465D2A2AA1A3FE88343B9951BAC9C3',
		clientSecret: 'FTbMeBD7MtkGBQJw1XoM74NaikuPL13Sxko1zb0DMjI=',
	};
	// Written out by hand from the documented formula, not with the code under test.
	const base =
		'GET&https%3A%2F%2Fsandbox.interswitchng.com%2Fapi%2Fv1%2Fpwm%2Fbulk%2Ftokens%2Fcomprehensive%2Fstatus%3FreferenceId%3D123456%26frontEndPartner%3D455&1763719200&8c2f3a1b9d4e4f6a8b7c6d5e4f3a2b1c&IKIAF6C068791F465D2A2AA1A3FE88343B9951BAC9C3&FTbMeBD7MtkGBQJw1XoM74NaikuPL13Sxko1zb0DMjI=';

	test('the base string follows METHOD&url&timestamp&nonce&clientId&clientSecret', () => {
		expect(signatureBaseString({ ...input, signatureMethod: 'SHA512' })).toBe(base);
	});

	test.each([
		['SHA512', 'sha512'],
		['SHA1', 'sha1'],
	] as const)('%s', (signatureMethod, algorithm) => {
		const expected = createHash(algorithm).update(base, 'utf8').digest('base64');
		expect(computeSignature({ ...input, signatureMethod })).toBe(expected);
		expect(
			signatureHeaders(
				{
					method: 'GET',
					url,
					clientId: input.clientId,
					clientSecret: input.clientSecret,
					signatureMethod,
				},
				1763719200_999,
				input.nonce,
			),
		).toEqual({
			Timestamp: '1763719200',
			Nonce: input.nonce,
			SignatureMethod: signatureMethod,
			Signature: expected,
		});
	});

	test('percent-encoding is RFC 3986', () => {
		expect(percentEncode("a b!'()*~_-.")).toBe('a%20b%21%27%28%29%2A~_-.');
	});
});

describe('statusRequest and interpretStatus', () => {
	test('every value is percent-encoded into the query, so no parameter can be added or changed', () => {
		expect(statusRequest('https://x.example/api/v1', '12&frontEndPartner=1', '455#x').url).toBe(
			'https://x.example/api/v1/pwm/bulk/tokens/comprehensive/status?referenceId=12%26frontEndPartner%3D1&frontEndPartner=455%23x',
		);
	});

	test("the seed's 401 body is a 10904 business error, not an authorization failure", () => {
		const outcome = interpretStatus(
			response(401, seedNoRecord),
			{ referenceId: '123456778', frontEndPartnerId: '455' },
			'https://x.example',
		);
		expect(outcome).toEqual({
			ok: false,
			noRecord: true,
			failure: {
				httpCode: 401,
				vendorCode: '10904',
				vendorMessage:
					'No record of batch with provided reference Id – 123456778 for the front end partner – 455',
				message:
					'Interswitch has no batch with reference "123456778" for front-end partner "455" (10904)',
				description: expect.stringMatching(/Treat No Record of Batch as Pending/),
			},
		});
	});

	test('a 401 without a business code is a rejected token', () => {
		const outcome = interpretStatus(
			response(401, { error: 'invalid_token', error_description: 'Access token expired' }),
			{ referenceId: '1', frontEndPartnerId: '455' },
			'https://x.example',
		);
		expect(outcome).toMatchObject({
			ok: false,
			tokenRejected: true,
			failure: {
				message: 'Interswitch rejected the access token (HTTP 401: Access token expired)',
			},
		});
	});

	test('Passport being down is named as such', () => {
		const outcome = interpretStatus(
			{
				kind: 'network',
				reason: 'connection',
				code: 'EPASSPORT_UNAVAILABLE',
				detail: 'Interswitch Passport at passport.example is unavailable (HTTP 503)',
				attempts: 4,
				stage: 'token',
				tokenHost: 'passport.example',
			},
			{ referenceId: '1', frontEndPartnerId: '455' },
			'https://x.example',
		);
		expect(outcome).toMatchObject({
			ok: false,
			failure: {
				message: 'Interswitch Passport at passport.example is unavailable (HTTP 503) (4 attempts)',
			},
		});
	});
});
