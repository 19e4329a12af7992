"""The guest's file system: the few files privilege lives in, with owner, group and mode.

Paths are absolute and normalised; directories are implied by the files under them, except
those made explicitly (with their own owner and mode, e.g. `/etc/sudoers.d` is root's, 0750).
Permission checks follow the classic owner/group/other bits; uid 0 reads everything.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """A file or a directory: owner and group by name, mode as the nine permission bits."""

    owner: str
    group: str
    mode: int
    content: bytes = b""
    is_dir: bool = False


def normal(path: str) -> str:
    return posixpath.normpath("/" + path.lstrip("/")) if path else "/"


class FileSystem:
    """Nodes by absolute path. A write makes the missing parent directories (root's, 0755)."""

    def __init__(self) -> None:
        self._nodes: dict[str, Node] = {"/": Node("root", "root", 0o755, is_dir=True)}
        #: Counts the changes made (a node made or replaced; a node is never changed in
        #: place): what is read from the files stays true while it stays the same.
        self.version = 0

    def get(self, path: str) -> Node | None:
        # Every key is a normal path, so a path found as it is needs no normalising.
        node = self._nodes.get(path)
        return node if node is not None else self._nodes.get(normal(path))

    def mkdir(self, path: str, owner: str = "root", group: str = "root", mode: int = 0o755) -> None:
        path = normal(path)
        parent = posixpath.dirname(path)
        if parent != path and parent not in self._nodes:
            self.mkdir(parent)
        existing = self._nodes.get(path)
        if existing is None or not existing.is_dir:
            self._nodes[path] = Node(owner, group, mode, is_dir=True)
            self.version += 1

    def write(
        self,
        path: str,
        content: bytes,
        owner: str = "root",
        group: str = "root",
        mode: int = 0o644,
    ) -> None:
        path = normal(path)
        parent = posixpath.dirname(path)
        if parent not in self._nodes:
            self.mkdir(parent)
        self._nodes[path] = Node(owner, group, mode, content)
        self.version += 1

    def text(self, path: str) -> str:
        node = self.get(path)
        return node.content.decode("utf-8", "replace") if node and not node.is_dir else ""

    def children(self, path: str) -> list[str]:
        """The names directly in a directory, sorted as `ls` sorts them in the C locale."""
        path = normal(path)
        prefix = path.rstrip("/") + "/"
        return sorted(
            {
                p[len(prefix) :].split("/")[0]
                for p in self._nodes
                if p.startswith(prefix) and p != path
            }
        )
