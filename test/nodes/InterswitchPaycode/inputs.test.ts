import type { BatchQueryInput } from '../../../nodes/InterswitchPaycode/inputs';
import { checkBatchQuery } from '../../../nodes/InterswitchPaycode/inputs';

const input = (overrides: Partial<BatchQueryInput> = {}): BatchQueryInput => ({
	referenceId: '123456',
	frontEndPartnerId: '',
	expectedTokenCount: 0,
	credentialPartnerId: '455',
	waitForCompletion: false,
	...overrides,
});

describe('checkBatchQuery', () => {
	test("the seed's batch, with the credential's partner", () => {
		expect(checkBatchQuery(input())).toEqual({
			ok: true,
			value: { referenceId: '123456', frontEndPartnerId: '455', expectedCount: undefined },
		});
	});

	test("the node's partner wins over the credential's; values are trimmed", () => {
		expect(checkBatchQuery(input({ referenceId: ' REF-1 ', frontEndPartnerId: ' IFIS ' }))).toEqual(
			{
				ok: true,
				value: { referenceId: 'REF-1', frontEndPartnerId: 'IFIS', expectedCount: undefined },
			},
		);
	});

	test('an expected count as a number or as numeric text; 0, empty and null mean unknown', () => {
		expect(checkBatchQuery(input({ expectedTokenCount: 10 }))).toMatchObject({
			ok: true,
			value: { expectedCount: 10 },
		});
		expect(checkBatchQuery(input({ expectedTokenCount: '12' }))).toMatchObject({
			ok: true,
			value: { expectedCount: 12 },
		});
		for (const unknown of [0, '', null, undefined]) {
			expect(checkBatchQuery(input({ expectedTokenCount: unknown }))).toMatchObject({
				ok: true,
				value: { expectedCount: undefined },
			});
		}
	});

	test('an empty reference says what to map', () => {
		expect(checkBatchQuery(input({ referenceId: '  ' }))).toEqual({
			ok: false,
			problem: 'The Reference ID is empty',
			description:
				'Enter or map the transaction reference used when the bulk tokens were generated.',
		});
	});

	test('no partner in the node or the credential', () => {
		expect(checkBatchQuery(input({ credentialPartnerId: undefined }))).toEqual({
			ok: false,
			problem: 'No Front-End Partner ID',
			description:
				'Set the Front-End Partner ID in the node, or a default one in the Interswitch Paycode API credential.',
		});
	});

	test('a list mapped into either ID is refused', () => {
		expect(checkBatchQuery(input({ referenceId: ['a', 'b'] }))).toMatchObject({
			ok: false,
			problem:
				'The Reference ID is a list of 2 value(s), not an ID: map one ID (text) per input item',
		});
		expect(checkBatchQuery(input({ frontEndPartnerId: { id: 455 } }))).toMatchObject({
			ok: false,
			description: "Map one Front-End Partner ID, or leave it empty to use the credential's.",
		});
	});

	test('a control character in the partner is refused with its position', () => {
		expect(checkBatchQuery(input({ frontEndPartnerId: '45\t5' }))).toEqual({
			ok: false,
			problem:
				'The Front-End Partner ID contains a line break or another control character (U+0009) at position 3: check what is mapped into it',
			description: 'Map the Front-End Partner ID alone into this parameter.',
		});
	});

	test('an expected count that is not a whole number, or negative, is refused', () => {
		for (const bad of [2.5, -1, 'ten', Number.MAX_SAFE_INTEGER + 2]) {
			expect(checkBatchQuery(input({ expectedTokenCount: bad }))).toEqual({
				ok: false,
				problem: `The Expected Token Count "${String(bad)}" is not a whole number`,
				description: 'Enter the number of tokens submitted, or 0 if unknown.',
			});
		}
	});

	test('Wait for Completion needs the expected count, and is fine with it', () => {
		expect(checkBatchQuery(input({ waitForCompletion: true }))).toMatchObject({
			ok: false,
			problem: 'Wait for Completion needs the Expected Token Count',
		});
		expect(
			checkBatchQuery(input({ waitForCompletion: true, expectedTokenCount: 4 })),
		).toMatchObject({ ok: true, value: { expectedCount: 4 } });
	});
});
