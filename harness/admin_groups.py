"""The Linux groups that make a user root by another name, written once for the spec's steps
(steps/privilege.py) and the fleet check (harness/fleet/check.py)."""

from __future__ import annotations

#: Groups whose members are root, or can become root, on a Linux instance (paths-to-root
#: reference, section 3).
ADMIN_GROUPS = frozenset({"root", "sudo", "wheel", "admin", "adm", "docker", "lxd", "disk"})
