#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
"""Hand Hyper-V synthetic NICs (VMBus netvsc devices) to uio_hv_generic
for DPDK's netvsc PMD, and give them back to the kernel's hv_netvsc.

dpdk-devbind.py knows PCI only; on VMBus the device is named by its
instance id (the folder name under /sys/bus/vmbus/devices) and
uio_hv_generic binds only device classes registered with it through
its new_id file.  Python 3 standard library only.
"""

import argparse
import errno
import os
import sys

NET_CLASS = "f8615163-df3e-46c5-913f-f2d2f965ed0e"
UIO_DRIVER = "uio_hv_generic"
KERNEL_DRIVER = "hv_netvsc"

# Class ids of other VMBus devices, named in messages only.
KNOWN_CLASSES = {
    "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f": "SCSI (storvsc)",
    "32412632-86cb-44a2-9b5c-50d1417354f5": "IDE",
    "44c4f61d-4444-4400-9d52-802e27ede19f": "PCI pass-through (VF bus)",
    "0e0b6031-5213-4934-818b-38d90ced39db": "shutdown",
    "9527e630-d0ae-497b-adce-e80ab0175caf": "time sync",
    "57164f39-9115-4e78-ab55-382f3bd5422d": "heartbeat",
    "a9a0f4e7-5a45-4d96-b827-8a841e8c03e6": "key-value pair",
    "35fa2e29-ea23-4236-96ae-3a6ebacba440": "backup (VSS)",
    "f912ad6d-2b17-48ea-bd65-f927a61c7684": "keyboard",
    "cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a": "mouse",
    "da0a7802-e377-4aac-8e77-0558eb1073f8": "framebuffer",
    "525074dc-8985-46e2-8057-a307dc18a502": "dynamic memory",
    "34d14be3-dee4-41c8-9ae7-6b174977c192": "file copy",
    "2f9bcc4a-0069-4af3-b76b-6fd0be528cda": "fibre channel",
    "8c2eaf3d-32a7-4b09-ab99-bd1f1c86b501": "RDMA",
}


class BindError(Exception):
    """A refusal or failure, reported as one line."""


def norm_guid(text):
    """'{F8615163-...}\\n' -> 'f8615163-...' (the kernel prints braces)."""
    return text.strip().strip("{}").lower()


class Tree:
    """The sysfs (and /proc/net) of a root folder: '/' or a test tree."""

    def __init__(self, root):
        self.root = root
        self.vmbus = os.path.join(root, "sys/bus/vmbus")
        self.net = os.path.join(root, "sys/class/net")

    def read(self, path):
        try:
            with open(path) as f:
                return f.read().strip()
        except OSError:
            return None

    def write(self, path, value):
        # One write() per value: sysfs store handlers see the whole string
        # (O_TRUNC as a shell's ">" does; test trees are plain files).
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(fd, value.encode())
        finally:
            os.close(fd)

    def driver_dir(self, name):
        return os.path.join(self.vmbus, "drivers", name)

    def device_ids(self):
        d = os.path.join(self.vmbus, "devices")
        try:
            return sorted(os.listdir(d))
        except OSError:
            raise BindError("no VMBus under %s (not a Hyper-V or Azure "
                            "guest?)" % d)

    def device(self, dev_id):
        return Device(self, dev_id)

    def interfaces(self):
        try:
            return sorted(os.listdir(self.net))
        except OSError:
            return []

    def route_ifaces(self):
        """Interfaces that carry a default route (IPv4 or IPv6)."""
        found = set()
        text = self.read(os.path.join(self.root, "proc/net/route")) or ""
        for line in text.splitlines()[1:]:
            f = line.split()
            # Iface Destination Gateway Flags ... Mask
            if len(f) >= 8 and f[1] == "00000000" and f[7] == "00000000":
                found.add(f[0])
        text = self.read(os.path.join(self.root, "proc/net/ipv6_route")) or ""
        for line in text.splitlines():
            f = line.split()
            if len(f) >= 10 and f[0] == "0" * 32 and f[1] == "00" \
                    and f[9] != "lo":
                found.add(f[9])
        return found


