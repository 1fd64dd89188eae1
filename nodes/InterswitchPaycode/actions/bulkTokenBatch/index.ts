import type { INodeProperties } from 'n8n-workflow';

import * as getStatus from './getStatus.operation';

export { getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['bulkTokenBatch'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the status of every token in a bulk token batch',
				description: 'Get every token of a bulk Paycode batch and route each by status',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
];
