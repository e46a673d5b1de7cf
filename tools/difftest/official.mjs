// Official side of the differential tester: reads JSON lines
// {"kind": ..., "text": ...} on stdin and prints, per line, what the official
// OpenSpec CLI's own modules make of the text (one JSON object per line).
//
// The modules are imported from OPENSPEC_DIST (the `dist/` folder of the
// @fission-ai/openspec npm package). See README.md for the shapes.
import { createInterface } from 'node:readline';

const DIST = process.env.OPENSPEC_DIST || '/work/scratch/oscli/node_modules/@fission-ai/openspec/dist';
const load = (p) => import(`${DIST}/${p}`);

const { parseTaskLines } = await load('utils/task-progress.js');
const { MarkdownParser } = await load('core/parsers/markdown-parser.js');
const blocks = await load('core/parsers/requirement-blocks.js');
const { findMainSpecStructureIssues } = await load('core/parsers/spec-structure.js');
const text = await load('core/parsers/requirement-text.js');
const { Validator } = await load('core/validation/validator.js');
const { findMissingTaskCheckboxIssues } = await load('core/validation/task-checkboxes.js');
const { findTaskNumberingIssues } = await load('core/validation/task-numbering.js');
const { findPurposePlaceholderIssue } = await load('core/validation/purpose-placeholder.js');
const metadata = await load('utils/change-metadata.js');
const { getTaskProgressForChange } = await load('utils/task-progress.js');
const { discoverSpecFiles } = await load('utils/spec-discovery.js');
const { findNestedChanges, findNestedChangesIn, describeNestedChange } = await load('utils/nested-change.js');
const { getAvailableChanges } = await load('commands/workflow/shared.js');
const { parseSchema } = await load('core/artifact-graph/schema.js');
// The YAML package the official CLI parses `.openspec.yaml` with.
const { createRequire } = await import('node:module');
const YAML = createRequire(`${DIST}/index.js`)('yaml');

// `.openspec.yaml` is read from disk by the official code: a scratch change
// folder (under a project root with no schemas of its own) holds each case.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
const scratch = mkdtempSync(join(tmpdir(), 'difftest-'));
const changeDir = join(scratch, 'openspec', 'changes', 'c');
mkdirSync(changeDir, { recursive: true });
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const bodyOf = (raw) => raw.split('\n').slice(1);
const deltaBlock = (b) => [
  b.name,
  b.raw,
  text.extractRequirementBody(bodyOf(b.raw)),
  text.countScenarios(bodyOf(b.raw)),
  text.countEmptyScenarios(bodyOf(b.raw)),
];
const issue = (i) => [i.level, i.path, i.message, i.line ?? null];

