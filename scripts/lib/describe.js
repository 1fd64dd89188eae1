// @ts-check
/** One line per item, and a total per branch, for people reading `npm start`. */

/** @param {number} kobo */
function naira(kobo) {
	return `₦${Math.trunc(kobo / 100).toLocaleString('en-US')}.${String(kobo % 100).padStart(2, '0')}`;
}

/** @param {import('n8n-workflow').INodeExecutionData} item */
function describeItem(item) {
	const json = /** @type {Record<string, any>} */ (item.json);
	const source =
		item.pairedItem && !Array.isArray(item.pairedItem) && typeof item.pairedItem === 'object'
			? ` (input item ${item.pairedItem.item})`
			: '';
	if (item.error) return `ERROR ${json.error}${source}`;
	const parts = [];
	if ('stampId' in json)
		parts.push(
			json.stampId === null ? `${json.unlistedCount} unlisted stamp(s)` : `stamp ${json.stampId}`,
		);
	if ('stampIds' in json) parts.push(`${json.count} stamp(s)`);
	if (json.bulkOrderId) parts.push(`order ${json.bulkOrderId}`);
	if ('linkFetchedAt' in json) parts.push(json.status);
	for (const [field, file] of Object.entries(item.binary ?? {}))
		parts.push(
			`file ${file.fileName} in "${field}" (${file.mimeType}, ${json.fileSize ?? '?'} bytes)`,
		);
	if (json.cancelStatus)
		parts.push(
			`batch ${json.referenceId} of partner ${json.frontEndPartnerId}: cancel ${json.cancelStatus} (${json.code}${json.description ? `, ${json.description}` : ''})`,
		);
	if ('beneficiaryNumber' in json)
		parts.push(`token for ${json.beneficiaryNumber}, ${naira(json.amountKobo)}`);
	if ('tokens' in json) parts.push(`${json.count} token(s), ${naira(json.totalAmountKobo)}`);
	if (json.status === 'pending' && 'generatedCount' in json) {
		parts.push(
			`${json.generatedCount} generated, ${json.outstandingCount ?? 'unknown'} outstanding of ${json.expectedCount ?? 'unknown'}`,
		);
	}
	if (json.batchReference) parts.push(`batch ${json.batchReference}`);
	// PINs are secrets: say whether one is there, never what it is.
	if ('oneTimePin' in json)
		parts.push(json.oneTimePin === '****' ? 'PIN masked' : 'PIN included (not shown)');
	if (json.warnings) parts.push(`warnings: ${json.warnings.join('; ')}`);
	if (json.note) parts.push(json.note);
	return `${parts.join(', ')}${source}`;
}

/** A total for a branch of Paycode tokens, or '' when the branch holds none. @param {import('n8n-workflow').INodeExecutionData[]} items */
function describeTotal(items) {
	let kobo = 0;
	let tokens = 0;
	for (const { json, error } of items) {
		if (error) continue;
		if (typeof json.amountKobo === 'number') {
			kobo += json.amountKobo;
			tokens++;
		} else if (typeof json.totalAmountKobo === 'number') {
			kobo += json.totalAmountKobo;
			tokens += Number(json.count);
		}
	}
	return tokens > 0 ? `, ${tokens} token(s), ${naira(kobo)} in total` : '';
}

module.exports = { describeItem, describeTotal };
