// @ts-check
/**
 * Before publishing: the version tag (v1.2.3), package.json's version and a CHANGELOG.md section
 * `## [1.2.3] - <date>` must agree, and package.json must name the repository the provenance
 * statement will point at. Usage: node scripts/release/release-check.js v1.2.3
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const tag = process.argv[2] ?? '';
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
const problems = [];
if (tag !== `v${pkg.version}`)
	problems.push(`the tag "${tag}" is not v${pkg.version}, the version in package.json`);
if (
	!new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm').test(
		changelog,
	)
) {
	problems.push(`CHANGELOG.md has no "## [${pkg.version}] - YYYY-MM-DD" section`);
}
if (!/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/.test(pkg.repository?.url ?? '')) {
	problems.push(
		'package.json has no repository.url of the form git+https://github.com/<owner>/<repo>.git (provenance names it)',
	);
}
if (problems.length > 0) {
	console.error(`release check failed:\n- ${problems.join('\n- ')}`);
	process.exit(1);
}
console.log(
	`release check: ${tag} matches package.json and CHANGELOG.md; repository ${pkg.repository.url}`,
);
