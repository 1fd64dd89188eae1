// @ts-check
/**
 * Checks what `npm pack` would publish: only dist/, README.md, LICENSE and package.json, every
 * path the n8n section of package.json names, and no runtime dependencies.
 * Usage: npm pack --dry-run --json > pack.json && node scripts/release/check-pack.js pack.json
 */
const fs = require('node:fs');
/** @type {{ n8n: { nodes: string[], credentials: string[] }, dependencies?: Record<string, string> }} */
const pkg = JSON.parse(fs.readFileSync(require.resolve('../../package.json'), 'utf8'));

const [packFile] = process.argv.slice(2);
const [pack] = JSON.parse(fs.readFileSync(packFile, 'utf8'));
/** @type {string[]} */
const files = pack.files.map((/** @type {{ path: string }} */ file) => file.path);
const problems = [];
for (const file of files) {
	if (!(file.startsWith('dist/') || ['README.md', 'LICENSE', 'package.json'].includes(file))) {
		problems.push(`unexpected file in the package: ${file}`);
	}
}
for (const required of [
	'README.md',
	'LICENSE',
	'package.json',
	...pkg.n8n.nodes,
	...pkg.n8n.credentials,
]) {
	if (!files.includes(required)) problems.push(`missing from the package: ${required}`);
}
for (const nodeFile of pkg.n8n.nodes) {
	const codex = nodeFile.replace(/\.js$/, '.json');
	if (!files.includes(codex)) problems.push(`missing codex file: ${codex}`);
}
const runtime = Object.keys(pkg.dependencies ?? {});
if (runtime.length > 0) problems.push(`runtime dependencies: ${runtime.join(', ')}`);
if (problems.length > 0) {
	console.error(problems.join('\n'));
	process.exit(1);
}
console.log(
	`${files.length} files, ${pack.size} bytes packed; only dist/, README.md, LICENSE, package.json; no runtime dependencies`,
);
