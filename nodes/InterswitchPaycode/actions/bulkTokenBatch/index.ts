import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as getStatus from './getStatus.operation';

export { cancel, getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['bulkTokenBatch'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a bulk token batch',
				description: 'Cancel every unused token of a bulk Paycode batch',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get status of a bulk token batch',
				description: 'Get every token of a bulk Paycode batch and route each by status',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
	...cancel.description,
];