class Device:
    """One VMBus device as sysfs shows it."""

    def __init__(self, tree, dev_id):
        self.tree = tree
        self.id = dev_id
        self.path = os.path.join(tree.vmbus, "devices", dev_id)
        raw = tree.read(os.path.join(self.path, "class_id"))
        self.class_id = norm_guid(raw) if raw else None
        link = os.path.join(self.path, "driver")
        self.driver = (os.path.basename(os.readlink(link))
                       if os.path.islink(link) else None)
        self.iface = None
        self.mac = None
        netdir = os.path.join(self.path, "net")
        if os.path.isdir(netdir):
            names = sorted(os.listdir(netdir))
            if names:
                self.iface = names[0]
                mac = tree.read(os.path.join(netdir, self.iface, "address"))
                self.mac = mac.lower() if mac else None

    def is_net(self):
        return self.class_id == NET_CLASS

    def vf(self):
        """(PCI address, interface) of the VF with the same MAC, if any."""
        if not self.mac:
            return None
        for name in self.tree.interfaces():
            if name == self.iface:
                continue
            base = os.path.join(self.tree.net, name)
            mac = self.tree.read(os.path.join(base, "address"))
            if not mac or mac.lower() != self.mac:
                continue
            dev = os.path.join(base, "device")
            sub = os.path.join(dev, "subsystem")
            if os.path.islink(sub) and \
                    os.path.basename(os.readlink(sub)) == "pci":
                return (os.path.basename(os.path.realpath(dev)), name)
        return None


def class_name(class_id):
    if class_id == NET_CLASS:
        return "network"
    return KNOWN_CLASSES.get(class_id, "unknown class")


def status(tree, out):
    routes = tree.route_ifaces()
    nets, others = [], 0
    for dev_id in tree.device_ids():
        dev = tree.device(dev_id)
        if dev.is_net():
            nets.append(dev)
        else:
            others += 1
    out.write("VMBus network devices (class %s)\n" % NET_CLASS)
    if not nets:
        out.write("  none\n")
    for dev in nets:
        vf = dev.vf()
        if dev.driver == UIO_DRIVER:
            # The kernel interface, hence the MAC, is gone while DPDK
            # owns the device; the PMD finds the VF by MAC itself.
            accel = "unknown while bound to %s" % UIO_DRIVER
        else:
            accel = "on" if vf else "off"
        out.write("  %s if=%s mac=%s drv=%s vf=%s accel=%s%s\n" % (
            dev.id, dev.iface or "-", dev.mac or "-", dev.driver or "none",
            "%s(%s)" % vf if vf else "-", accel,
            " *default route*" if dev.iface in routes else ""))
    out.write("Other VMBus devices: %d\n" % others)


def find_device(tree, what):
    """A network device by instance id, interface name or MAC address."""
    want = what.strip().lower()
    key = norm_guid(want)
    matches = []
    for dev_id in tree.device_ids():
        dev = tree.device(dev_id)
        if dev_id.lower() == key or \
                (dev.iface is not None and dev.iface == what) or \
                (dev.mac is not None and dev.mac == want):
            matches.append(dev)
    if not matches:
        raise BindError("%s: no VMBus device has this id, interface or MAC"
                        " (see --status)" % what)
    if len(matches) > 1:
        raise BindError("%s: matches %d devices; give the instance id"
                        % (what, len(matches)))
    dev = matches[0]
    if dev.class_id is None:
        raise BindError("%s: %s has no readable class_id" % (what, dev.path))
    if not dev.is_net():
        raise BindError("%s: class %s (%s) is not a network device"
                        % (what, dev.class_id, class_name(dev.class_id)))
    return dev


def write_or_fail(tree, path, value, what):
    try:
        tree.write(path, value)
    except OSError as e:
        raise BindError("%s: writing %s to %s: %s"
                        % (what, value.strip(), path, e.strerror))


