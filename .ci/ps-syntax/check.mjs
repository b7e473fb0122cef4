// PowerShell syntax check without pwsh: parses PowerShell files with the tree-sitter-powershell
// grammar (its .wasm build, run by web-tree-sitter) and fails on any ERROR or MISSING node.
//
// Usage:
//   node check.mjs                 every .ps1/.psd1/.psm1 of the repository (tracked files plus
//                                  untracked files that git does not ignore)
//   node check.mjs FILE...         just these files (used by the self-test)
//   node check.mjs --quiet FILE... print only the summary line
//
// Exit codes: 0 no syntax error, 1 at least one syntax error, 2 the check itself could not run.
// Versions are pinned in package-lock.json (installed by .ci/run with `npm ci`).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Language, Parser } from 'web-tree-sitter';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

const EXTENSIONS = new Set(['.ps1', '.psd1', '.psm1']);
// Folders never scanned (build output, dependencies) wherever they appear.
const SKIPPED_DIRS = new Set(['node_modules', 'bin', 'obj', 'out']);
// Deliberately broken snippets of the self-test: they are parsed only by selftest.mjs.
const SKIPPED_PREFIXES = ['.ci/ps-syntax/selftest/bad/'];

function fail(message) {
    console.error(`ps-syntax: ${message}`);
    process.exit(2);
}

/** Files of the repository: tracked plus untracked-but-not-ignored, as git sees them. */
function repositoryFiles() {
    let out;
    try {
        out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
            cwd: repoRoot,
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
        });
    } catch (e) {
        fail(`cannot list the repository's files with git in ${repoRoot}: ${e.message}`);
    }
    const seen = new Set();
    const files = [];
    for (const rel of out.split('\0')) {
        if (!rel || seen.has(rel)) continue;
        seen.add(rel);
        if (!EXTENSIONS.has(path.extname(rel).toLowerCase())) continue;
        if (rel.split('/').some((part) => SKIPPED_DIRS.has(part))) continue;
        if (SKIPPED_PREFIXES.some((p) => rel.startsWith(p))) continue;
        const abs = path.join(repoRoot, rel);
        // Deleted in the work tree but still in the index: nothing to parse.
        if (!existsSync(abs) || !statSync(abs).isFile()) continue;
        files.push({ abs, display: rel });
    }
    files.sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
    return files;
}

/** Decodes a PowerShell source file: UTF-8 (with or without BOM) or UTF-16 with a BOM. */
function readSource(abs) {
    const buf = readFileSync(abs);
    if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
    if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
        const swapped = Buffer.from(buf.subarray(2));
        swapped.swap16();
        return swapped.toString('utf16le');
    }
    if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
    return buf.toString('utf8');
}

/** Every ERROR or MISSING node of a tree (an ERROR's plain children are not repeated; MISSING ones inside are). */
function syntaxProblems(root) {
    const problems = [];
    const at = (node, what) => problems.push({ row: node.startPosition.row, column: node.startPosition.column, what });
    const visit = (node, insideError) => {
        if (node.isMissing) {
            at(node, `missing ${JSON.stringify(node.type)}`);
            return;
        }
        if (node.isError && !insideError) {
            const text = node.text.split(/\r?\n/, 1)[0].trim().slice(0, 60);
            at(node, `syntax error near ${JSON.stringify(text)}`);
            insideError = true;
        }
        // hasError covers the whole subtree (ERROR and MISSING nodes): skip clean subtrees.
        if (!node.hasError) return;
        for (const child of node.children) visit(child, insideError);
    };
    visit(root, false);
    return problems;
}

async function main() {
    const args = process.argv.slice(2);
    const quiet = args.includes('--quiet');
    const explicit = args.filter((a) => a !== '--quiet');
    for (const a of explicit) if (a.startsWith('--')) fail(`unknown option ${a}`);

    const files = explicit.length
        ? explicit.map((f) => ({ abs: path.resolve(f), display: path.relative(process.cwd(), path.resolve(f)) || f }))
        : repositoryFiles();
    // The repository always has PowerShell files (XenPS.psd1 at least): finding none means the listing broke.
    if (files.length === 0) fail(`found no PowerShell files under ${repoRoot}`);

    const require = createRequire(import.meta.url);
    let wasmPath;
    try {
        wasmPath = path.join(path.dirname(require.resolve('tree-sitter-powershell/package.json')), 'tree-sitter-powershell.wasm');
    } catch {
        fail('tree-sitter-powershell is not installed: run `npm ci --ignore-scripts --prefix .ci/ps-syntax`');
    }
    if (!existsSync(wasmPath)) fail(`grammar not found at ${wasmPath}`);

    // The grammar is a 1 MB wasm module. By default V8 re-compiles it with its optimizing tier in the
    // background and the process then spends 20-60 s of CPU before it can exit; the baseline compiler
    // (Liftoff) alone parses this repository in well under a second. Must be set before the wasm loads.
    v8.setFlagsFromString('--liftoff-only');
    await Parser.init();
    const language = await Language.load(readFileSync(wasmPath));
    const parser = new Parser();
    parser.setLanguage(language);

    let errorCount = 0;
    let badFiles = 0;
    for (const file of files) {
        if (!existsSync(file.abs)) fail(`no such file: ${file.display}`);
        const tree = parser.parse(readSource(file.abs));
        if (!tree) fail(`the parser returned no tree for ${file.display}`);
        const problems = syntaxProblems(tree.rootNode);
        if (tree.rootNode.hasError && problems.length === 0) {
            // Never let an error the walk could not place pass silently.
            problems.push({ row: 0, column: 0, what: 'syntax error (not located)' });
        }
        tree.delete();
        if (problems.length) {
            badFiles++;
            errorCount += problems.length;
            if (!quiet) {
                for (const p of problems) console.log(`${file.display}:${p.row + 1}:${p.column + 1}: ${p.what}`);
            }
        }
    }
    parser.delete();

    console.log(`ps-syntax: ${files.length} files, ${errorCount} errors${badFiles ? ` in ${badFiles} files` : ''}`);
    process.exit(errorCount ? 1 : 0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
