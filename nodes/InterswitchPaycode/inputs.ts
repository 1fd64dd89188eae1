/**
 * What a user types or maps into the Interswitch Paycode node, checked before anything is sent.
 * Pure: the values as n8n evaluated them in, the batch to ask for (or what is wrong and what to do)
 * out.
 */
import type { InputCheck } from '../shared/ids';
import { checkIdentifier, idParameter } from '../shared/ids';

/** One item's parameters, as n8n evaluated them, and the credential's default partner. */
export interface BatchQueryInput {
	referenceId: unknown;
	frontEndPartnerId: unknown;
	expectedTokenCount: unknown;
	/** The credential's Front-End Partner ID, used when the node leaves its own empty. */
	credentialPartnerId: unknown;
	/** Whether Wait for Completion is on: it needs the Expected Token Count. */
	waitForCompletion: boolean;
}

export interface BatchQuery {
	referenceId: string;
	frontEndPartnerId: string;
	/** How many tokens were submitted, when the user said so. */
	expectedCount: number | undefined;
}

const refused = (problem: string, description: string) => ({
	ok: false as const,
	problem,
	description,
});

export function checkBatchQuery(input: BatchQueryInput): InputCheck<BatchQuery> {
	const reference = idParameter(input.referenceId, 'Reference ID');
	if (!reference.ok)
		return refused(
			reference.problem,
			'Map the transaction reference of one batch into Reference ID.',
		);
	const referenceId = reference.value;
	if (referenceId === '') {
		return refused(
			'The Reference ID is empty',
			'Enter or map the transaction reference used when the bulk tokens were generated.',
		);
	}
	const partner = idParameter(input.frontEndPartnerId, 'Front-End Partner ID');
	if (!partner.ok)
		return refused(
			partner.problem,
			"Map one Front-End Partner ID, or leave it empty to use the credential's.",
		);
	const frontEndPartnerId = partner.value || String(input.credentialPartnerId ?? '').trim();
	if (frontEndPartnerId === '') {
		return refused(
			'No Front-End Partner ID',
			'Set the Front-End Partner ID in the node, or a default one in the Interswitch Paycode API credential.',
		);
	}
	for (const [value, label] of [
		[referenceId, 'Reference ID'],
		[frontEndPartnerId, 'Front-End Partner ID'],
	]) {
		const malformed = checkIdentifier(value, label);
		if (malformed !== undefined)
			return refused(malformed, `Map the ${label} alone into this parameter.`);
	}
	const expected = input.expectedTokenCount;
	const expectedNumber =
		expected === '' || expected === null || expected === undefined
			? 0
			: typeof expected === 'number'
				? expected
				: Number(expected);
	if (!Number.isSafeInteger(expectedNumber) || expectedNumber < 0) {
		return refused(
			`The Expected Token Count "${String(expected)}" is not a whole number`,
			'Enter the number of tokens submitted, or 0 if unknown.',
		);
	}
	const expectedCount = expectedNumber > 0 ? expectedNumber : undefined;
	if (input.waitForCompletion && expectedCount === undefined) {
		return refused(
			'Wait for Completion needs the Expected Token Count',
			'Set Expected Token Count to the number of tokens submitted for the batch, so the node knows when it is complete.',
		);
	}
	return { ok: true, value: { referenceId, frontEndPartnerId, expectedCount } };
}
