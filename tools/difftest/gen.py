"""Random documents from a grammar of tricky OpenSpec pieces.

Shared by the line-level driver (difftest.py) and the tree-level driver
(treetest.py). Everything is driven by a `random.Random`, so a seed
reproduces a run.
"""

import os
import random

# Whitespace as JS `\s` sees it, plus look-alikes it does not match (U+0085,
# U+200B, U+180E) and line terminators JS `.` stops at.
WS = ['', ' ', '  ', '\t', ' \t', '\u00a0', '\ufeff', '\u0085', '\u2028', '\u2029', '\u3000',
      '\u000b', '\u000c', '\u1680', '\u200b', '\u180e', '\u2003', '\u202f', '\r']
COMMON_WS = ['', ' ', ' ', ' ', '  ', '\t']

MARKERS = ['-', '*', '+', '1.', '1)', '10.', '123456789.', '1234567890.', '0)', '--', '**',
           '\u2013', '>', '> -', '#', '##', '', 'a.', '1', '-1.']
BOXES = ['[ ]', '[x]', '[X]', '[]', '[ x ]', '[~]', '[\u2713]', '[\U0001F6A7]', '[A](url)', '[ ](x)',
         '[1][ref]', '[x](http://e)', '[  ]', '[\t]', '[xx]', '[ x]', '[x ]', '[\u00a0]', '[\ufeff]',
         '[\u0085]', '[ ][r]', '[x][r]', '[', ']', '[-]', '[WIP]', '[\u2028]', '[ \u00a0x\u3000]',
         '[\u00e9]', '[x]]', '[[x]', '[ ] [x]', '[\u200b]']
DESCRIPTIONS = ['', 'a', ' a ', 'do it', '1.1 Do it', '2.1 x', '1.1a y', '1.2.3', '1.2:', '01.1 z',
                'text\r', 'a\u2028b', 'SHALL', 'a  ', '\u00a0x\u00a0', '(x)', '[y]', '1.1\u00a0n',
                '3.1 late', '1.1 Do it']

NAMES = ['A', 'B', 'a', 'A ', 'A ##', 'A  B', 'a  b', 'A b', 'C#', 'A\u00a0##', 'A #', 'A\t#\t',
         'The system SHALL x', 'X MUST', 'Login', 'login', '`A`', 'A`', 'A ### B', '#', '##', 'A\u00a0',
         '\u0391\u03a3 B', '\u03b1\u03c3 b', '\u0130x', 'i\u0307x', 'A\u0085', 'A\u2003B', 'a\u2003b']

BODY = ['The system SHALL do x.', 'Users MUST log in.', 'MUST', 'SHALLOW', 'xSHALL', '_MUST',
        '\u00e9MUST\u00e9', 'shall be', 'it SHALL_', 'SHALL.', '**ID**: x', '**Priority**: high',
        '**Constraint**: MUST y', '** x**: y', '**a*b**: c', '- **WHEN** a', '- **THEN** b',
        '- WHEN x', '', '', '', '   ', '\t', '\u00a0', '\ufeff', 'text', 'plain words',
        'TBD', 'TODO: write', 'todo el sistema', 'Todo - later', 'tbd.', 'TODOs remain', 'TBD\u0663',
        'TBD - created by archiving change foo. Update Purpose after archive.',
        'See TBD - created by archiving change x',
        'A purpose that is long enough to pass the fifty character threshold easily.',
        'x' * 510, 'SHALL ' + 'y' * 500, '\U0001F600' * 251, 'MUST ' + '\u00e9' * 496,
        '\U0001F600' * 25, '\U0001F600' * 24 + 'a', 'x' * 49, 'x' * 50, '<!-- comment -->', '<!--', '-->',
        '1. item', '- item', '* item', '    - code item', '---', '***', '- - -']

CLEAN_BODY = ['The system SHALL do x.', 'Users MUST log in.', '- **WHEN** a', '- **THEN** b', '', 'text',
              'A purpose that is long enough to pass the fifty character threshold easily.', '**ID**: x']

FENCES = ['```', '````', '~~~', '~~~~', '  ```md', '```  ', '``', '`` `', '    ```', '\t~~~',
          '```js', '~~~ ```', '``` x', '\u00a0```', '\ufeff```', '```\r', '`````']

REMOVED_BULLETS = ['- `### Requirement: {n}`', '* ### Requirement: {n}', '+`### Requirement: {n}`',
                   '-### Requirement: {n}`', '- ### Requirement:{n}', '  - `###Requirement: {n}`',
                   '- `### requirement: {n}`', '1. `### Requirement: {n}`', '- `### Requirement: `',
                   '-\u00a0### Requirement: {n}', '- `### Requirement: {n}` ', '- ``### Requirement: {n}``']
