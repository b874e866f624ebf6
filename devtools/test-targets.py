#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
"""Print the ninja targets a selection of tests needs, one a line.

Usage: test-targets.py BUILDDIR [meson test arguments, e.g. --suite pmd]

The selected tests' programs, those their arguments name and their
dependencies (tests/meson.build),
and every executable of the DPDK trees (dpdk-testpmd and the other
applications and examples the scenario scripts run by path): a
run of a few suites then builds only the DPDK libraries and drivers
those link, not the whole of DPDK with its shared libraries, nor the
unit and fuzz programs of the other suites.
"""
import json
import os
import subprocess
import sys


def main(builddir, args):
    listed = subprocess.run(['meson', 'test', '-C', builddir, '--list'] + args,
                            check=True, capture_output=True, text=True).stdout
    names = {line.split(' / ', 1)[1].strip()
             for line in listed.splitlines() if ' / ' in line}
    info = os.path.join(builddir, 'meson-info')
    with open(os.path.join(info, 'intro-targets.json'), encoding='utf-8') as f:
        targets = json.load(f)
    with open(os.path.join(info, 'intro-tests.json'), encoding='utf-8') as f:
        tests = json.load(f)
    by_id = {t['id']: t for t in targets}
    by_file = {f: t for t in targets for f in t['filename']}
    need = set()
    for test in tests:
        if test['name'] not in names:
            continue
        need.update(test['depends'])
        # The program, and programs given to a script as arguments.
        need.update(by_file[a]['id'] for a in test['cmd'] if a in by_file)
    for t in targets:
        sp = t['subproject'] or ''
        # 'dpdk', 'dpdk-upstream', 'dpdk-24.11' and such.
        if t['type'] == 'executable' and sp.startswith('dpdk'):
            need.add(t['id'])
    out = set()
    for i in need:
        for f in by_id[i]['filename']:
            out.add(os.path.relpath(f, builddir))
    print('\n'.join(sorted(out)))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