async function run(kind, input) {
  switch (kind) {
    case 'tasks':
      return { tasks: parseTaskLines(input).map((t) => [t.done, t.description]) };
    case 'spec': {
      try {
        const spec = new MarkdownParser(input).parseSpec('x');
        return {
          overview: spec.overview,
          reqs: spec.requirements.map((r) => [r.text, r.scenarios.map((s) => s.rawText)]),
        };
      } catch (e) {
        return { error: e.message };
      }
    }
    case 'delta': {
      const p = blocks.parseDeltaSpec(input);
      return {
        added: p.added.map(deltaBlock),
        modified: p.modified.map(deltaBlock),
        removed: p.removed,
        removedBlocks: p.removedBlocks.map((b) => [b.name, b.raw]),
        renamed: p.renamed.map((r) => [r.from, r.to]),
        unpaired: p.unpairedRenames.map((u) => [u.side, u.name, u.line]),
        orphans: p.orphanedRequirements.map((o) => [o.name, o.section, o.line]),
        skipped: p.skippedHeaders.map((s) => [s.header, s.section, s.line]),
        presence: [p.sectionPresence.added, p.sectionPresence.modified, p.sectionPresence.removed, p.sectionPresence.renamed],
      };
    }
    case 'structure':
      return { issues: findMainSpecStructureIssues(input).map((i) => [i.line, i.message]) };
    case 'reqblocks':
      return { blocks: blocks.extractRequirementsSection(input).bodyBlocks.map((b) => [b.name, b.raw]) };
    case 'specval': {
      const r = await new Validator(false).validateSpecContent('x', input);
      return { valid: r.valid, issues: r.issues.map(issue) };
    }
    case 'placeholder': {
      // The Purpose as parseSpec reads it; null when parseSpec throws.
      let overview;
      try {
        overview = new MarkdownParser(input).parseSpec('x').overview;
      } catch {
        return { placeholder: null };
      }
      const found = findPurposePlaceholderIssue(overview, input);
      return { placeholder: found ? [found.line ?? null] : null };
    }
    case 'tasklint': {
      const docs = [{ path: 'tasks.md', content: input }];
      return {
        issues: [...findMissingTaskCheckboxIssues(docs), ...findTaskNumberingIssues(docs)].map((i) => [i.path, i.line, i.message]),
      };
    }
    case 'scenarionames':
      return { names: blocks.diffScenarioNames({ raw: input }, { raw: '' }).missing };
    case 'marker': {
      writeFileSync(join(changeDir, '.openspec.yaml'), input);
      const m = metadata.readSkipSpecsMarker(changeDir);
      return { declared: m.declared, invalid: m.invalidReason ?? null };
    }
    case 'metadata': {
      writeFileSync(join(changeDir, '.openspec.yaml'), input);
      try {
        const m = metadata.readChangeMetadata(changeDir, scratch);
        return { resolves: true, schema: m?.schema ?? null };
      } catch {
        return { resolves: false, schema: null };
      }
    }
    case 'yaml': {
      // Warnings (unresolved tags) go to stderr; keep stdout clean.
      try {
        return { value: YAML.parse(input, { logLevel: 'error' }) ?? null };
      } catch {
        return { error: true };
      }
    }
    case 'schema': {
      // parseSchema, then the tracked-tasks artifact as task-progress.js picks it.
      let schema;
      try {
        schema = parseSchema(input);
      } catch (e) {
        // A YAML syntax error's wording is the YAML library's own.
        const problem = e.name === 'SchemaValidationError' ? e.message : '<YAML syntax error>';
        return { valid: false, tracked: null, problem };
      }
      const tracks = schema.apply?.tracks;
      const artifact = tracks != null
        ? schema.artifacts.find((a) => a.generates === tracks)
        : schema.artifacts.find((a) => a.id === 'tasks');
      return { valid: true, tracked: artifact?.generates ?? null, problem: null };
    }
    case 'tree':
      return tree(JSON.parse(input).files);
    case 'name':
      return { normalized: blocks.normalizeRequirementName(input), folded: blocks.foldRequirementName(input) };
    default:
      return { unknown: kind };
  }
}

// What `list --json`, `list --specs --json` and `validate --all --json` report
// for a tree, computed in-process with the functions those commands call.
async function tree(files) {
  const root = mkdtempSync(join(scratch, 't-'));
  try {
    for (const [rel, content] of Object.entries(files)) {
      const p = join(root, rel);
      if (rel.endsWith('/')) {
        mkdirSync(p, { recursive: true });
        continue;
      }
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    const changesDir = join(root, 'openspec', 'changes');
    const specsDir = join(root, 'openspec', 'specs');
    let names = [];
    try {
      names = readdirSync(changesDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name !== 'archive')
        .map((e) => e.name);
    } catch {}
    const nested = new Map((await findNestedChanges(changesDir, names)).map((f) => [f.name, f.nested]));
    const changes = {};
    for (const name of names) {
      const p = await getTaskProgressForChange(changesDir, name, root);
      const status = p.total === 0 ? 'no-tasks' : p.completed === p.total ? 'complete' : 'in-progress';
      changes[name] = [p.completed, p.total, status, nested.get(name) ?? null];
    }
    const specs = {};
    const items = {};
    const validator = new Validator(false);
    for (const { id, specFile } of await discoverSpecFiles(specsDir)) {
      try {
        specs[id] = new MarkdownParser(readFileSync(specFile, 'utf-8')).parseSpec(id).requirements.length;
      } catch {
        specs[id] = 0;
      }
      const r = await validator.validateSpec(join(specsDir, id, 'spec.md'));
      items[`spec/${id}`] = [r.valid, r.issues.map(issue)];
    }
    for (const id of await getAvailableChanges(root, changesDir)) {
      const found = await findNestedChangesIn(changesDir, id);
      const r = found
        ? { valid: false, issues: [{ level: 'ERROR', path: 'file', message: describeNestedChange(found) }] }
        : await validator.validateChangeDeltaSpecs(join(changesDir, id), { mainSpecsDir: specsDir, projectRoot: root });
      items[`change/${id}`] = [r.valid, r.issues.map(issue)];
    }
    // Messages may name files by absolute path: compare them root-relative.
    for (const item of Object.values(items)) {
      for (const i of item[1]) i[2] = i[2].split(root).join('<root>');
    }
    return { changes, specs, items };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const { kind, text: input } = JSON.parse(line);
  let out;
  try {
    out = await run(kind, input);
  } catch (e) {
    out = { crash: String(e && e.message) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
