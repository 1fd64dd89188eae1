// @ts-check
/** Builds the package (n8n-node build) when dist/ is missing or older than a source file. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

/** @param {string} dir @returns {number} */
function newest(dir) {
	let latest = 0;
	if (!fs.existsSync(dir)) return latest;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
	}
	return latest;
}

function buildIfNeeded() {
	const marker = path.join(root, 'dist', 'nodes', 'SurepassStamp', 'SurepassStamp.node.js');
	const built = fs.existsSync(marker) ? newest(path.join(root, 'dist')) : 0;
	const sources = Math.max(
		newest(path.join(root, 'nodes')),
		newest(path.join(root, 'credentials')),
	);
	if (built >= sources) return;
	process.stdout.write('Building the package (npm run build: n8n-node build)...\n');
	const args = [
		path.join(root, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs'),
		'build',
	];
	const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'pipe' });
	if (result.status !== 0)
		throw new Error(`Build failed (n8n-node build):\n${result.stdout}${result.stderr}`);
}

module.exports = { buildIfNeeded, root };
if (require.main === module) buildIfNeeded();
