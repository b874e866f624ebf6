#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
"""usertools/dpdk-hv-bind.py on fixture trees (what it prints and which
sysfs files it writes, as the kernel would see them: a device already
bound, an unknown class, a missing attribute, the default route's
interface, a VF paired by MAC), on hv-host's emulated root, and its --help
against the README.  HVNET_TOP and HVNET_BUILD locate the tool, the README
and hv-host.
"""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

NET = "f8615163-df3e-46c5-913f-f2d2f965ed0e"
SCSI = "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f"
ETH0 = "11111111-2222-3333-4444-000000000000"
ETH1 = "11111111-2222-3333-4444-000000000001"
UIO = "11111111-2222-3333-4444-000000000002"
ODD = "11111111-2222-3333-4444-000000000003"
NOCLASS = "11111111-2222-3333-4444-000000000004"
DISK = "11111111-2222-3333-4444-000000000005"
MAC1 = "00:15:5d:00:00:01"

top = os.environ.get("HVNET_TOP") or \
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = os.environ.get("HVNET_BUILD") or os.path.join(top, "build")
tool = os.path.join(top, "usertools/dpdk-hv-bind.py")
readme = os.path.join(top, "README")
hvhost = os.path.join(build, "app/hv-host/hv-host")
failures = []
roots = []
atexit.register(lambda: [shutil.rmtree(r, ignore_errors=True) for r in roots])


def mkroot():
    roots.append(tempfile.mkdtemp(prefix="hvbind."))
    return roots[-1]


def check(cond, what):
    print("%s: %s" % ("ok" if cond else "FAIL", what))
    if not cond:
        failures.append(what)


def put(path, text=""):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def get(path):
    with open(path) as f:
        return f.read()


