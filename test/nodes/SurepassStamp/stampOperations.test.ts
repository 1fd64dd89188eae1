/**
 * Stamp → Get and Stamp → Download through n8n's engine, against the emulator's order-status
 * endpoint and its file storage (test/emulator/stamps.js).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { harness, useEmulator } from '../../harness/helpers';
import { singleNodeWorkflow } from '../../harness/workflows';

const emulator = useEmulator();

async function run(
	operation: 'get' | 'download',
	stampIds: string[],
	parameters: Record<string, unknown> = {},
	onError:
		'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput' = 'continueRegularOutput',
) {
	const result = await harness.run(
		singleNodeWorkflow({
			type: 'surepassStamp',
			credentialType: 'surepassApi',
			name: 'Surepass Stamp',
			parameters: {
				resource: 'stamp',
				operation,
				stampId: '={{ $json.stampId }}',
				options: { retryDelayMs: 1 },
				...parameters,
			},
			items: stampIds.map((stampId) => ({ stampId, bulkOrderId: 'bulk_stamp_v2_demoMixed00001' })),
			onError,
		}),
		{ credentials: { surepassApi: emulator.surepassCredential() as never } },
	);
	return { ...result, items: result.outputs('Surepass Stamp') };
}

const errorOf = (item: INodeExecutionData) => (item.json as { error?: string }).error;

describe('Surepass Stamp → Stamp → Get', () => {
	test('one item per stamp with its status, details and a fresh link; one output', async () => {
		const before = Date.now();
		const { items, error, outputNames } = await run('get', [
			'stamp_v2_mixAvail01',
			'stamp_v2_mixPend001',
			'stamp_v2_onHold000001',
		]);
		expect(error).toBeUndefined();
		expect(outputNames('Surepass Stamp')).toEqual(['Output 1']);
		expect(items).toHaveLength(1);
		const [available, pending, onHold] = items[0];
		const link = (available.json.link as string) ?? '';
		expect(available.json).toEqual({
			stampId: 'stamp_v2_mixAvail01',
			stampNumber: expect.stringMatching(/^IN-DL/),
			status: 'available',
			onHold: false,
			amount: 100,
			considerationAmount: 1,
			firstParty: 'ABC Pvt Ltd',
			secondParty: 'Borrower',
			state: 'DL',
			articleId: '22128',
			description: 'Estamp',
			createdAt: '2025-11-18T10:15:00.000Z',
			certificateDetails: [
				{ certificateNumber: 'IN-DL-mixAvail', issueDate: '2025-11-18', denomination: 100 },
			],
			link: expect.stringContaining('/storage/stamps/stamp_v2_mixAvail01.pdf?X-Amz-Expires=600'),
			linkFetchedAt: expect.any(String),
		});
		expect(link.startsWith(emulator.url.replace('127.0.0.1', '127.0.0.1'))).toBe(true);
		expect(Date.parse(available.json.linkFetchedAt as string)).toBeGreaterThanOrEqual(
			before - 1000,
		);
		expect(available.pairedItem).toEqual({ item: 0 });
		expect(pending.json).toMatchObject({
			stampId: 'stamp_v2_mixPend001',
			status: 'pending',
			link: null,
			linkFetchedAt: null,
		});
		expect(pending.pairedItem).toEqual({ item: 1 });
		expect(onHold.json).toMatchObject({ status: 'on_hold', onHold: true, link: null });
		expect(onHold.pairedItem).toEqual({ item: 2 });
		// Nothing was downloaded.
		expect(emulator.stamps.storageRequests).toHaveLength(0);
	});

	test('a bulk order ID, an unknown stamp and an undocumented status: one clear error or warning each, the rest kept', async () => {
		const { items } = await run('get', [
			'bulk_stamp_v2_demoMixed00001',
			'stamp_v2_doesNotExist1',
			'stamp_v2_mixFail001',
			'stamp_v2_mixAvail02',
		]);
		const [wrongKind, unknown, failed, ok] = items[0];
		expect(errorOf(wrongKind)).toBe(
			'"bulk_stamp_v2_demoMixed00001" is the ID of a bulk order, not of a stamp: enter a stamp\'s ID, which starts with "stamp_v2_" (the Get Summary operation lists them) [item 0]',
		);
		expect(wrongKind.pairedItem).toEqual({ item: 0 });
		expect(errorOf(unknown)).toBe('Surepass has no stamp "stamp_v2_doesNotExist1" [item 1]');
		expect(unknown.pairedItem).toEqual({ item: 1 });
		expect(failed.json).toMatchObject({
			status: 'failed',
			warnings: ['Surepass gave the status "failed", which it does not document'],
		});
		expect(ok.json).toMatchObject({ stampId: 'stamp_v2_mixAvail02', status: 'available' });
		expect(ok.pairedItem).toEqual({ item: 3 });
	});
});

describe('Surepass Stamp → Stamp → Download', () => {
	test('the PDF lands in binary data (file name, type, size); the token never reaches the storage', async () => {
		const { items, error } = await run('download', ['stamp_v2_mixAvail01', 'stamp_v2_mixAvail02']);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0]).toHaveLength(2);
		for (const [index, item] of items[0].entries()) {
			const stampId = index === 0 ? 'stamp_v2_mixAvail01' : 'stamp_v2_mixAvail02';
			const binary = item.binary?.data;
			expect(binary).toMatchObject({
				fileName: `${stampId}.pdf`,
				mimeType: 'application/pdf',
				fileExtension: 'pdf',
			});
			const bytes = Buffer.from(binary?.data ?? '', 'base64');
			expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
			expect(bytes.toString()).toContain(`e-stamp ${stampId}`);
			expect(item.json).toMatchObject({
				stampId,
				status: 'available',
				fileName: `${stampId}.pdf`,
				fileSize: bytes.length,
			});
			expect(item.pairedItem).toEqual({ item: index });
		}
		expect(emulator.stamps.storageRequests).toEqual([
			{ stampId: 'stamp_v2_mixAvail01', authorization: false },
			{ stampId: 'stamp_v2_mixAvail02', authorization: false },
		]);
		// The token went to the API only.
		const apiCalls = emulator
			.requestsTo('surepass')
			.filter((entry) => entry.path.includes('order-status'));
		expect(apiCalls).toHaveLength(2);
		expect(
			apiCalls.every(
				(entry) => entry.headers.authorization === `Bearer ${emulator.surepassCredential().token}`,
			),
		).toBe(true);
	});

	test('the output field is an option', async () => {
		const { items } = await run('download', ['stamp_v2_mixAvail03'], {
			binaryPropertyName: 'stampPdf',
		});
		expect(Object.keys(items[0][0].binary ?? {})).toEqual(['stampPdf']);
	});

	test('expired link, not a PDF, too big, redirect, plain http, no link, not available: one clear error each, nothing half-made', async () => {
		const ids = [
			'stamp_v2_expiredLink01',
			'stamp_v2_notPdf000001',
			'stamp_v2_hugeFile0001',
			'stamp_v2_redirect0001',
			'stamp_v2_httpLink0001',
			'stamp_v2_noLink000001',
			'stamp_v2_mixPend001',
			'stamp_v2_used00000001',
			'stamp_v2_mixAvail01',
		];
		const { items } = await run('download', ids, {
			options: { retryDelayMs: 1, maxResponseMb: 1 },
		});
		const out = items[0];
		expect(out).toHaveLength(ids.length);
		expect(out.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		expect(out.map(errorOf)).toEqual([
			'The download link of the stamp "stamp_v2_expiredLink01" has expired (HTTP 403): a new run fetches a fresh one [item 0]',
			'The download link of the stamp "stamp_v2_notPdf000001" did not give a PDF (text/html, 59 bytes) [item 1]',
			'Stamp "stamp_v2_hugeFile0001": Surepass\'s file storage\'s answer is too large: the answer is larger than 1 MB [item 2]',
			'Stamp "stamp_v2_redirect0001": Surepass\'s file storage answered with a redirect (HTTP 302), which is not followed: a new run fetches a fresh link [item 3]',
			'Surepass\'s download link for the stamp "stamp_v2_httpLink0001" is not https (http://files.example.com): it is not followed [item 4]',
			'Surepass gave no download link for the available stamp "stamp_v2_noLink000001" [item 5]',
			'The stamp "stamp_v2_mixPend001" is "pending", not available, so there is no PDF to download [item 6]',
			'The stamp "stamp_v2_used00000001" is "used", not available, so there is no PDF to download [item 7]',
			undefined,
		]);
		expect(out.slice(0, -1).every((item) => item.binary === undefined)).toBe(true);
		expect(out[8].binary?.data?.mimeType).toBe('application/pdf');
		// The expired link and the redirect were not tried again and again; no request left the machine.
		const storage = emulator.stamps.storageRequests.map((entry) => entry.stampId);
		expect(storage.filter((id) => id === 'stamp_v2_expiredLink01')).toHaveLength(1);
		expect(storage.filter((id) => id === 'stamp_v2_redirect0001')).toHaveLength(1);
		expect(storage).not.toContain('stamp_v2_httpLink0001');
		expect(emulator.stamps.storageRequests.every((entry) => !entry.authorization)).toBe(true);
	});
});
