/**
 * Stamp → Download: the stamp's order status, then its PDF from the temporary link into n8n's
 * binary data. The link is a presigned address on another host: it gets no credential at all (the
 * request is sent without the Surepass token), redirects are not followed, the size bound applies,
 * and what comes back must be a PDF.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ItemScope } from '../../../shared/runner/batch';
import { runBatch } from '../../../shared/runner/batch';
import { toNodeApiError } from '../../../shared/errors';
import { isToolExecution } from '../../../shared/n8n';
import { toolContext } from '../../../shared/tool';
import { sendWithRetry } from '../../../shared/transport';
import { interpretDownload, SUREPASS_CREDENTIAL, surepassBaseUrl } from '../../api';
import { downloadLink, pdfFileName } from '../../stamp';
import { fetchStamp, STAMP_SPEC, stampIdProperty, stampOptions } from './fetch';

export const description: INodeProperties[] = [
	stampIdProperty('download'),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		displayOptions: { show: { resource: ['stamp'], operation: ['download'] } },
		hint: 'The name of the output binary field to put the PDF in',
	},
	stampOptions('download'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ctx = isToolExecution(this) ? toolContext(this) : this;
	return await runBatch(ctx, STAMP_SPEC, async (scope) => [[await downloadStamp(scope)]]);
}

async function downloadStamp(scope: ItemScope): Promise<INodeExecutionData> {
	const { itemIndex, ctx, settings, fail } = scope;
	const field = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	if (field === '')
		throw fail('The field to put the PDF in is empty', 'Enter a field name, e.g. data.');
	const stamp = await fetchStamp(scope);
	const base = surepassBaseUrl(scope.credentials);
	const link = downloadLink(stamp, base.ok ? base.url : '');
	if (!link.ok) throw fail(link.problem, link.description);
	// No credential, no rate limit of the Surepass account: the link is another host's.
	const result = await sendWithRetry(
		ctx,
		SUREPASS_CREDENTIAL,
		{ method: 'GET', url: link.url, headers: { Accept: 'application/pdf' } },
		settings.policy,
		{ withoutCredential: true, binary: true },
	);
	const file = interpretDownload(result, stamp.stampId, link.url);
	if (!file.ok) throw toNodeApiError(ctx.getNode(), file.failure, itemIndex);
	const fileName = pdfFileName(stamp.stampId);
	const binary = await ctx.helpers.prepareBinaryData(file.bytes, fileName, 'application/pdf');
	return {
		json: { ...stamp, fileName, fileSize: file.bytes.length },
		binary: { [field]: binary },
		pairedItem: { item: itemIndex },
	};
}
