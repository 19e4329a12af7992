"""One fake Alibaba Cloud account: its services, clock, ids and guest machines.

`FakeCloud.handle` is the whole request path, with no I/O of its own: parse, authenticate,
authorize (inside each action), act, encode. The adapters (`inprocess`, `server`) only carry
bytes to and from it. `FakeCloud.snapshot` is everything the account holds, as plain data.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from fakes import access
from fakes.agent import CloudAssistantAgent, InstanceMetadata
from fakes.clock import VirtualClock, iso
from fakes.errors import ApiError
from fakes.faults import Fault, Faults
from fakes.guest import CommandHandler, Guest
from fakes.guest.privilege import GuestPrivilege
from fakes.ids import IdFactory
from fakes.inprocess import InProcessAdapter
from fakes.policy import Decision
from fakes.services.base import Call, Service
from fakes.services.ecs import EcsService
from fakes.services.kms import KmsService
from fakes.services.oos import OosService
from fakes.services.ram import RamService
from fakes.services.resourcedirectory import ResourceDirectoryService
from fakes.services.resourcemanager import ResourceManagerService
from fakes.services.sts import StsService
from fakes.wire import envelope, rpc
from fakes.wire.http import HttpRequest, HttpResponse
from fakes.wire.rpc import PRODUCTS as _VERSIONS

log = logging.getLogger("fakes")

DEFAULT_REGION = "cn-hangzhou"
#: Every product the fake serves, each with its own authorizer.
PRODUCTS = tuple(sorted(set(_VERSIONS.values())))
_REGION_IN_HOST = re.compile(r"^[a-z]+[.-]([a-z]{2}-[a-z0-9-]+?)\.aliyuncs\.com")

F = TypeVar("F", bound=Callable[..., Any])


class FakeCloud:
    """A stateful fake of one account, reached by the unchanged official SDKs.

    Use it as a context manager to intercept `https://*.aliyuncs.com` in-process::

        with FakeCloud() as cloud:
            key_id, secret = cloud.root_access_key
            linux = cloud.add_instance(os="linux", users=["user01", "user02"])
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        seed: int | None = None,
        root_access_key: tuple[str, str] | None = None,
    ) -> None:
        """`seed` makes ids reproducible; `root_access_key` fixes the owner's key (test vectors)."""
        self.default_region = region
        self._seed = seed
        self._fixed_root_key = root_access_key
        self._lock = threading.RLock()
        self._adapter: InProcessAdapter | None = None
        self._build()

    def _build(self) -> None:
        self._ids = IdFactory(self._seed)
        self.clock = VirtualClock()
        self.account_id = self._ids.account_id()
        self._root_key = self._fixed_root_key or (
            self._ids.access_key_id(),
            self._ids.access_key_secret(),
        )
        self.ram = RamService(self.account_id, self._ids, self.clock.now())
        self.kms = KmsService(self.account_id, self._ids)
        self.oos = OosService(self.account_id, self._ids, self.kms)
        self.sts = StsService(self.account_id, self._ids, self.ram)
        self.resource_manager = ResourceManagerService(
            self.account_id, self._ids, self.ram, self.clock.now()
        )
        self.ram.resource_group_exists = self.resource_manager.exists
        self.resource_directory = ResourceDirectoryService(
            self.account_id, self._ids, self.clock.now()
        )
        self._refusals: deque[Decision] = deque(maxlen=50)
        self._authorizers = {
            product: access.PolicyAuthorizer(
                self.account_id,
                self.ram,
                product,
                self._refusals,
                resource_group_of=self._resource_group_of,
                control=self.resource_directory.in_force,
            )
            for product in PRODUCTS
        }
        agent = CloudAssistantAgent(self.ram, self.sts, self.oos, self._authorizers["oos"])
        self.ecs = EcsService(self.account_id, self._ids, agent=agent, roles=self.ram)
        self._services: dict[str, Service] = {
            "ecs": self.ecs,
            "ram": self.ram,
            "sts": self.sts,
            "oos": self.oos,
            "kms": self.kms,
            "resourcemanager": self.resource_manager,
            "resourcedirectorymaster": self.resource_directory,
        }
        self._authenticator = access.Authenticator(
            self.account_id, self._root_key, self.ram, self.sts, self.clock.now
        )
        self.faults = Faults()

    # ---- the public contract ------------------------------------------------------------------

    @property
    def root_access_key(self) -> tuple[str, str]:
        """The account owner's AccessKey (id, secret): it bypasses RAM, like the real one."""
        return self._root_key

    def add_instance(
        self,
        os: str = "linux",
        region: str | None = None,
        users: Iterable[str] | Mapping[str, str] = (),
        *,
        hostname: str | None = None,
        name: str | None = None,
        resource_group_id: str | None = None,
        sudoers: Mapping[str, str] | None = None,
        groups: Mapping[str, Iterable[str]] | None = None,
        administrators: Iterable[str] = (),
        root_aliases: Iterable[str] = (),
        session_manager_used: bool = False,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """Create a running instance with Cloud Assistant and the given OS users; return its id.

        `users` is a list of names (Linux) or a mapping of name -> logon password (Windows).
        `root` (Linux) or `System` and `Administrator` (Windows) always exist. Who else is
        root: `sudoers={"ops": "NOPASSWD:ALL"}` (or `"ALL"`, which asks a password),
        `groups={"ops": ["sudo"]}`, `root_aliases=["toor"]` (more uid-0 names),
        `session_manager_used=True` (the agent's `ecs-assist-user` is there, A40); on Windows
        `administrators=["user02"]` (local Administrators) and `groups`.
        The instance belongs to `resource_group_id` (a group the account does not have yet is
        made under that id), else to the account's default resource group; it carries `tags`
        (key -> value), which RAM sees as `acs:ResourceTag/<key>` on the instance.
        """
        privilege = GuestPrivilege.of(
            os,
            sudoers=sudoers,
            groups=groups,
            administrators=administrators,
            root_aliases=root_aliases,
            session_manager_used=session_manager_used,
        )
        with self._lock:
            group = resource_group_id or self.resource_manager.default_group_id
            if not self.resource_manager.exists(group):
                self.resource_manager.adopt(group, self.clock.now())
            instance_id = self.ecs.add_instance(
                os,
                region or self.default_region,
                users,
                now=self.clock.now(),
                hostname=hostname,
                name=name,
                resource_group_id=group,
                privilege=privilege,
            )
            instance = self.ecs.instances[instance_id]
            instance.tags = dict(tags or {})
            instance.guest.metadata = InstanceMetadata(instance, self.ram, self.sts, self.clock.now)
            return instance_id

    def add_resource_group(self, name: str, display_name: str | None = None) -> str:
        """Create a resource group (as Resource Manager's CreateResourceGroup would); its id."""
        with self._lock:
            group = self.resource_manager.add(name, display_name or name, self.clock.now())
            return group.group_id

    @property
    def default_resource_group_id(self) -> str:
        """The account's default resource group, where instances go unless told otherwise."""
        return self.resource_manager.default_group_id

    def _resource_group_of(self, resource: str) -> str | None:
        """The resource group of an ECS instance ARN (`...:instance/<id>`); None otherwise."""
        head, _, relative = resource.rpartition(":")
        if not head.startswith("acs:ecs:") or not relative.startswith("instance/"):
            return None
        instance = self.ecs.instances.get(relative.removeprefix("instance/"))
        return instance.resource_group_id if instance is not None else None

    def on_command(self, name: str, handler: CommandHandler) -> None:
        """Teach every guest a command: `handler(Execution) -> ExecResult`."""
        with self._lock:
            self.ecs.on_command(name, handler)

    def guest(self, instance_id: str) -> Guest:
        """The simulated OS of an instance (its users, and `history` of the scripts that ran)."""
        return self.ecs.instances[instance_id].guest

    @property
    def refusals(self) -> list[Decision]:
        """The most recent policy refusals (up to 50), oldest first, each explaining itself."""
        return list(self._refusals)

    def inject(
        self,
        action: str = "*",
        code: str = "Throttling.User",
        status: int = 400,
        times: int = 1,
        *,
        product: str | None = None,
        message: str = "",
        retry_after_ms: int | None = None,
    ) -> Fault:
        """Answer the next `times` requests for `action` (`*`: any) of `product` (None: any)
        with this error instead of acting on them; `retry_after_ms` adds `x-acs-retry-after`.
        The returned `Fault` counts the requests it `answered`."""
        fault = Fault(action, code, status, times, product, message, retry_after_ms)
        return self.faults.arm(fault)

    def snapshot(self) -> dict[str, Any]:
        """Everything the account holds, as plain data (JSON-ready), with no secret in it: no
        AccessKey secret, password, secret value or token. Each service gives its own part;
        nothing due on the virtual clock is run to take it (a read would run it)."""
        with self._lock:
            now = self.clock.now()
            picture: dict[str, Any] = {
                "AccountId": self.account_id,
                "RootAccessKeyId": self._root_key[0],
                "Clock": iso(now),
            }
            for service in self._services.values():
                part = service.snapshot(now)
                clash = picture.keys() & part.keys()
                if clash:  # a service's part must not hide another's
                    raise RuntimeError(f"snapshot: `{service.product}` repeats {sorted(clash)}")
                picture.update(part)
            picture["Faults"] = self.faults.view()
            return picture

    def reset(self) -> None:
        """Forget everything: a new account id, new root key, no users, no instances."""
        with self._lock:
            self._build()

    # ---- in-process interception ----------------------------------------------------------------

    def start(self) -> FakeCloud:
        with self._lock:
            if self._adapter is None:
                # `handle` is looked up per request, as before: a wrapper put on it after start
                # (bench/fake_overhead.py records replies that way) still sees every request.
                self._adapter = InProcessAdapter(lambda request: self.handle(request))
                self._adapter.start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self._adapter is not None:
                self._adapter.stop()
                self._adapter = None

    def __enter__(self) -> FakeCloud:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ---- the request path -----------------------------------------------------------------------

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one HTTP request exactly as the real endpoint would (status, headers, body)."""
        with self._lock:
            now = self.clock.advance()
            request_id = self._ids.request_id()
            host = request.headers.get("host", "aliyuncs.com")
            product: str | None = None
            try:
                call = rpc.parse(request)
                product = call.product
                if self.faults.armed:  # the one check on the fast path
                    fault = self.faults.take(call.product, call.action)
                    if fault is not None:
                        return self._fault_answer(fault, request_id, host)
                service = self._services.get(call.product)
                if service is None:
                    raise ApiError(
                        "InvalidApi.NotFound",
                        f"The fake cloud does not serve `{call.product}` yet.",
                        404,
                    )
                principal = self._authenticator.authenticate(call)
                region = call.params.text("RegionId") or self._region_from_host(call.host)
                data = service.handle(
                    Call(
                        product=call.product,
                        action=call.action,
                        params=call.params,
                        region=region,
                        caller=principal,
                        now=now,
                        authorizer=self._authorizers[call.product],
                        global_context=access.global_context(
                            now, secure=call.secure, source_ip=call.client_ip
                        ),
                    )
                )
                return envelope.success(request_id, data)
            except ApiError as err:
                return envelope.error(err, request_id=request_id, host=host, product=product)
            except RecursionError:  # a JSON parameter nested thousands deep: bad input, not a bug
                deep = ApiError("InvalidParameter", "A parameter is nested too deeply to read.")
                return envelope.error(deep, request_id=request_id, host=host, product=product)
            except Exception:  # never a traceback on the wire: log it, answer like Alibaba
                log.exception("fake cloud failed on a request (RequestId %s)", request_id)
                internal = ApiError(
                    "InternalError",
                    "The request processing has failed due to some unknown error, exception or "
                    "failure.",
                    500,
                )
                return envelope.error(internal, request_id=request_id, host=host, product=product)

    @staticmethod
    def _fault_answer(fault: Fault, request_id: str, host: str) -> HttpResponse:
        answer = envelope.error(fault.error(), request_id=request_id, host=host, product=None)
        if fault.retry_after_ms is None:
            return answer
        headers = {**answer.headers, "x-acs-retry-after": str(fault.retry_after_ms)}
        return HttpResponse(answer.status, answer.body, headers)

    def _region_from_host(self, host: str) -> str:
        match = _REGION_IN_HOST.match(host)
        return match.group(1) if match else self.default_region
