"""ECS (2014-05-26), by resource: `state` (instances, commands, invocations), `errors`, the `base`
that owns the state, and one module of actions per resource (`instances`, `commands`,
`invocations`, `instance_roles`), put together in `service`."""

from __future__ import annotations

from fakes.services.ecs.service import EcsService

__all__ = ["EcsService"]
