// @ts-check
/** Reading a V8 CPU profile: self time by place (this package, n8n-core, …) and by function. */
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

/**
 * Prints the self time of a profile's samples, by place and for the top functions; with a window
 * (microseconds on the profile's clock), only the samples taken inside it.
 * @param {{ nodes: any[], samples?: number[], timeDeltas?: number[], startTime: number }} profile
 * @param {{ from: number, to: number }} [window]
 */
function printProfile(profile, window) {
	/** @type {Map<number, number>} */
	const selfSamples = new Map();
	let time = profile.startTime;
	let total = 0;
	for (const [index, id] of (profile.samples ?? []).entries()) {
		time += profile.timeDeltas?.[index] ?? 0;
		if (window && (time < window.from || time > window.to)) continue;
		selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
		total++;
	}
	/** @type {Map<string, number>} */
	const byFunction = new Map();
	/** @type {Map<string, number>} */
	const byPlace = new Map();
	for (const node of profile.nodes) {
		const samples = selfSamples.get(node.id) ?? 0;
		if (!samples) continue;
		const { functionName, url, lineNumber } = node.callFrame;
		const place = placeOf(url);
		const where =
			place === 'node internals' || place === 'V8' ? place : `${shortPath(url)}:${lineNumber + 1}`;
		const key = `${functionName || '(anonymous)'} ${where}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + samples);
		byPlace.set(place, (byPlace.get(place) ?? 0) + samples);
	}
	const pct = (/** @type {number} */ n) =>
		`${((100 * n) / Math.max(total, 1)).toFixed(1).padStart(5)}%`;
	console.log(`Self time by place (${total} samples):`);
	for (const [place, n] of [...byPlace].sort((a, b) => b[1] - a[1]))
		console.log(`${pct(n)}  ${place}`);
	console.log('\nTop functions by self time:');
	for (const [key, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25))
		console.log(`${pct(n)}  ${key}`);
}

/** @param {string} url */
function shortPath(url) {
	const file = url.replace('file://', '');
	const inModules = file.lastIndexOf('node_modules/');
	return inModules >= 0
		? file.slice(inModules + 'node_modules/'.length)
		: path.relative(root, file);
}

/** @param {string} url */
function placeOf(url) {
	if (!url) return 'V8';
	if (url.startsWith('node:')) return 'node internals';
	const inPackage =
		url.includes('/node_modules/n8n-nodes-surepass-interswitch/') ||
		!url.includes('/node_modules/');
	if (inPackage && (url.includes('/dist/nodes/') || url.includes('/dist/credentials/')))
		return 'this package';
	if (url.includes('/test/harness/') || url.includes('/test/emulator/'))
		return 'test harness and emulator';
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	return match ? match[1] : url;
}

module.exports = { printProfile, placeOf };
