#!/usr/bin/env python3
"""Line-level differential tester: random documents through the official
OpenSpec modules (official.mjs) and through the `spec` library
(examples/difftest.rs), compared field by field. Mismatches are minimised
and printed.

    python3 tools/difftest/difftest.py [--cases N] [--seed S] [--kinds tasks,spec,...]

See README.md.
"""

import argparse
import collections
import json
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import Gen, WS, schema_doc, tree_case, yaml_doc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TARGET = os.environ.get('CARGO_TARGET_DIR', '/work/target-diff')
RUST_BIN = os.environ.get('DIFFTEST_RUST', os.path.join(TARGET, 'release', 'examples', 'difftest'))
NODE_SCRIPT = os.path.join(HERE, 'official.mjs')

KINDS = ['tasks', 'spec', 'delta', 'structure', 'reqblocks', 'specval', 'placeholder', 'tasklint',
         'scenarionames', 'name', 'marker', 'metadata', 'yaml', 'schema', 'tree']
# Left out of the default run: `tree` is slower (it writes whole trees), and
# `yaml` compares raw YAML values including the known serde_norway/`yaml`
# divergences (exotic YAML, see README.md).
DEFAULT_KINDS = [k for k in KINDS if k not in ('tree', 'yaml')]
# Issues left out of every comparison: another module (analyse/merge.rs
# `archive_blocker`) is being ported separately.
IGNORED_PREFIXES = ('Archive would refuse this delta',)


def run_batch(cmd, cases):
    data = ''.join(json.dumps({'kind': k, 'text': t}, ensure_ascii=True) + '\n' for k, t in cases)
    env = dict(os.environ, OPENSPEC_TELEMETRY='0')
    out = subprocess.run(cmd, input=data.encode(), capture_output=True, env=env)
    if out.returncode != 0:
        sys.stderr.write(out.stderr.decode(errors='replace'))
        raise SystemExit(f'{cmd[0]} failed')
    lines = out.stdout.decode().split('\n')[:-1]
    if len(lines) != len(cases):
        raise SystemExit(f'{cmd} answered {len(lines)} lines for {len(cases)} cases')
    return [json.loads(line) for line in lines]


def official(cases):
    return run_batch(['node', NODE_SCRIPT], cases)


def ours(cases):
    return run_batch([RUST_BIN], cases)


# A YAML syntax error's wording is the YAML library's own (`yaml` vs libyaml):
# compare only that there is one.
YAML_ERROR = re.compile(r"(Failed to parse schema at '[^']*'): .*\)$", re.S)


def normalise(message):
    return YAML_ERROR.sub(r'\1: <YAML syntax error>)', message)


def issue_diff(a, b):
    """How two issue lists ([level, path, message, line]) differ, or None.
    A line is compared only where the official issue has one."""
    a = [[x[0], x[1], normalise(x[2]), x[3]] for x in a if not x[2].startswith(IGNORED_PREFIXES)]
    b = [[x[0], x[1], normalise(x[2]), x[3]] for x in b if not x[2].startswith(IGNORED_PREFIXES)]
    if [x[:3] for x in a] != [x[:3] for x in b]:
        only = [x[:3] for x in a if x[:3] not in [y[:3] for y in b]]
        extra = [x[:3] for x in b if x[:3] not in [y[:3] for y in a]]
        if only:
            return 'missing issue: ' + only[0][0] + ' ' + only[0][1] + ' ' + only[0][2][:50]
        if extra:
            return 'extra issue: ' + extra[0][0] + ' ' + extra[0][1] + ' ' + extra[0][2][:50]
        return 'issue order'
    for x, y in zip(a, b):
        if x[3] is not None and x[3] != y[3]:
            return 'line of ' + x[2][:50]
    return None


def differs(kind, off, mine):
    """A short signature of how the two answers differ, or None."""
    if 'crash' in off:
        return None  # the official module threw on this input; nothing to match
    if kind == 'tree':
        for key in ('changes', 'specs'):
            if off[key] != mine[key]:
                k = next(k for k in sorted(set(off[key]) | set(mine[key])) if off[key].get(k) != mine[key].get(k))
                return f'{key}: {k}'
        if set(off['items']) != set(mine['items']):
            return 'item set'
        for k in sorted(off['items']):
            (va, ia), (vb, ib) = off['items'][k], mine['items'][k]
            d = issue_diff(ia, ib)
            if d:
                return k.split('/')[0] + ' ' + d
            if va != vb:
                return k.split('/')[0] + ' verdict'
        return None
    if kind == 'specval':
        if off['valid'] != mine['valid']:
            return 'verdict'
        a, b = off['issues'], mine['issues']
        if [x[:3] for x in a] != [x[:3] for x in b]:
            only = [x[:3] for x in a if x[:3] not in [y[:3] for y in b]]
            extra = [x[:3] for x in b if x[:3] not in [y[:3] for y in a]]
            if only:
                return 'missing issue: ' + only[0][0] + ' ' + only[0][1] + ' ' + only[0][2][:50]
            if extra:
                return 'extra issue: ' + extra[0][0] + ' ' + extra[0][1] + ' ' + extra[0][2][:50]
            return 'issue order'
        for x, y in zip(a, b):
            if x[3] is not None and x[3] != y[3]:
                return 'line of ' + x[2][:50]
        return None
    if off == mine:
        return None
    keys = sorted(set(off) | set(mine))
    for k in keys:
        if off.get(k) != mine.get(k):
            return k
    return 'shape'


