import type { INodeProperties } from 'n8n-workflow';

import * as getSummary from './getSummary.operation';

export { getSummary };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['bulkStampOrder'] } },
		options: [
			{
				name: 'Get Summary',
				value: 'getSummary',
				action: 'Get summary of a bulk stamp order',
				description: 'Get the status of every stamp in a bulk order and route each stamp by status',
			},
		],
		default: 'getSummary',
	},
	...getSummary.description,
];
