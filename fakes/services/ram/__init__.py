"""RAM (2015-05-01), by resource: `state` (users, AccessKeys, policies, roles), `errors`, the
`base` that owns the state, one module of actions per resource (`users`, `policies`, `roles`;
groups join them as `groups`), put together in `service`."""

from __future__ import annotations

from fakes.services.ram.service import RamService

__all__ = ["RamService"]
