#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
"""Print the closing 'N passed, N failed, N skipped' line of meson test runs.

Usage: test-summary.py TESTLOG.json... (the counts of all the runs given).

CI reads that line, not meson's own summary.  Exit status 1 when a test
failed or when no test ran at all.
"""
import json
import sys

PASS = {'OK', 'EXPECTEDFAIL'}
SKIP = {'SKIP'}


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
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
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
