/** What a user types or maps into the Surepass Stamp node, checked before anything is sent. Pure. */
import type { InputCheck } from '../shared/ids';
import { checkIdentifier, idParameter } from '../shared/ids';

export const BULK_ORDER_PREFIX = 'bulk_stamp_v2_';
export const SINGLE_STAMP_PREFIX = 'stamp_v2_';

/** One kind of Surepass ID: its field's name, the other kind's prefix, and what to say. */
interface IdKind {
	label: string;
	/** The prefix of the other kind of ID, mistaken for this one. */
	otherPrefix: string;
	otherKind: (id: string) => string;
	description: string;
}

const BULK_ORDER_ID: IdKind = {
	label: 'Bulk Order ID',
	otherPrefix: SINGLE_STAMP_PREFIX,
	otherKind: (id) =>
		`"${id}" is the ID of a single stamp, not of a bulk order: enter the bulk order ID, which starts with "${BULK_ORDER_PREFIX}"`,
	description:
		'Enter or map the bulk order ID Surepass returned when the bulk stamp order was created, e.g. bulk_stamp_v2_vomMHvHnecrlzTPRtyL.',
};

const STAMP_ID: IdKind = {
	label: 'Stamp ID',
	otherPrefix: BULK_ORDER_PREFIX,
	otherKind: (id) =>
		`"${id}" is the ID of a bulk order, not of a stamp: enter a stamp's ID, which starts with "${SINGLE_STAMP_PREFIX}" (the Get Summary operation lists them)`,
	description:
		'Map the stampId of an item from the Available output of Bulk Stamp Order → Get Summary, or enter a stamp ID, e.g. stamp_v2_KcWmPXsTyhQdnRbLzAeF.',
};

/** What is wrong with an ID of this kind, or `undefined` when it looks right. */
function checkId(id: string, kind: IdKind): string | undefined {
	if (id === '') return `The ${kind.label} is empty`;
	const malformed = checkIdentifier(id, kind.label);
	if (malformed !== undefined) return malformed;
	return id.startsWith(kind.otherPrefix) ? kind.otherKind(id) : undefined;
}

/** The parameter as n8n evaluated it, checked: the ID, or what is wrong and what to do. */
function checkIdInput(value: unknown, kind: IdKind): InputCheck<string> {
	const id = idParameter(value, kind.label);
	const problem = id.ok ? checkId(id.value, kind) : id.problem;
	if (id.ok && problem === undefined) return { ok: true, value: id.value };
	return {
		ok: false,
		problem: problem ?? `The ${kind.label} cannot be read`,
		description: kind.description,
	};
}

/** What is wrong with a Bulk Order ID a user typed or mapped, or `undefined` when it looks right. */
export const checkBulkOrderId = (id: string) => checkId(id, BULK_ORDER_ID);

/** The Bulk Order ID parameter as n8n evaluated it, checked. */
export const checkBulkOrderInput = (value: unknown) => checkIdInput(value, BULK_ORDER_ID);

/** What is wrong with a Stamp ID a user typed or mapped, or `undefined` when it looks right. */
export const checkStampId = (id: string) => checkId(id, STAMP_ID);

/** The Stamp ID parameter as n8n evaluated it, checked. */
export const checkStampInput = (value: unknown) => checkIdInput(value, STAMP_ID);
