"""The ECS service (2014-05-26) put together from its resources; `fakes.cloud` builds one."""

from __future__ import annotations

from fakes.services.base import Call, Response
from fakes.services.ecs.commands import CommandActions
from fakes.services.ecs.files import FileActions
from fakes.services.ecs.instance_admin import InstanceAdminActions
from fakes.services.ecs.instance_roles import InstanceRoleActions
from fakes.services.ecs.instances import InstanceActions
from fakes.services.ecs.invocations import InvocationActions
from fakes.services.ecs.key_pairs import KeyPairActions
from fakes.services.ecs.sessions import SessionActions
from fakes.services.ecs.unmodelled import refuse_unmodelled


class EcsService(
    InstanceActions,
    InstanceAdminActions,
    CommandActions,
    InvocationActions,
    FileActions,
    SessionActions,
    InstanceRoleActions,
    KeyPairActions,
):
    """ECS: instances, Cloud Assistant commands, invocations, files and sessions, instance RAM
    roles, SSH key pairs, with real resource ARNs and `ecs:CommandRunAs`. Its state is
    `EcsBase`'s (and the key pairs' own, `KeyPairActions`)."""

    def handle(self, call: Call) -> Response:
        refuse_unmodelled(call)  # before any action: what the fake does not model, by name
        return super().handle(call)
