/** What a user types or maps into the Surepass Stamp node, checked before anything is sent. Pure. */
import { checkIdentifier } from '../shared/ids';

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
