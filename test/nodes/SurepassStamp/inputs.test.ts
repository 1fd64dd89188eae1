import { checkBulkOrderId, checkBulkOrderInput } from '../../../nodes/SurepassStamp/inputs';

const SEED_ID = 'bulk_stamp_v2_vomMHvHnecrlzTPRtyL';
const WHAT_TO_DO =
	'Enter or map the bulk order ID Surepass returned when the bulk stamp order was created, e.g. bulk_stamp_v2_vomMHvHnecrlzTPRtyL.';

describe('checkBulkOrderId', () => {
	test('a bulk order ID is fine', () => expect(checkBulkOrderId(SEED_ID)).toBeUndefined());
	test('empty', () => expect(checkBulkOrderId('')).toBe('The Bulk Order ID is empty'));
	test('a single stamp ID says exactly that', () =>
		expect(checkBulkOrderId('stamp_v2_ltIyIpbNoVxnc')).toBe(
			'"stamp_v2_ltIyIpbNoVxnc" is the ID of a single stamp, not of a bulk order: enter the bulk order ID, which starts with "bulk_stamp_v2_"',
		));
});

describe('checkBulkOrderInput: the parameter as n8n evaluated it', () => {
	test('text is trimmed and kept', () => {
		expect(checkBulkOrderInput(`  ${SEED_ID}\n`)).toEqual({ ok: true, value: SEED_ID });
	});

	test('empty, null and undefined are an empty ID, with what to do', () => {
		for (const value of ['', '   ', null, undefined]) {
			expect(checkBulkOrderInput(value)).toEqual({
				ok: false,
				problem: 'The Bulk Order ID is empty',
				description: WHAT_TO_DO,
			});
		}
	});

	test('a list or an object mapped in is refused as not an ID', () => {
		expect(checkBulkOrderInput([SEED_ID, SEED_ID])).toEqual({
			ok: false,
			problem:
				'The Bulk Order ID is a list of 2 value(s), not an ID: map one ID (text) per input item',
			description: WHAT_TO_DO,
		});
		expect(checkBulkOrderInput({ id: SEED_ID })).toMatchObject({
			ok: false,
			problem: expect.stringContaining('is an object, not an ID'),
		});
	});

	test('a line break inside the ID is refused with its position', () => {
		expect(checkBulkOrderInput(`bulk_stamp_v2_a\nb`)).toMatchObject({
			ok: false,
			problem:
				'The Bulk Order ID contains a line break or another control character (U+000A) at position 16: check what is mapped into it',
		});
	});

	test('a single stamp ID is refused, saying it is one', () => {
		expect(checkBulkOrderInput('stamp_v2_ltIyIpbNoVxnc')).toMatchObject({
			ok: false,
			problem: expect.stringContaining('is the ID of a single stamp'),
		});
	});
});
