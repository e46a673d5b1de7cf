#!/usr/bin/env python3
"""Tree-level differential tester: random whole `openspec/` trees in /tmp, read
by the official CLI (`list --json`, `list --specs --json`, `validate --all
--json`) and by `spec` (`list --json`, `list --specs --json`, `check --json`),
compared per change, per spec and per validation item.

    python3 tools/difftest/treetest.py [--trees N] [--seed S] [--keep]

See README.md.
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import TreeGen, disk_extras  # noqa: E402
from difftest import normalise  # noqa: E402

TARGET = os.environ.get('CARGO_TARGET_DIR', '/work/target-diff')
SPEC_BIN = os.environ.get('DIFFTEST_SPEC', os.path.join(TARGET, 'release', 'spec'))
OPENSPEC_BIN = os.environ.get('OPENSPEC_BIN', '/work/scratch/oscli/node_modules/.bin/openspec')
# Only "Archive would refuse this delta" INFO issues are left out: another
# module (analyse/merge.rs `archive_blocker`) is being ported separately.
IGNORED_PREFIXES = ('Archive would refuse this delta',)

def run(cmd, cwd):
    env = dict(os.environ, OPENSPEC_TELEMETRY='0', NO_COLOR='1')
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env)
    try:
        return json.loads(p.stdout.decode())
    except json.JSONDecodeError:
        return {'__error__': p.stdout.decode()[:500] + p.stderr.decode()[:500]}


def issues_of(item, ours):
    out = []
    for i in item['issues']:
        if i['message'].startswith(IGNORED_PREFIXES):
            continue
        out.append((i['level'], i['path'], normalise(i['message']), i.get('line')))
    return out


def compare(root):
    """Every disagreement between the two CLIs on the tree at `root`."""
    o_list = run([OPENSPEC_BIN, 'list', '--json'], root)
    o_specs = run([OPENSPEC_BIN, 'list', '--specs', '--json'], root)
    o_val = run([OPENSPEC_BIN, 'validate', '--all', '--json'], root)
    m_list = run([SPEC_BIN, '--root', root, '--project', '.', 'list', '--json'], root)
    m_specs = run([SPEC_BIN, '--root', root, '--project', '.', 'list', '--specs', '--json'], root)
    m_val = run([SPEC_BIN, '--root', root, '--project', '.', 'check', '--json'], root)
    problems = []
    for name, doc in [('official list', o_list), ('official list --specs', o_specs), ('official validate', o_val),
                      ('spec list', m_list), ('spec list --specs', m_specs), ('spec check', m_val)]:
        if '__error__' in doc:
            problems.append(('crash', name, doc['__error__']))
    if problems:
        return problems
    # The official CLI aborts a whole command on some trees (a looping or
    # dangling symlink where it stats, a main spec linked out of specs/):
    # `spec` reports those as diagnostics and reads on, by design. Such a
    # command is left out of the comparison and counted apart.
    aborted = {name for name, doc in [('list', o_list), ('list --specs', o_specs), ('validate', o_val)]
               if any(st.get('severity') == 'error' for st in doc.get('status', []))}
    for name in sorted(aborted):
        problems.append(('official aborted', name, 'official CLI aborted the command (not compared)'))
    # list --json
    oc = {c['name']: (c['completedTasks'], c['totalTasks'], c['status']) for c in o_list['changes']}
    status = {'draft': 'no-tasks'}
    mc = {c['id']: (c['tasks']['done'], c['tasks']['total'], status.get(c['status'], c['status']))
          for c in m_list['changes'] if not c['archived']}
    for k in sorted(set(oc) | set(mc)) if 'list' not in aborted else []:
        if oc.get(k) != mc.get(k):
            problems.append(('list', k, f'official {oc.get(k)} ours {mc.get(k)}'))
    # list --specs --json
    os_ = {s['id']: s['requirementCount'] for s in o_specs['specs']}
    ms = {s['id']: s['requirements'] for s in m_specs['specs']}
    for k in sorted(set(os_) | set(ms)) if 'list --specs' not in aborted else []:
        if os_.get(k) != ms.get(k):
            problems.append(('list --specs', k, f'official {os_.get(k)} ours {ms.get(k)}'))
    # validate --all --json
    oi = {(x['id'], x['type']): x for x in o_val.get('items', [])}
    mi = {(x['id'], x['type']): x for x in m_val.get('items', [])}
    for k in sorted(set(oi) | set(mi)) if 'validate' not in aborted else []:
        a, b = oi.get(k), mi.get(k)
        if not a or not b:
            problems.append(('validate', f'{k[1]} {k[0]}', f'only {"official" if a else "ours"}'))
            continue
        ai, bi = issues_of(a, False), issues_of(b, True)
        if [x[:3] for x in ai] != [x[:3] for x in bi]:
            only_o = [x for x in ai if x[:3] not in [y[:3] for y in bi]]
            only_m = [x for x in bi if x[:3] not in [y[:3] for y in ai]]
            detail = ''.join(f'\n      only official: {x[0]} {x[1]} {x[2][:160]!r}' for x in only_o)
            detail += ''.join(f'\n      only ours    : {x[0]} {x[1]} {x[2][:160]!r}' for x in only_m)
            if not only_o and not only_m:
                detail = '\n      (same issues, different order)'
            problems.append(('validate', f'{k[1]} {k[0]}', 'issues differ' + detail))
        else:
            for x, y in zip(ai, bi):
                if x[3] is not None and x[3] != y[3]:
                    problems.append(('validate', f'{k[1]} {k[0]}', f'line of {x[2][:60]!r}: official {x[3]} ours {y[3]}'))
        # The verdict, once the ignored INFO issues are out (they never change it).
        if a['valid'] != b['valid']:
            problems.append(('validate', f'{k[1]} {k[0]}', f'verdict official {a["valid"]} ours {b["valid"]}'))
    return problems


def one(seed, keep_dir):
    rng = random.Random(seed)
    g = TreeGen(rng)
    root = tempfile.mkdtemp(prefix=f'difftree-{seed}-', dir='/tmp')
    try:
        g.tree(root)
        disk_extras(g, root)
        problems = compare(root)
        if problems and keep_dir:
            dest = os.path.join(keep_dir, f'tree-{seed}')
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(root, dest, symlinks=True)
        return seed, problems
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--trees', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1, help='first seed; tree i uses seed+i')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--keep', default='/tmp/difftrees', help='copy failing trees here ("" to keep none)')
    ap.add_argument('--show', type=int, default=40, help='problems to print')
    args = ap.parse_args()
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    failing = 0
    aborted = 0
    shown = 0
    kinds = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for seed, problems in pool.map(lambda s: one(s, args.keep), range(args.seed, args.seed + args.trees)):
            if not problems:
                continue
            if all(p[0] == 'official aborted' for p in problems):
                aborted += 1
                continue
            failing += 1
            for p in problems:
                key = (p[0], p[2].split('\n')[0][:40])
                kinds[key] = kinds.get(key, 0) + 1
                if shown < args.show:
                    shown += 1
                    print(f'tree {seed}: [{p[0]}] {p[1]}: {p[2]}')
    print(f'\n{args.trees} trees (seeds {args.seed}..{args.seed + args.trees - 1}), {failing} with disagreements, '
          f'{aborted} more where the official CLI aborted a command (not compared)')
    for (kind, what), n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f'  {n:5}  [{kind}] {what}')
    return 1 if failing else 0


if __name__ == '__main__':
    sys.exit(main())