def check(cases):
    offs = official(cases)
    mines = ours(cases)
    return [(c, o, m, differs(c[0], o, m)) for c, o, m in zip(cases, offs, mines)]


def minimise(kind, text, signature, budget=60):
    """Delta-debug `text` while the mismatch keeps the same signature."""
    def still(cands):
        res = check([(kind, t) for t in cands])
        for (c, _o, _m, d) in res:
            if d == signature:
                return c[1]
        return None

    if kind == 'tree':
        return minimise_tree(text, signature, still, budget)
    rounds = 0
    # Lines first (split on \n only, so other terminators stay inside lines).
    while rounds < budget:
        rounds += 1
        lines = text.split('\n')
        if len(lines) <= 1:
            break
        cands = []
        n = len(lines)
        chunk = max(1, n // 4)
        while chunk >= 1:
            for i in range(0, n, chunk):
                cands.append('\n'.join(lines[:i] + lines[i + chunk:]))
            if chunk == 1:
                break
            chunk //= 2
        found = still(cands)
        if found is None:
            break
        text = found
    # Then characters, in shrinking chunks.
    while rounds < budget and len(text) > 1:
        rounds += 1
        n = len(text)
        cands = []
        chunk = max(1, n // 2)
        while True:
            for i in range(0, n, chunk):
                cands.append(text[:i] + text[i + chunk:])
            if chunk == 1:
                break
            chunk //= 2
        # Keep the batch small for long texts.
        cands = cands[:400]
        found = still(cands)
        if found is None:
            break
        text = found
    return text


def minimise_tree(text, signature, still, budget):
    """Drop files, then lines of the files left, while the mismatch stays."""
    files = json.loads(text)['files']
    enc = lambda fs: json.dumps({'files': fs})  # noqa: E731
    for _ in range(budget):
        cands = [enc({k: v for k, v in files.items() if k != drop}) for drop in files]
        for path, content in files.items():
            lines = content.split('\n')
            for i in range(len(lines)):
                cands.append(enc({**files, path: '\n'.join(lines[:i] + lines[i + 1:])}))
        found = still(cands[:600])
        if found is None:
            break
        files = json.loads(found)['files']
    return enc(files)


def make_case(g: Gen, kind):
    r = g.r
    g.fresh()
    if kind == 'tasks':
        if g.chance(0.5):
            return g.task_line() + (g.pick(WS) if g.chance(0.2) else '')
        return g.join(g.tasks_doc())
    if kind == 'tasklint':
        return g.join(g.tasks_doc())
    if kind in ('spec', 'structure', 'reqblocks', 'specval', 'placeholder'):
        return g.join(g.spec_doc() if g.chance(0.85) else g.delta_doc())
    if kind == 'delta':
        return g.join(g.delta_doc() if g.chance(0.9) else g.spec_doc())
    if kind == 'scenarionames':
        lines = []
        for _ in range(r.randrange(1, 3)):
            lines += g.requirement()
        return g.join(g.mutate(lines))
    if kind == 'tree':
        return tree_case(r)
    if kind == 'schema':
        return schema_doc(g)
    if kind in ('marker', 'metadata'):
        return yaml_doc(g)
    if kind == 'yaml':
        return yaml_doc(g, exotic=True)
    if kind == 'name':
        return g.ws(0.5) + g.name() + g.pick(['', ' ###', '\t##', '  ', '\u00a0#', ' # ']) + g.ws(0.5)
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--cases', type=int, default=2000, help='cases per kind')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--kinds', default=','.join(DEFAULT_KINDS), help='comma-separated: ' + ','.join(KINDS))
    ap.add_argument('--show', type=int, default=3, help='minimised examples per signature')
    ap.add_argument('--no-minimise', action='store_true')
    args = ap.parse_args()
    rng = random.Random(args.seed)
    g = Gen(rng)
    kinds = args.kinds.split(',')
    cases = [(k, make_case(g, k)) for k in kinds for _ in range(args.cases)]
    results = []
    for start in range(0, len(cases), 5000):
        results += check(cases[start:start + 5000])
    by_sig = collections.defaultdict(list)
    for c, o, m, d in results:
        if d:
            by_sig[(c[0], d)].append(c[1])
    per_kind = collections.Counter(c[0] for c, _o, _m, _d in results)
    bad_kind = collections.Counter(c[0] for c, _o, _m, d in results if d)
    print(f'seed {args.seed}: {len(results)} cases')
    for k in kinds:
        print(f'  {k:14} {per_kind[k]:6} cases, {bad_kind[k]:5} mismatches')
    for (kind, sig), texts in sorted(by_sig.items(), key=lambda kv: -len(kv[1])):
        print(f'\n== {kind}: {sig}  ({len(texts)} cases)')
        texts = sorted(texts, key=len)[:args.show]
        seen = set()
        for t in texts:
            small = t if args.no_minimise else minimise(kind, t, sig)
            if small in seen:
                continue
            seen.add(small)
            [(_, o, m, _)] = check([(kind, small)])
            if kind == 'tree':
                for path, content in sorted(json.loads(small)['files'].items()):
                    print(f'  file {path}: {json.dumps(content, ensure_ascii=True)}')
            else:
                print('  input   :', json.dumps(small, ensure_ascii=True))
            print('  official:', json.dumps(o, ensure_ascii=True)[:600])
            print('  ours    :', json.dumps(m, ensure_ascii=True)[:600])
    return 1 if by_sig else 0


if __name__ == '__main__':
    sys.exit(main())
