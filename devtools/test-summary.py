#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
"""Print the closing 'N passed, N failed, N skipped' line of meson test runs.

Usage: test-summary.py TESTLOG.json... (the counts of all the runs given).

CI reads that line, not meson's own summary.  With several runs, a line
of counts per run (named by its build folder) comes first.  A run whose
log cannot be read (its build failed) counts as one failed test.  Exit
status 1 when a test failed or when no test ran at all.
"""
import json
import os
import sys

PASS = {'OK', 'EXPECTEDFAIL'}
SKIP = {'SKIP'}


def count(path):
    """(passed, failed, skipped) of one run's testlog.json."""
    passed = failed = skipped = 0
    try:
        with open(path, encoding='utf-8') as log:
            for line in log:
                if not line.strip():
                    continue
                result = json.loads(line).get('result')
                if result in PASS:
                    passed += 1
                elif result in SKIP:
                    skipped += 1
                else:
                    failed += 1
    except OSError as err:
        print(f'test summary: cannot read {path}: {err.strerror}',
              file=sys.stderr)
        return 0, 1, 0
    return passed, failed, skipped


def main(paths):
    total = [0, 0, 0]
    for path in paths:
        run = count(path)
        if len(paths) > 1:
            name = os.path.basename(os.path.dirname(os.path.dirname(
                os.path.abspath(path))))
            print(f'  {name}: {run[0]} passed, {run[1]} failed, '
                  f'{run[2]} skipped')
        total = [t + r for t, r in zip(total, run)]
    passed, failed, skipped = total
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