FROM_LINES = ['- FROM: `### Requirement: {n}`', 'FROM: ### Requirement: {n}', '* FROM:### Requirement: {n}',
              '+ FROM: `###Requirement: {n}`', '- from: `### Requirement: {n}`', '  FROM:`### Requirement: {n}`',
              '- FROM: `### Requirement: {n}` ', '-- FROM: `### Requirement: {n}`', 'FROM:### Requirement:{n}']
TO_LINES = ['- TO: `### Requirement: {n}`', 'TO: ### Requirement: {n}', '* TO:### Requirement: {n}',
            '+ TO: `###Requirement: {n}`', '- to: `### Requirement: {n}`', '  TO:`### Requirement: {n}`',
            'TO:### Requirement:{n}']

SECTION_TITLES = ['ADDED Requirements', 'MODIFIED Requirements', 'REMOVED Requirements', 'RENAMED Requirements',
                  'Added requirements', 'added requirements', 'ADDED  Requirements', 'MODIFIED\tRequirements',
                  'Removed Requirements', 'renamed REQUIREMENTS', 'ADDED Requirements ', 'ADDED Requirements ##',
                  'Notes', 'Purpose', 'Requirements', 'Why', '']
SPEC_TITLES = ['Purpose', 'purpose', 'PURPOSE', 'Requirements', 'requirements', 'Requirements (v2)',
               'Requirements ##', 'Requirements\u00a0', ' Requirements', 'Purpose ##', 'Notes', 'Overview',
               'ADDED Requirements', 'Scenario: s', '', ' ']
REQ_PREFIXES = ['Requirement: ', 'Requirement:', 'requirement: ', 'REQUIREMENT: ', 'Requirement:  ',
                'Requirement\u00a0: ', 'Requirement : ', '', 'Requirement: ']
SCEN_PREFIXES = ['Scenario: ', 'Scenario:', 'scenario: ', '', 'Scenario:\u00a0']
HASH_SEPS = [' ', ' ', ' ', '', '  ', '\t', '\u00a0', '\ufeff', '\u3000', '\u0085', '\u2028']
CLOSERS = ['', '', '', '', ' ###', '##', ' #', '\t#\t', ' ', '\u00a0##', ' # ']
EOLS = ['\n'] * 12 + ['\r\n', '\r\n', '\r', '\u2028', '\u0085']