def link(target, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def vmdev(root, uuid, cls, driver=None, iface=None, mac=None):
    d = os.path.join(root, "sys/bus/vmbus/devices", uuid)
    os.makedirs(d)
    if cls:
        put(os.path.join(d, "class_id"), "{%s}\n" % cls)
    put(os.path.join(d, "device_id"), "{%s}\n" % uuid)
    if driver:
        link("../../../../bus/vmbus/drivers/" + driver,
             os.path.join(d, "driver"))
    if iface:
        put(os.path.join(d, "net", iface, "address"), mac + "\n")
        link("../../bus/vmbus/devices/%s/net/%s" % (uuid, iface),
             os.path.join(root, "sys/class/net", iface))


def fixture(uio_loaded=True):
    root = mkroot()
    for drv in ["hv_netvsc", "hv_storvsc"] + (
            ["uio_hv_generic"] if uio_loaded else []):
        d = os.path.join(root, "sys/bus/vmbus/drivers", drv)
        for f in ("bind", "unbind", "new_id"):
            put(os.path.join(d, f))
    vmdev(root, ETH0, NET, "hv_netvsc", "eth0", "00:15:5d:00:00:00")
    vmdev(root, ETH1, NET, "hv_netvsc", "eth1", MAC1)
    vmdev(root, UIO, NET, "uio_hv_generic")
    vmdev(root, ODD, "99999999-0000-0000-0000-000000000000", None)
    vmdev(root, NOCLASS, None, None)
    vmdev(root, DISK, SCSI, "hv_storvsc")
    # eth1's VF: a PCI function with the same MAC.
    pci = os.path.join(root, "sys/devices/pci0001:00/0001:00:02.0")
    os.makedirs(pci)
    os.makedirs(os.path.join(root, "sys/bus/pci"))
    link("../../../bus/pci", os.path.join(pci, "subsystem"))
    put(os.path.join(pci, "net/enP1s1/address"), MAC1.upper() + "\n")
    link("../../devices/pci0001:00/0001:00:02.0/net/enP1s1",
         os.path.join(root, "sys/class/net/enP1s1"))
    os.symlink("../../../0001:00:02.0", os.path.join(pci, "net/enP1s1/device"))
    put(os.path.join(root, "proc/net/route"),
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask"
        "\t\tMTU\tWindow\tIRTT\n"
        "eth0\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
        "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
        "eth1\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n")
    return root


def run(root, *args):
    p = subprocess.run([sys.executable, tool, "--sysfs", root] + list(args),
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def drv(root, name, f):
    return get(os.path.join(root, "sys/bus/vmbus/drivers", name, f))


def untouched(root):
    return all(drv(root, d, f) == "" for d in
               ("hv_netvsc", "uio_hv_generic") for f in
               ("bind", "unbind", "new_id"))


# --status
root = fixture()
rc, out, err = run(root, "--status")
print(out, err)
check(rc == 0, "--status exits 0")
line = [l for l in out.splitlines() if ETH1 in l]
check(len(line) == 1 and "if=eth1" in line[0] and "mac=" + MAC1 in line[0]
      and "drv=hv_netvsc" in line[0], "--status: eth1 id, interface, MAC, driver")
check(line and "vf=0001:00:02.0(enP1s1)" in line[0] and "accel=on" in line[0],
      "--status: eth1's VF and Accelerated Networking on")
line = [l for l in out.splitlines() if ETH0 in l]
check(line and "accel=off" in line[0] and "default route" in line[0],
      "--status: eth0 without VF, marked as carrying the default route")
line = [l for l in out.splitlines() if UIO in l]
check(line and "drv=uio_hv_generic" in line[0] and "if=-" in line[0],
      "--status: the device already on uio_hv_generic")
check(ODD not in out and DISK not in out and NOCLASS not in out,
      "--status lists network devices only")
check("Other VMBus devices: 3" in out, "--status counts the others")

# --bind uio_hv_generic by interface name
rc, out, err = run(root, "--bind", "uio_hv_generic", "eth1")
print(out, err)
check(rc == 0, "bind eth1 exits 0")
check(drv(root, "uio_hv_generic", "new_id") == NET,
      "the network class is registered through new_id")
check(drv(root, "hv_netvsc", "unbind") == ETH1, "eth1 unbound from hv_netvsc")
check(drv(root, "uio_hv_generic", "bind") == ETH1,
      "eth1 bound to uio_hv_generic")
check("0001:00:02.0" in out and "stays" in out,
      "the VF is named and left on its driver")

# by MAC and by id (braces, upper case)
for what in (MAC1.upper(), "{%s}" % ETH1.upper()):
    root = fixture()
    rc, out, err = run(root, "-b", "uio_hv_generic", what)
    check(rc == 0 and drv(root, "uio_hv_generic", "bind") == ETH1,
          "bind by %s" % what)

# the default route's interface
root = fixture()
rc, out, err = run(root, "--bind", "uio_hv_generic", "eth0")
print(err)
check(rc == 1 and "default route" in err and "--force" in err
      and len(err.strip().splitlines()) == 1,
      "eth0 (default route) refused in one line naming --force")
check(untouched(root), "nothing written when refused")
rc, out, err = run(root, "--bind", "uio_hv_generic", "eth0", "--force")
check(rc == 0 and drv(root, "hv_netvsc", "unbind") == ETH0,
      "eth0 bound with --force")

# already bound
root = fixture()
rc, out, err = run(root, "--bind", "uio_hv_generic", UIO)
check(rc == 0 and "already bound" in out and untouched(root),
      "a device already on uio_hv_generic: said so, nothing written")

# unknown class, missing attribute, unknown device, unknown driver
root = fixture()
for what, expect in ((ODD, "unknown class"), (NOCLASS, "class_id"),
                     (DISK, "SCSI"), ("eth9", "no VMBus device"),
                     ("00:15:5d:99:99:99", "no VMBus device")):
    rc, out, err = run(root, "--bind", "uio_hv_generic", what)
    print(err)
    check(rc == 1 and expect in err and len(err.strip().splitlines()) == 1
          and "Traceback" not in err,
          "%s refused in one line (%s)" % (what, expect))
rc, out, err = run(root, "--bind", "vfio-pci", "eth1")
check(rc == 1 and "only uio_hv_generic and hv_netvsc" in err,
      "a driver other than the two refused")
check(untouched(root), "nothing written for refused devices")

# uio_hv_generic not loaded
root = fixture(uio_loaded=False)
rc, out, err = run(root, "--bind", "uio_hv_generic", "eth1")
check(rc == 1 and "modprobe uio_hv_generic" in err,
      "uio_hv_generic not loaded: says modprobe")
check(drv(root, "hv_netvsc", "unbind") == "",
      "not loaded: the device is not unbound")

# back to hv_netvsc
root = fixture()
rc, out, err = run(root, "--bind", "hv_netvsc", UIO)
check(rc == 0 and drv(root, "uio_hv_generic", "unbind") == UIO
      and drv(root, "hv_netvsc", "bind") == UIO
      and drv(root, "uio_hv_generic", "new_id") == "",
      "--bind hv_netvsc gives the device back, no new_id")

# a driver_override pointing elsewhere is replaced
root = fixture()
put(os.path.join(root, "sys/bus/vmbus/devices", UIO, "driver_override"),
    "uio_hv_generic\n")
rc, out, err = run(root, "--bind", "hv_netvsc", UIO)
check(rc == 0 and get(os.path.join(root, "sys/bus/vmbus/devices", UIO,
                                   "driver_override")) == "\n",
      "driver_override cleared when giving the device back")

# a network device whose interface has no address file
root = fixture()
os.remove(os.path.join(root, "sys/bus/vmbus/devices", ETH0, "net/eth0/address"))
rc, out, err = run(root, "--status")
line = [l for l in out.splitlines() if ETH0 in l]
check(rc == 0 and line and "mac=-" in line[0] and "Traceback" not in err,
      "--status with a missing address: mac=-")

# no VMBus at all
root = mkroot()
rc, out, err = run(root, "--status")
check(rc == 1 and "no VMBus" in err, "no VMBus: one clear line")

# hv-host's root: a device already on uio_hv_generic, no hv_netvsc.
root = mkroot()
dev = str(uuid.uuid4())
host = subprocess.Popen([hvhost, "--root", root, "--device-id", dev,
                         "--backend", "loopback"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        if os.path.exists(os.path.join(root, "dev/uio0")):
            break
        time.sleep(0.1)
    rc, out, err = run(root, "--status")
    print(out, err)
    line = [l for l in out.splitlines() if dev in l]
    check(rc == 0 and len(line) == 1 and "drv=uio_hv_generic" in line[0],
          "hv-host's root: its device listed on uio_hv_generic")
    rc, out, err = run(root, "--bind", "uio_hv_generic", dev)
    check(rc == 0 and "already bound" in out,
          "hv-host's root: already bound")
    rc, out, err = run(root, "--bind", "hv_netvsc", dev)
    print(err)
    check(rc == 1 and "hv_netvsc is not loaded" in err,
          "hv-host's root: no hv_netvsc, one line")
finally:
    host.terminate()
    host.wait()

# --help and the README agree: each option the README uses is in --help,
# and each of --help's options is in the README.
text = open(readme).read()
used = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", " ".join(
    l for l in text.splitlines() if "dpdk-hv-bind.py" in l)))
section = text[text.index("On a real Azure or Hyper-V VM"):]
p = subprocess.run([sys.executable, tool, "--help"], capture_output=True,
                   text=True)
offered = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", p.stdout)) - {"--help"}
check(used and used <= offered, "README's options exist in --help (%s)"
      % " ".join(sorted(used)))
missing = [o for o in sorted(offered) if o not in section]
check(not missing, "every --help option is in the README (%s)"
      % " ".join(missing))
for d in ("uio_hv_generic", "hv_netvsc"):
    check(d in p.stdout and d in section, "%s in --help and README" % d)

print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
