import {
	downloadLink,
	isPdf,
	parseStampDetails,
	pdfFileName,
} from '../../../nodes/SurepassStamp/stamp';
import type { StampDetails } from '../../../nodes/SurepassStamp/stamp';

const FETCHED = new Date('2026-12-01T10:00:00.000Z');

/** The order-status `data` Surepass's page shows, for one available stamp. */
const DOCUMENTED = {
	client_id: 'stamp_v2_KcWmPXsTyhQdnRbLzAeF',
	stamp_id: 'IN-DL12345678901234A',
	created_at: '2025-11-18T10:15:00.000Z',
	amount: 40,
	consideration_amount: 1,
	first_party: 'ABC Pvt Ltd',
	second_party: 'Borrower',
	article_id: 22128,
	state: 'DL',
	description: 'Estamp',
	status: 'available',
	on_hold: false,
	link: 'https://surepass-esign.s3.amazonaws.com/stamp.pdf?X-Amz-Expires=600',
	certificate_details: [
		{ certificate_number: 'IN-DL-1', issue_date: '2025-11-18', denomination: 40, extra: 'x' },
	],
};

const stamp = (overrides: Partial<StampDetails> = {}): StampDetails => {
	const parsed = parseStampDetails(DOCUMENTED, DOCUMENTED.client_id, FETCHED);
	if (!parsed.ok) throw new Error(parsed.problem);
	return { ...parsed.stamp, ...overrides };
};

describe('parseStampDetails: the order-status answer as an item', () => {
	test('the documented fields, in the node spelling, with when the link was fetched', () => {
		expect(parseStampDetails(DOCUMENTED, DOCUMENTED.client_id, FETCHED)).toEqual({
			ok: true,
			stamp: {
				stampId: 'stamp_v2_KcWmPXsTyhQdnRbLzAeF',
				stampNumber: 'IN-DL12345678901234A',
				status: 'available',
				onHold: false,
				amount: 40,
				considerationAmount: 1,
				firstParty: 'ABC Pvt Ltd',
				secondParty: 'Borrower',
				state: 'DL',
				articleId: '22128',
				description: 'Estamp',
				createdAt: '2025-11-18T10:15:00.000Z',
				certificateDetails: [
					{ certificateNumber: 'IN-DL-1', issueDate: '2025-11-18', denomination: 40, extra: 'x' },
				],
				link: DOCUMENTED.link,
				linkFetchedAt: '2026-12-01T10:00:00.000Z',
			},
		});
	});

	test('drift: a capitalised status is read, an unknown one kept with a warning, amounts as strings read', () => {
		const read = (data: Record<string, unknown>) => {
			const parsed = parseStampDetails({ ...DOCUMENTED, ...data }, DOCUMENTED.client_id, FETCHED);
			if (!parsed.ok) throw new Error(parsed.problem);
			return parsed.stamp;
		};
		expect(read({ status: 'Available' }).status).toBe('available');
		expect(read({ status: 'Expired' })).toMatchObject({
			status: 'expired',
			warnings: ['Surepass gave the status "Expired", which it does not document'],
		});
		expect(read({ amount: '40', consideration_amount: 'n/a' })).toMatchObject({
			amount: 40,
			considerationAmount: null,
		});
		expect(read({ link: '', status: 'pending' })).toMatchObject({
			link: null,
			linkFetchedAt: null,
		});
	});

	test('refused: not an object, no status, the answer for another stamp', () => {
		expect(parseStampDetails([], 'stamp_v2_a')).toEqual({
			ok: false,
			problem: '"data" is a JSON array, expected the stamp',
		});
		expect(parseStampDetails({ client_id: 'stamp_v2_a' }, 'stamp_v2_a')).toMatchObject({
			ok: false,
			problem: expect.stringContaining('"data.status"'),
		});
		expect(parseStampDetails({ ...DOCUMENTED }, 'stamp_v2_other')).toEqual({
			ok: false,
			problem: `Surepass answered with client_id "${DOCUMENTED.client_id}" for the stamp "stamp_v2_other"`,
		});
	});
});