class Gen:
    def __init__(self, rng: random.Random):
        self.r = rng
        # Probability that a piece takes a tricky variant instead of the
        # canonical one; set per document by `fresh`.
        self.weird = 0.3

    def fresh(self):
        self.weird = self.pick([0.0, 0.02, 0.05, 0.1, 0.2, 0.4])

    def odd(self):
        return self.chance(self.weird)

    def pick(self, xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    def ws(self, common=0.7):
        return self.pick(COMMON_WS) if self.chance(common) else self.pick(WS)

    # ---- single lines ----
    def task_line(self):
        lead = self.pick(['', '', '', '  ', '    ', '\t', '        ']) if self.chance(0.8) else self.pick(WS)
        marker = self.pick(MARKERS[:5]) if self.chance(0.7) else self.pick(MARKERS)
        box = self.pick(BOXES[:7]) if self.chance(0.5) else self.pick(BOXES)
        desc = self.pick(DESCRIPTIONS)
        return lead + marker + self.ws() + box + self.ws() + desc

    def name(self):
        return self.pick(NAMES)

    def header(self, level=None, title=None):
        level = level if level is not None else self.pick([1, 2, 2, 3, 3, 4, 4, 5, 6, 7])
        hashes = '#' * level
        if self.odd() and self.chance(0.2):
            hashes = self.pick([' ', '  ', '\t']) + hashes
        title = title if title is not None else self.pick(SPEC_TITLES)
        if not self.odd():
            return hashes + ' ' + title
        return hashes + self.pick(HASH_SEPS) + title + self.pick(CLOSERS) + (self.ws(0.9) if self.chance(0.3) else '')

    def req_header(self):
        if not self.odd():
            return '### Requirement: ' + self.pick(NAMES[:8])
        if self.chance(0.5):
            prefix = 'Requirement: '
            hashes = '###'
            sep = ' '
        else:
            prefix = self.pick(REQ_PREFIXES)
            hashes = self.pick(['###', '###', '####', '##'])
            sep = self.pick(HASH_SEPS)
        name = self.name() if self.chance(0.95) else ''
        return hashes + sep + prefix + name + self.pick(CLOSERS) + (self.ws() if self.chance(0.1) else '')

    def scen_header(self):
        if not self.odd():
            return '#### Scenario: ' + self.pick(['s', 't', 'ok'])
        hashes = '####' if self.chance(0.85) else self.pick(['#####', '###', '######'])
        return hashes + (' ' if self.chance(0.85) else self.pick(HASH_SEPS)) + self.pick(SCEN_PREFIXES) + \
            self.pick(['s', 't', 'ok', 's ##', 'Edge case', '']) + self.pick(CLOSERS[:6])

    def body_line(self):
        if not self.odd():
            return self.pick(CLEAN_BODY)
        return self.pick(BODY)

    def noise_line(self):
        k = self.r.randrange(12)
        if k == 0:
            return self.pick(FENCES)
        if k == 1:
            return self.task_line()
        if k == 2:
            return self.header()
        if k == 3:
            return self.req_header()
        if k == 4:
            return self.scen_header()
        if k == 5:
            return self.pick(REMOVED_BULLETS).format(n=self.name())
        if k == 6:
            return self.pick(FROM_LINES + TO_LINES).format(n=self.name())
        if k == 7:
            return self.header(2, self.pick(SECTION_TITLES))
        return self.body_line()

    # ---- documents ----
    def scenario(self):
        out = [self.scen_header()]
        if self.chance(0.8):
            for _ in range(self.r.randrange(1, 3)):
                out.append(self.pick(['- **WHEN** a', '- **THEN** b', 'x', '', '##### deeper', '```', '```']))
        return out

    def requirement(self):
        out = [self.req_header()]
        if self.chance(0.85):
            for _ in range(self.r.randrange(1, 3)):
                out.append(self.body_line())
        for _ in range(self.r.choice([0, 1, 1, 1, 2, 3])):
            out.extend(self.scenario())
        return out

    def spec_doc(self):
        out = []
        if self.chance(0.7):
            out.append(self.header(1, self.pick(['Spec', 'auth Specification', '', 'Purpose'])))
        parts = []
        if self.chance(0.85):
            p = [self.header(2, 'Purpose' if not self.odd() else self.pick(['Purpose'] * 6 + SPEC_TITLES))]
            p.extend(self.body_line() for _ in range(self.r.choice([0, 1, 1, 2, 2, 3])))
            parts.append(p)
        if self.chance(0.85):
            p = [self.header(2, 'Requirements' if not self.odd() else self.pick(['Requirements'] * 6 + SPEC_TITLES))]
            for _ in range(self.r.randrange(0, 4)):
                p.extend(self.requirement())
            parts.append(p)
        if self.odd():
            p = [self.header(2, self.pick(SECTION_TITLES))]
            for _ in range(self.r.randrange(0, 2)):
                p.extend(self.requirement())
            parts.append(p)
        self.r.shuffle(parts) if self.chance(0.2) else None
        for p in parts:
            out.extend(p)
        return self.mutate(out)

    def delta_section(self, title):
        out = [self.header(2, title)]
        kind = title.split()[0].lower() if title else ''
        for _ in range(self.r.randrange(0, 4)):
            if kind == 'removed' and self.chance(0.6):
                out.append(self.pick(REMOVED_BULLETS).format(n=self.name()))
            elif kind == 'renamed':
                if self.chance(0.8):
                    out.append(self.pick(FROM_LINES).format(n=self.name()))
                if self.chance(0.8):
                    out.append(self.pick(TO_LINES).format(n=self.name()))
            else:
                out.extend(self.requirement())
            if self.chance(0.15):
                out.append(self.header(3, self.pick(['Notes', 'Requirement:', 'requirement', 'Documentation Requirements'])))
        return out

    def delta_doc(self):
        out = []
        if self.chance(0.5):
            out.append(self.header(1, 'Delta'))
        if self.chance(0.15):
            out.extend(self.requirement())
        for _ in range(self.r.choice([0, 1, 1, 2, 2, 3, 4])):
            title = self.pick(SECTION_TITLES[:4] if not self.odd() else SECTION_TITLES)
            out.extend(self.delta_section(title))
        return self.mutate(out)

    def tasks_doc(self):
        out = []
        if self.chance(0.2):
            out += ['---', 'tags:', '- a', '---']
        out.append(self.pick(['# Tasks', '# Tasks', '', '## 1. Setup']))
        for g in range(self.r.randrange(0, 4)):
            out.append(self.pick(['## {g}. Group', '## {g}.', '##  0{g}. G', '## Group {g}', '### {g}. x',
                                  '## {g}.x', '##\t{g}.\tT', '   ## {g}. indented', '## {g}. G\r']).format(g=g + 1))
            for _ in range(self.r.randrange(0, 4)):
                if self.chance(0.6):
                    sub = self.pick(['1.1', '1.2', '2.1', '{g}.1', '{g}.2', '{g}.1a', '{g}', '0{g}.1', '{g}.1.1'])
                    out.append(self.pick(['- [ ] ', '- [x] ', '  - [ ] ', '1. [ ] ', '- ']) + sub.format(g=g + 1) +
                               self.pick([' Do it', '', ':', '\tx', '\r']))
                else:
                    out.append(self.noise_line() if self.chance(0.5) else self.pick(BODY))
        return self.mutate(out, p=0.3)

    def mutate(self, lines, p=None):
        lines = list(lines)
        if self.chance(self.weird * 2 if p is None else p):
            for _ in range(self.r.randrange(1, 4)):
                op = self.r.randrange(4)
                i = self.r.randrange(len(lines) + 1)
                if op == 0 or not lines:
                    lines.insert(i, self.noise_line())
                elif op == 1 and i < len(lines):
                    del lines[i]
                elif op == 2 and i < len(lines):
                    lines[i] = self.noise_line()
                elif op == 3:
                    lines.insert(i, self.pick(FENCES))
        return lines

    def join(self, lines):
        if not lines:
            return ''
        if not self.odd():
            text = '\n'.join(lines)
        elif self.chance(0.7):
            eol = self.pick(EOLS[:14])
            text = eol.join(lines)
        else:
            text = ''.join(line + self.pick(EOLS) for line in lines[:-1]) + lines[-1]
        if self.chance(0.5):
            text += '\n'
        if self.chance(0.05):
            text = '\ufeff' + text
        if self.chance(0.03):
            text = '\ufeff\ufeff' + text
        return text


# ---- `.openspec.yaml` ----
YAML_KEYS = ['schema', 'skip_specs', 'created', 'goal', 'affected_areas', 'initiative', 'retire_capabilities',
             'dependsOn', 'x', "'skip_specs'", '"skip_specs"', 'Skip_specs', 'skip_specs ', '1', 'true', 'null', '<<']
YAML_SCALARS = ['true', 'false', 'True', 'TRUE', 'yes', 'no', 'on', 'y', '~', 'null', 'Null', '', '1', '0',
                '0x1', '0o17', '1_000', '.5', '1e3', '.inf', '-.Inf', '.nan', '+1', '-0', '"true"', "'true'",
                'spec-driven', '"spec-driven"', "'spec-driven'", '!!str spec-driven', 'other', '""', "''",
                '2024-01-01', '2024-1-1', "'2024-01-01'", '2024-01-01T10:00:00Z', '2024-01-01 10:00', '12:30',
                '!custom x', '! x', '&a true', '*a', '@x', '`x`',
                '%x', '"unterminated', "'it''s'", '"a\\u0041"', '"\\x"', 'a: b', 'a #c', 'x # comment', '[a, b]',
                '[a, ""]', '[]', '{}', '{store: a, id: b}', '{store: A, id: b}', '{store: a, id: b, x: 1}',
                '{store: a}', '[a,', '{a', '|\n  block\n', '>-\n  folded', '\n  - a\n  - b', '\n  store: a\n  id: b',
                '\n- a', '- a', 'a:b', '-', '\t1', 'x\ty', '\u00a0true',
                'true\u00a0', '"\u2028"', '\u00e9']
# Known divergences of serde_norway (libyaml) from the `yaml` package the
# official CLI uses, left out of the default pool (see README.md): tags the
# `yaml` package leaves unresolved or turns into other types, ints with
# leading zeros, complex keys, block scalars at end of input, bare `:`/`...`
# lines and lone `\r` before `#`.
YAML_EXOTIC = ['!!bool yes', '!!bool', '!!bool true', '!!int "3"', '!!binary aGk=', '07', '-07', '00', '0b1', '|\n  block',
               '? x', '...', '---', '\r#', '9007199254740993', '1e400', ':', '::']


def yaml_doc(g: Gen, exotic=False):
    scalars = YAML_SCALARS + (YAML_EXOTIC if exotic else [])
    keys_pool = YAML_KEYS + (['? skip_specs\n'] if exotic else [])
    lines = []
    if g.chance(0.1):
        lines.append(g.pick(['---', '%YAML 1.2\n---', '# c', '%TAG ! tag:x,2000:', '--- !!map']))
    keys = ['schema', 'skip_specs'] if g.chance(0.6) else []
    for _ in range(g.r.randrange(0, 4)):
        keys.insert(g.r.randrange(len(keys) + 1), g.pick(keys_pool))
    for k in keys:
        if k == 'schema' and g.chance(0.7):
            v = 'spec-driven'
        elif k == 'skip_specs' and g.chance(0.5):
            v = 'true'
        else:
            v = g.pick(scalars)
        sep = ': ' if g.chance(0.85) else g.pick([':', ' : ', ':\t', ':  ', '\t: '])
        indent = '' if g.chance(0.92) else g.pick([' ', '  ', '\t'])
        lines.append(indent + k + sep + v)
    if g.chance(0.1):
        lines.append(g.pick(['--- \nx: 1', '# trailing', '  ', '\t', 'x: [', 'bare'] + (['---', '...'] if exotic else [])))
    text = g.pick(['\n', '\n', '\n', '\r\n'] + (['\r'] if exotic else [])).join(lines)
    if g.chance(0.7):
        text += '\n'
    if g.chance(0.05):
        # (A BOM before an indented first line is another known divergence.)
        text = '\ufeff' + (text if exotic else text.lstrip(' \t'))
    return text


# ---- whole trees ----
CHANGE_NAMES = ['add-x', 'fix-y', 'a', 'B', 'a_b', 'a.b', 'a-b', 'a1', 'Add-Z', 'x y', 'auth', 'z-last',
                '2024-01-01-dated']
CAPS = ['auth', 'Auth', 'a_b', 'a-b', 'a.b', 'a1', 'area/cap', 'area/sub/cap', 'x', 'B', 'login']

METADATA = [
    'schema: spec-driven\n',
    'schema: spec-driven\nskip_specs: true\n',
    'schema: spec-driven\nskip_specs: false\n',
    "schema: spec-driven\nskip_specs: 'yes'\n",
    'schema: spec-driven\nskip_specs: yes\n',
    'schema: spec-driven\nskip_specs: True\n',
    'schema: spec-driven\nskip_specs: TRUE\n',
    'schema: spec-driven\nskip_specs: ~\n',
    'schema: spec-driven\nskip_specs:\n',
    'schema: spec-driven\nskip_specs: 1\n',
    'schema: spec-driven\nskip_specs: !!bool true\n',
    'schema: spec-driven\nskip_specs: &a true\nx: *a\n',
    'schema: spec-driven\nskip_specs: true # note\n',
    'skip_specs: true\n',
    'schema: other\nskip_specs: true\n',
    'schema: other\n',
    'schema: ""\nskip_specs: true\n',
    'schema: 1\nskip_specs: true\n',
    'schema: spec-driven\nskip_specs: true\ncreated: 2024-1-1\n',
    'schema: spec-driven\nskip_specs: true\ncreated: 2024-01-01\n',
    "schema: spec-driven\nskip_specs: true\ncreated: '2024-01-01'\n",
    'schema: spec-driven\nskip_specs: true\ncreated: 2024-01-01T10:00:00Z\n',
    'schema: spec-driven\nskip_specs: true\ngoal: ""\n',
    'schema: spec-driven\nskip_specs: true\naffected_areas: [a, ""]\n',
    'schema: spec-driven\nskip_specs: true\naffected_areas: a\n',
    'schema: spec-driven\nskip_specs: true\ninitiative: {store: A, id: b}\n',
    'schema: spec-driven\nskip_specs: true\ninitiative: {store: a, id: b, x: 1}\n',
    'schema: spec-driven\nskip_specs: true\ninitiative: {store: a}\n',
    'schema: spec-driven\nskip_specs: true\nretire_capabilities: maybe\n',
    'schema: spec-driven\nskip_specs: true\ndependsOn: [a]\nparent: p\n',
    'schema: [\n',
    'skip_specs: [\n',
    'schema: spec-driven\nskip_specs: [\n',
    '\ufeffschema: spec-driven\nskip_specs: true\n',
    'schema: spec-driven\n  skip_specs: true\n',
    '---\nschema: spec-driven\nskip_specs: true\n---\nx: 1\n',
    'schema: spec-driven\nskip_specs: true\nskip_specs: false\n',
    "'skip_specs': true\nschema: spec-driven\n",
    '"skip_specs" : true\nschema: spec-driven\n',
    'schema: spec-driven\r\nskip_specs: true\r\n',
    '# comment only\n',
    '',
    '- a\n- b\n',
    'schema: spec-driven\nskip_specs: true\n\tx: 1\n',
    'schema: spec-driven\nskip_specs: true\nx: [\n',
    '  skip_specs: true\n: bad\n',
    'schema: spec-driven\nskip_specs: true\n...\n',
    'schema: spec-driven\nskip_specs: true\n--- \n',
    'schema: spec-driven\nSkip_specs: true\n',
    'schema: spec-driven\nskip_specs: "true"\n',
    'schema: spec-driven\nskip_specs: 0x1\n',
    'schema: spec-driven\nskip_specs: null\n',
    '{schema: spec-driven, skip_specs: true}\n',
    'schema: spec-driven\nskip_specs: true\n? complex\n',
    'schema: !!str spec-driven\nskip_specs: true\n',
    'schema: spec-driven\nskip_specs: true\nkey: "unterminated\n',
    'schema: spec-driven\nskip_specs: true\nkey: @bad\n',
    'schema: spec-driven\nskip_specs: true\nkey: `bad\n',
    'schema: spec-driven\nskip_specs: true\nkey: %bad\n',
    'schema: spec-driven\nskip_specs: true\nlist:\n- a\n - b\n',
    'schema: spec-driven\nskip_specs: true\n<<: {a: 1}\n',
    'schema: spec-driven\nskip_specs: true\nx: !custom 1\n',
]
CONFIGS = ['schema: spec-driven\n', 'schema: custom\n', 'schema: [\n', 'context: x\n', 'schema: other\n', '']


class TreeGen(Gen):
    def write(self, path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8', newline='') as f:
            f.write(text)

    def doc(self, kind):
        self.fresh()
        if kind == 'spec':
            return self.join(self.spec_doc())
        if kind == 'delta':
            return self.join(self.delta_doc() if self.chance(0.95) else self.spec_doc())
        return self.join(self.tasks_doc())

    def derived_delta(self, main):
        """A delta written against an existing main spec: MODIFIED copies of
        its requirement blocks with scenarios dropped, renamed or added,
        RENAMED/REMOVED entries naming its requirements."""
        self.fresh()
        blocks, current = [], None
        for line in main.replace('\r\n', '\n').split('\n'):
            if line.startswith('### Requirement:'):
                current = [line]
                blocks.append(current)
            elif line.startswith('## '):
                current = None
            elif current is not None:
                current.append(line)
        if not blocks:
            return self.doc('delta')
        out = []
        picked = self.r.sample(blocks, self.r.randrange(1, len(blocks) + 1))
        out.append('## MODIFIED Requirements')
        for block in picked:
            lines = list(block)
            scen = [i for i, l in enumerate(lines) if l.startswith('####')]
            if scen and self.chance(0.6):
                i = self.pick(scen)
                op = self.r.randrange(3)
                if op == 0:
                    lines[i] = '#### Scenario: renamed'
                elif op == 1:
                    del lines[i]
                else:
                    lines[i] = lines[i] + ' ###'
            if self.chance(0.3):
                lines += ['#### Scenario: extra', '- THEN x']
            out += lines
        names = [b[0].split(':', 1)[1].strip() for b in blocks]
        if self.chance(0.3):
            out += ['## RENAMED Requirements', '- FROM: `### Requirement: ' + self.pick(names) + '`',
                    '- TO: `### Requirement: ' + self.pick(names + ['New']) + '`']
        if self.chance(0.2):
            out += ['## REMOVED Requirements', '- `### Requirement: ' + self.pick(names) + '`']
        return self.join(self.mutate(out, p=0.2))

    def proposal(self):
        return self.pick(['# Change: X\n\n## Why\nBecause.\n\n## What Changes\n- **auth:** add a thing\n',
                          '# Proposal\n', '', '## Why\n'])

    def change(self, base, name, caps):
        d = os.path.join(base, name)
        os.makedirs(d, exist_ok=True)
        shape = self.r.random()
        if shape < 0.07:
            return  # empty folder
        if shape < 0.14:
            # A namespace folder wrapping nested changes.
            for child in self.r.sample(['one', 'two', 'deep/three', 'a/b/c/d', '.dot'], self.r.randrange(1, 3)):
                c = os.path.join(d, child)
                os.makedirs(c, exist_ok=True)
                which = self.pick(['tasks.md', 'proposal.md', '.openspec.yaml', 'design.md', 'specs', 'notes.md', None])
                if which == 'specs':
                    self.write(os.path.join(c, 'specs', 'x', 'spec.md'), '## ADDED Requirements\n')
                elif which:
                    self.write(os.path.join(c, which), '- [ ] a\n' if which == 'tasks.md' else 'schema: spec-driven\n')
            if self.chance(0.2):
                self.write(os.path.join(d, self.pick(['README.md', '.keep'])), 'x\n')
            return
        if self.chance(0.7):
            self.write(os.path.join(d, 'tasks.md'), self.doc('tasks'))
        if self.custom_schema and self.chance(0.6):
            for extra in self.r.sample(['plan/a.md', 'plan/b.md', 'docs/tasks.md', 'tasks/x.md', 'sub/tasks.md',
                                        'a.md', '.hidden/x.md', 'plan/.x.md'], self.r.randrange(1, 4)):
                self.write(os.path.join(d, extra), self.doc('tasks'))
        if self.chance(0.5):
            self.write(os.path.join(d, 'proposal.md'), self.proposal())
        if self.chance(0.15):
            self.write(os.path.join(d, 'design.md'), '# Design\n')
        if self.chance(0.5):
            if self.custom_schema and self.chance(0.5):
                meta = 'schema: ' + self.pick(['custom', 'custom.yaml', 'spec-driven', 'nodir']) + '\n'
            else:
                meta = self.pick(METADATA) if self.chance(0.7) else yaml_doc(self)
            self.write(os.path.join(d, '.openspec.yaml'), meta)
        if self.chance(0.75):
            specs = os.path.join(d, 'specs')
            os.makedirs(specs, exist_ok=True)
            for cap in self.r.sample(caps + CAPS, self.r.randrange(0, 4)):
                main = getattr(self, 'main_texts', {}).get(cap)
                text = self.derived_delta(main) if main and self.chance(0.4) else self.doc('delta')
                self.write(os.path.join(specs, cap, 'spec.md'), text)
            if self.chance(0.06):
                self.write(os.path.join(specs, 'spec.md'), self.doc('delta'))
            if self.chance(0.06):
                self.write(os.path.join(specs, self.pick(['cap.md', 'Notes.MD', 'x.md.txt'])), self.doc('delta'))
            if self.chance(0.06):
                self.write(os.path.join(specs, self.pick(CAPS), self.pick(['delta.md', 'README.md'])), self.doc('delta'))
            if self.chance(0.05):
                self.write(os.path.join(specs, '.hidden', 'spec.md'), self.doc('delta'))
            if self.chance(0.05):
                self.write(os.path.join(specs, self.pick(['.DS_Store', '.gitkeep', 'README'])), '')
            if self.chance(0.04):
                os.makedirs(os.path.join(specs, 'empty-dir'), exist_ok=True)
        if self.chance(0.03):
            self.write(os.path.join(d, 'specs'), 'not a folder\n') if not os.path.exists(os.path.join(d, 'specs')) else None

    def tree(self, root):
        o = os.path.join(root, 'openspec')
        os.makedirs(o)
        self.custom_schema = self.chance(0.2)
        if self.custom_schema:
            for name in self.r.sample(['custom', 'spec-driven', 'nodir'], self.r.randrange(1, 3)):
                if name == 'nodir':
                    os.makedirs(os.path.join(o, 'schemas', name), exist_ok=True)
                    continue
                self.fresh()
                self.write(os.path.join(o, 'schemas', name, 'schema.yaml'),
                           schema_doc(self, self.pick(['plan/*.md', '**/tasks.md', 'docs/tasks.md', 'tasks.md', '*.md'])))
        if self.chance(0.15) or self.custom_schema:
            self.write(os.path.join(o, 'config.yaml'),
                       self.pick(CONFIGS + ['schema: custom\n', 'schema: custom.yml\n'] * 3))
        if self.chance(0.2):
            self.write(os.path.join(o, 'project.md'), '# Project\n')
        caps = self.r.sample(CAPS, self.r.randrange(0, 5))
        self.main_texts = {}
        for cap in caps:
            self.main_texts[cap] = self.doc('spec')
            self.write(os.path.join(o, 'specs', cap, 'spec.md'), self.main_texts[cap])
        if self.chance(0.05):
            self.write(os.path.join(o, 'specs', 'spec.md'), self.doc('spec'))
        if self.chance(0.05):
            self.write(os.path.join(o, 'specs', '.hidden', 'spec.md'), self.doc('spec'))
        if self.chance(0.05):
            self.write(os.path.join(o, 'specs', 'cap', 'spec.md', 'spec.md'), self.doc('spec'))
        if self.chance(0.05):
            self.write(os.path.join(o, 'specs', 'notes.md'), '# notes\n')
        changes = os.path.join(o, 'changes')
        os.makedirs(changes, exist_ok=True)
        names = self.r.sample(CHANGE_NAMES, self.r.randrange(0, 5))
        if self.chance(0.1):
            names.append(self.pick(['.hidden', '.draft']))
        for name in names:
            self.change(changes, name, caps)
        if self.chance(0.3):
            self.change(os.path.join(changes, 'archive'), '2024-01-01-' + self.pick(CHANGE_NAMES), caps)
        if self.chance(0.1):
            self.write(os.path.join(changes, 'IMPLEMENTATION_ORDER.md'), '- [ ] a\n')


def snapshot(root):
    """Every file (path -> text) and empty folder (path + '/') under root."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if not dirnames and not filenames:
            files[rel + '/'] = ''
        for f in filenames:
            p = os.path.join(dirpath, f)
            with open(p, encoding='utf-8', newline='') as fh:
                files[os.path.relpath(p, root)] = fh.read()
    return files


def tree_case(rng: random.Random):
    """A whole random tree, as the JSON text the `tree` kind reads."""
    import json
    import shutil
    import tempfile
    root = tempfile.mkdtemp(prefix='difftree-', dir='/tmp')
    try:
        TreeGen(rng).tree(root)
        return json.dumps({'files': snapshot(root)})
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ---- workflow `schema.yaml` ----
SCHEMA_GENERATES = ['tasks.md', 'plan/*.md', '**/tasks.md', 'docs/tasks.md', 'tasks/*.md', '*.md', 'proposal.md',
                    '../tasks.md', '/abs/tasks.md', 'C:tasks.md', '\\tasks.md', '', 'a\\..\\b.md', 'todo?.md',
                    '{a,b}.md', 'specs/**/*.md', 'plan/[ab].md', '.hidden/*.md']


def schema_doc(g: Gen, generates=None):
    """A `schema.yaml`, valid most of the time, with one defect now and then."""
    arts = []
    ids = ['proposal', 'tasks', 'plan']
    for i, aid in enumerate(ids[:g.r.randrange(1, 4)]):
        gen = generates if (generates and aid == 'tasks') else g.pick(SCHEMA_GENERATES[:6]) if not g.odd() else g.pick(SCHEMA_GENERATES)
        fields = {'id': aid, 'generates': json_str(gen), 'description': 'd', 'template': 't.md'}
        if i and g.chance(0.5):
            fields['requires'] = '[' + g.pick(ids[:i] + ['nope'] if g.odd() else ids[:i]) + ']'
        if g.odd():
            fields.pop(g.pick(list(fields)))
        if g.odd():
            fields[g.pick(list(fields))] = g.pick(['~', '1', '""', '[]', '{}'])
        arts.append('  - ' + '\n    '.join(f'{k}: {v}' for k, v in fields.items()))
    if g.odd():
        arts.append(arts[0])
    lines = ['name: ' + ('custom' if not g.odd() else g.pick(['""', '1', '~'])),
             'version: ' + ('1' if not g.odd() else g.pick(['0', '-1', '1.5', '2.0', '"1"', '~', '9007199254740993'])),
             'artifacts:' + ('' if arts else ' []')] + arts
    if g.chance(0.6):
        req = g.pick(['[tasks]', '[proposal]', '[]', '[nope]', 'tasks', '~']) if g.odd() else '[proposal]'
        lines.append('apply:\n  requires: ' + req)
        if g.chance(0.7):
            tr = g.pick(['tasks.md', 'plan/*.md', '**/tasks.md', 'docs/tasks.md', '~', '../x.md', 'x.md', '""'])
            lines.append('  tracks: ' + (json_str(generates) if generates and g.chance(0.6) else tr))
    if g.odd():
        lines.insert(g.r.randrange(len(lines) + 1), g.pick(['description: 1', 'extra: x', 'description: ok']))
    return '\n'.join(lines) + '\n'


def json_str(s):
    import json
    return json.dumps(s)


def disk_extras(g: Gen, root):
    """What only a real tree on disk can hold (for treetest.py): symlinks to
    change folders, capabilities, spec and task files (inside the tree,
    dangling, or looping), and files with bytes that are not UTF-8."""
    o = os.path.join(root, 'openspec')
    changes = os.path.join(o, 'changes')
    specs = os.path.join(o, 'specs')
    names = sorted(n for n in os.listdir(changes) if os.path.isdir(os.path.join(changes, n)) and n != 'archive') \
        if os.path.isdir(changes) else []
    caps = []
    if os.path.isdir(specs):
        for dirpath, _dirs, files in os.walk(specs):
            if 'spec.md' in files and dirpath != specs:
                caps.append(os.path.relpath(dirpath, specs))
    def link(target, path):
        if os.path.lexists(path):
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)
    if names and g.chance(0.2):
        link(g.pick(names), os.path.join(changes, 'linked-change'))
    if caps and g.chance(0.2):
        # A capability whose spec.md links to another capability's spec.md.
        link(os.path.join('..', g.pick(caps), 'spec.md'), os.path.join(specs, 'linked-cap', 'spec.md'))
    if caps and g.chance(0.1):
        link(g.pick(caps), os.path.join(specs, 'linked-dir'))
    if g.chance(0.1):
        link('nowhere.md', os.path.join(specs, 'dangling', 'spec.md'))
    if g.chance(0.05):
        link('loop.md', os.path.join(specs, 'looping', 'loop.md'))
        link('loop.md', os.path.join(specs, 'looping', 'spec.md'))
    if len(names) >= 2 and g.chance(0.2):
        a, b = g.r.sample(names, 2)
        if os.path.isfile(os.path.join(changes, a, 'tasks.md')):
            link(os.path.join('..', a, 'tasks.md'), os.path.join(changes, b, 'tasks.md'))
    if names and g.chance(0.1):
        link('nowhere.md', os.path.join(changes, g.pick(names), 'tasks.md'))
    if names and g.chance(0.1):
        d = os.path.join(changes, g.pick(names), 'specs', 'linked')
        if caps:
            link(os.path.join('..', '..', '..', '..', 'specs', g.pick(caps), 'spec.md'), os.path.join(d, 'spec.md'))
    # Bytes that are not UTF-8 (Node and Rust both decode them to U+FFFD).
    for dirpath, _dirs, files in os.walk(o):
        for f in files:
            p = os.path.join(dirpath, f)
            if f.endswith('.md') and not os.path.islink(p) and g.chance(0.03):
                with open(p, 'ab') as fh:
                    fh.write(g.pick([b'\xff', b'\xc3', b'\xe2\x82', b'\xed\xa0\x80', b'\xf4\x90\x80\x80',
                                     b'\xc0\xaf', b'- [x] \xff a\n', b'\n### Requirement: \xe9\n']))
