/** What a user types or maps into the Surepass Stamp node, checked before anything is sent. Pure. */
import type { InputCheck } from '../shared/ids';
import { checkIdentifier, idParameter } from '../shared/ids';

export const BULK_ORDER_PREFIX = 'bulk_stamp_v2_';
export const SINGLE_STAMP_PREFIX = 'stamp_v2_';

/** What is wrong with a Bulk Order ID a user typed or mapped, or `undefined` when it looks right. */
export function checkBulkOrderId(id: string): string | undefined {
	if (id === '') return 'The Bulk Order ID is empty';
	const malformed = checkIdentifier(id, 'Bulk Order ID');
	if (malformed !== undefined) return malformed;
	if (id.startsWith(SINGLE_STAMP_PREFIX)) {
		return `"${id}" is the ID of a single stamp, not of a bulk order: enter the bulk order ID, which starts with "${BULK_ORDER_PREFIX}"`;
	}
	return undefined;
}

/** The Bulk Order ID parameter as n8n evaluated it, checked: the ID, or what is wrong and what to do. */
export function checkBulkOrderInput(value: unknown): InputCheck<string> {
	const id = idParameter(value, 'Bulk Order ID');
	const problem = id.ok ? checkBulkOrderId(id.value) : id.problem;
	if (id.ok && problem === undefined) return { ok: true, value: id.value };
	return {
		ok: false,
		problem: problem ?? 'The Bulk Order ID cannot be read',
		description:
			'Enter or map the bulk order ID Surepass returned when the bulk stamp order was created, e.g. bulk_stamp_v2_vomMHvHnecrlzTPRtyL.',
	};
}

/** What is wrong with a Stamp ID a user typed or mapped, or `undefined` when it looks right. */
export function checkStampId(id: string): string | undefined {
	if (id === '') return 'The Stamp ID is empty';
	const malformed = checkIdentifier(id, 'Stamp ID');
	if (malformed !== undefined) return malformed;
	if (id.startsWith(BULK_ORDER_PREFIX)) {
		return `"${id}" is the ID of a bulk order, not of a stamp: enter a stamp's ID, which starts with "${SINGLE_STAMP_PREFIX}" (the Get Summary operation lists them)`;
	}
	return undefined;
}

/** The Stamp ID parameter as n8n evaluated it, checked. */
export function checkStampInput(value: unknown): InputCheck<string> {
	const id = idParameter(value, 'Stamp ID');
	const problem = id.ok ? checkStampId(id.value) : id.problem;
	if (id.ok && problem === undefined) return { ok: true, value: id.value };
	return {
		ok: false,
		problem: problem ?? 'The Stamp ID cannot be read',
		description:
			'Map the stampId of an item from the Available output of Bulk Stamp Order → Get Summary, or enter a stamp ID, e.g. stamp_v2_KcWmPXsTyhQdnRbLzAeF.',
	};
}