describe('downloadLink: what may be downloaded, from where', () => {
	const PRODUCTION = 'https://kyc-api.surepass.app';
	const EMULATOR = 'http://127.0.0.1:5678';

	test('an available stamp with an https link', () => {
		expect(downloadLink(stamp(), PRODUCTION)).toEqual({ ok: true, url: DOCUMENTED.link });
	});

	test('https to a public host only; plain http nowhere but to this machine, during development', () => {
		expect(downloadLink(stamp({ link: 'http://127.0.0.1:5678/s.pdf' }), EMULATOR)).toEqual({
			ok: true,
			url: 'http://127.0.0.1:5678/s.pdf',
		});
		for (const base of [PRODUCTION, EMULATOR])
			expect(downloadLink(stamp({ link: 'http://files.example.com/s.pdf' }), base)).toMatchObject({
				ok: false,
				problem: expect.stringContaining('is not https (http://files.example.com)'),
			});
		expect(
			downloadLink(stamp({ link: 'ftp://files.example.com/s.pdf' }), PRODUCTION),
		).toMatchObject({ ok: false });
		expect(
			downloadLink(stamp({ link: 'https://user:pw@files.example.com/s.pdf' }), PRODUCTION),
		).toMatchObject({
			ok: false,
			problem: expect.stringContaining('user name or password'),
		});
		expect(downloadLink(stamp({ link: 'not a url' }), PRODUCTION)).toMatchObject({
			ok: false,
			problem: expect.stringContaining('is not a valid address'),
		});
	});

	test('a link to this machine or a private network is refused unless the Base URL is on this machine', () => {
		const internal = [
			'http://127.0.0.1:5678/rest/settings',
			'https://127.0.0.1/s.pdf',
			'http://localhost:5679/',
			'https://files.localhost/s.pdf',
			'http://[::1]/s.pdf',
			'https://[::ffff:127.0.0.1]/s.pdf',
			'https://[::ffff:7f00:1]/s.pdf',
			'http://2130706433/s.pdf',
			'https://0x7f.1/s.pdf',
			'http://0.0.0.0:5678/',
			'https://10.1.2.3/s.pdf',
			'https://172.16.0.1/s.pdf',
			'https://172.31.255.255/s.pdf',
			'https://192.168.1.10/s.pdf',
			'https://100.64.0.1/s.pdf',
			'http://169.254.169.254/latest/meta-data/',
			'https://[fd00::1]/s.pdf',
			'https://[fe80::1]/s.pdf',
		];
		for (const link of internal) {
			const check = downloadLink(stamp({ link }), PRODUCTION);
			expect({ link, check }).toMatchObject({
				link,
				check: {
					ok: false,
					problem: expect.stringContaining('points at this machine or a private network'),
				},
			});
			// With the Base URL on this machine (the emulator), such a link is development.
			expect(downloadLink(stamp({ link }), EMULATOR)).toEqual({ ok: true, url: link });
		}
		for (const link of [
			'https://172.32.0.1/s.pdf',
			'https://11.0.0.1/s.pdf',
			'https://[2001:db8::1]/s.pdf',
			'https://storage.example.com/s.pdf',
		])
			expect(downloadLink(stamp({ link }), PRODUCTION)).toEqual({ ok: true, url: link });
	});

	test('a stamp that is not available says its status', () => {
		for (const [status, said] of [
			['pending', '"pending"'],
			['on_hold', 'on hold'],
			['used', '"used"'],
		]) {
			const check = downloadLink(stamp({ status }), 'https://kyc-api.surepass.app');
			expect(check).toMatchObject({ ok: false });
			if (!check.ok) expect(check.problem).toContain(`is ${said}, not available`);
		}
		expect(downloadLink(stamp({ link: null }), 'https://kyc-api.surepass.app')).toMatchObject({
			ok: false,
			problem: expect.stringContaining('gave no download link'),
		});
	});
});

describe('files', () => {
	test('a PDF is known by its signature, not by what the server calls it', () => {
		expect(isPdf(Buffer.from('%PDF-1.7\n...'))).toBe(true);
		expect(isPdf(Buffer.from('\n\n%PDF-1.4'))).toBe(true);
		expect(isPdf(Buffer.from('<!doctype html>'))).toBe(false);
		expect(isPdf(Buffer.alloc(0))).toBe(false);
	});

	test('the file name is the stamp ID, safe for any file system', () => {
		expect(pdfFileName('stamp_v2_KcWm')).toBe('stamp_v2_KcWm.pdf');
		expect(pdfFileName('stamp_v2_../../x y')).toBe('stamp_v2_.._.._x_y.pdf');
	});
});
