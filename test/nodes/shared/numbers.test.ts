import { toNonNegativeInteger } from '../../../nodes/shared/numbers';

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