def bind(tree, driver, what, force, out):
    dev = find_device(tree, what)
    if dev.driver == driver:
        out.write("%s: already bound to %s\n" % (dev.id, driver))
        return
    drvdir = tree.driver_dir(driver)
    if not os.path.isdir(drvdir):
        raise BindError("%s: driver %s is not loaded (%s missing; try: "
                        "modprobe %s)" % (dev.id, driver, drvdir, driver))
    routes = tree.route_ifaces()
    if dev.iface in routes and not force:
        raise BindError(
            "%s: %s carries the default route; handing it to %s removes "
            "it from the kernel and cuts this machine's connection (SSH "
            "included).  Use another NIC for DPDK, or --force"
            % (dev.id, dev.iface, driver))
    if driver == UIO_DRIVER:
        # Registers the network class with uio_hv_generic; the kernel
        # answers EEXIST once it is known, which is the state we want.
        try:
            tree.write(os.path.join(drvdir, "new_id"), NET_CLASS)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise BindError("%s: registering class %s with %s: %s"
                                % (dev.id, NET_CLASS, driver, e.strerror))
    # A driver_override left by driverctl or a previous run would make
    # the kernel refuse every other driver.
    override = os.path.join(dev.path, "driver_override")
    current = tree.read(override)
    if current not in (None, "", "(null)", driver):
        write_or_fail(tree, override,
                      driver if driver == UIO_DRIVER else "\n", dev.id)
    if dev.driver is not None:
        write_or_fail(tree, os.path.join(tree.driver_dir(dev.driver),
                                         "unbind"), dev.id, dev.id)
    try:
        tree.write(os.path.join(drvdir, "bind"), dev.id)
    except OSError as e:
        # new_id may already have attached the driver to the freed device.
        if tree.device(dev.id).driver != driver:
            raise BindError("%s: binding to %s: %s (device left unbound; "
                            "%s --bind %s %s gives it back)"
                            % (dev.id, driver, e.strerror, sys.argv[0],
                               KERNEL_DRIVER, dev.id))
    vf = dev.vf()
    out.write("%s: %s -> %s%s\n" % (
        dev.id, dev.driver or "none", driver,
        "; VF %s (%s) stays on its kernel driver" % vf if vf else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Show and change the driver of Hyper-V synthetic NICs "
        "(VMBus class %s): %s for DPDK's netvsc PMD, %s for the kernel."
        % (NET_CLASS, UIO_DRIVER, KERNEL_DRIVER),
        epilog="DEVICE is an instance id (the folder name in "
        "/sys/bus/vmbus/devices), an interface name or a MAC address.  "
        "The VF of Accelerated Networking is never touched: the PMD "
        "takes it over by MAC.  Example: %(prog)s --bind uio_hv_generic "
        "eth1")
    act = parser.add_mutually_exclusive_group(required=True)
    act.add_argument("-s", "--status", action="store_true",
                     help="list VMBus network devices: instance id, "
                     "interface, MAC, driver, paired VF, Accelerated "
                     "Networking")
    act.add_argument("-b", "--bind", nargs=2, metavar=("DRIVER", "DEVICE"),
                     help="bind DEVICE to DRIVER (%s or %s)"
                     % (UIO_DRIVER, KERNEL_DRIVER))
    parser.add_argument("--force", action="store_true",
                        help="bind even the interface carrying the "
                        "default route")
    parser.add_argument("--sysfs", metavar="ROOT", default="/",
                        help="act on ROOT/sys and ROOT/proc/net instead "
                        "of the machine's (default: /)")
    args = parser.parse_args(argv)
    tree = Tree(args.sysfs)
    try:
        if args.status:
            status(tree, sys.stdout)
            return 0
        driver, what = args.bind
        if driver not in (UIO_DRIVER, KERNEL_DRIVER):
            raise BindError("driver %s: only %s and %s drive VMBus NICs"
                            % (driver, UIO_DRIVER, KERNEL_DRIVER))
        bind(tree, driver, what, args.force, sys.stdout)
        return 0
    except BindError as e:
        sys.stderr.write("dpdk-hv-bind: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
