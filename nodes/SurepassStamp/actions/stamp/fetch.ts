/**
 * What Stamp → Get and Stamp → Download share: the Stamp ID field, the options, and one stamp's
 * order status fetched through the shared runner and transport.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { ItemScope } from '../../../shared/runner/batch';
import { toNodeApiError } from '../../../shared/errors';
import { requestSettingsOptions } from '../../../shared/settings';
import { sendWithRetry } from '../../../shared/transport';
import {
	envelopeStatus,
	interpretStamp,
	stampRequest,
	SUREPASS_CREDENTIAL,
	surepassBaseUrl,
	surepassLimiter,
} from '../../api';
import { checkStampInput } from '../../inputs';
import type { StampDetails } from '../../stamp';

/** The Stamp ID field for one operation: by default the stampId of the item that comes in. */
export function stampIdProperty(operation: string): INodeProperties {
	return {
		displayName: 'Stamp ID',
		name: 'stampId',
		type: 'string',
		required: true,
		default: '={{ $json.stampId }}',
		placeholder: 'e.g. stamp_v2_KcWmPXsTyhQdnRbLzAeF',
		displayOptions: { show: { resource: ['stamp'], operation: [operation] } },
		description:
			'The ID of one stamp (it starts with "stamp_v2_"). The default takes the stampId of each incoming item, as the Available output of Get Summary gives it.',
	};
}

/** The Options collection of a stamp operation: the request settings, plus `extra`. */
export function stampOptions(operation: string, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['stamp'], operation: [operation] } },
		options: [...extra, ...requestSettingsOptions('Surepass')],
	};
}

export const STAMP_SPEC = {
	credentialType: SUREPASS_CREDENTIAL,
	credentialLabel: 'Surepass API',
	outputCount: 1,
	failedOutput: 0,
	itemParameters: [['stampId', '']] as Array<[string, unknown]>,
	vendor: 'Surepass',
	rate: surepassLimiter,
	subject: { noun: 'Stamp', parameter: 'stampId' },
};

/** One item's stamp: its ID checked, its order status fetched and read, or the item's error. */
export async function fetchStamp(scope: ItemScope): Promise<StampDetails> {
	const { itemIndex, ctx, credentials, settings, secrets, rate, fail } = scope;
	const base = surepassBaseUrl(credentials);
	if (!base.ok) throw fail(base.problem, 'Fix the Base URL in the Surepass API credential.');
	const checked = checkStampInput(ctx.getNodeParameter('stampId', itemIndex, ''));
	if (!checked.ok) throw fail(checked.problem, checked.description);
	const result = await sendWithRetry(
		ctx,
		SUREPASS_CREDENTIAL,
		stampRequest(base.url, checked.value),
		settings.policy,
		{ secrets, statusOf: envelopeStatus, credentials, rate },
	);
	const outcome = interpretStamp(result, checked.value, base.url);
	if (!outcome.ok) throw toNodeApiError(ctx.getNode(), outcome.failure, itemIndex);
	return outcome.stamp;
}
