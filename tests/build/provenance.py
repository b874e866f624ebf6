#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
"""Prove that the binaries we test were compiled from this repository.

For each given ELF file, read the DWARF compile units and take those whose
source sits in drivers/bus/vmbus or drivers/net/netvsc.  With --ours, every
such unit must resolve (through the overlay's links) into this repository's
drivers/ folder; with --upstream, none may.  In both cases there must be at
least one unit per driver, so a build that silently left a driver out
fails too.

Usage: provenance.py --ours|--upstream TOP ELF:DRIVER[,DRIVER]...
  (DRIVER is vmbus or netvsc: the drivers that ELF must contain)
"""
import os
import sys

from elftools.elf.elffile import ELFFile

DRIVERS = {'vmbus': 'drivers/bus/vmbus/', 'netvsc': 'drivers/net/netvsc/'}


def driver_units(path):
    """Yield the resolved source path of each driver compile unit."""
    with open(path, 'rb') as f:
        elf = ELFFile(f)
        if not elf.has_dwarf_info():
            raise SystemExit(f'{path}: no debug info; build with -g (buildtype debugoptimized)')
        dwarf = elf.get_dwarf_info()
        for cu in dwarf.iter_CUs():
            top = cu.get_top_DIE()
            name = top.attributes.get('DW_AT_name')
            if name is None:
                continue
            name = name.value.decode()
            if not any(d in name for d in DRIVERS.values()):
                continue
            comp_dir = top.attributes.get('DW_AT_comp_dir')
            base = comp_dir.value.decode() if comp_dir else ''
            yield name, os.path.realpath(os.path.join(base, name))


def our_sources(top, folder):
    """Every C file of one of our driver folders, resolved."""
    found = set()
    for root, _, files in os.walk(os.path.join(top, folder)):
        found.update(os.path.realpath(os.path.join(root, f))
                     for f in files if f.endswith('.c'))
    return found


def main(argv):
    if len(argv) < 4 or argv[1] not in ('--ours', '--upstream'):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    want_ours = argv[1] == '--ours'
    ours_root = os.path.realpath(os.path.join(argv[2], 'drivers')) + os.sep
    bad = 0
    for arg in argv[3:]:
        path, _, wanted = arg.rpartition(':')
        wanted = [w for w in wanted.split(',') if w]
        if not path or any(w not in DRIVERS for w in wanted):
            print(f'bad argument {arg!r}', file=sys.stderr)
            return 2
        if not os.path.exists(path):
            print(f'FAIL {path}: not built')
            bad += 1
            continue
        seen = dict.fromkeys(DRIVERS, 0)
        compiled = set()
        for name, real in driver_units(path):
            for drv, folder in DRIVERS.items():
                if folder in name:
                    seen[drv] += 1
            compiled.add(real)
            if real.startswith(ours_root) != want_ours:
                print(f'FAIL {path}: {name} was compiled from {real}')
                bad += 1
        for drv in wanted:
            if seen[drv] == 0:
                print(f'FAIL {path}: no compile unit from {DRIVERS[drv]}: driver not built in')
                bad += 1
            if want_ours:
                for src in our_sources(argv[2], DRIVERS[drv]) - compiled:
                    print(f'FAIL {path}: {src} is not compiled in')
                    bad += 1
        print(f'{path}: ' + ', '.join(f'{n} units from {DRIVERS[d]}' for d, n in seen.items()))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
