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
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, NamedTuple, TypeVar

import responses

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
from fakes.services.ecs.records import MAX_RECORDS
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

_TOO_DEEP = ApiError("InvalidParameter", "A parameter is nested too deeply to read.")
_INTERNAL = ApiError(
    "InternalError",
    "The request processing has failed due to some unknown error, exception or failure.",
    500,
)


def _untraced(err: ApiError) -> ApiError:
    """A caught error kept as the request's answer, without its traceback: the envelope reads
    only its code, message and status, and the traceback's frames link back to the frame that
    keeps it, a cycle (with every caller's frame and locals) only the garbage collector frees,
    a cost that grows with the live heap (a fleet's thousands of refused calls). The error it
    was raised while handling (`raise ... from None` keeps it as `__context__`) links back the
    same way, so it goes too."""
    err.__context__ = err.__cause__ = None
    return err.with_traceback(None)


def _parse(request: HttpRequest) -> rpc.RpcCall | ApiError:
    """The request as a call, or the error it earns: it needs nothing of the account's."""
    try:
        return rpc.parse(request)
    except ApiError as err:
        return _untraced(err)
    except RecursionError:
        return _TOO_DEEP
    except Exception:  # never a traceback on the wire
        log.exception("fake cloud failed to parse a request")
        return _INTERNAL


class _Claimed(NamedTuple):
    """A request past the checks made before its signature: what acts on it once it is good."""

    call: rpc.RpcCall
    service: Service
    claim: access.Claim


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
        invocation_limit: int | None = MAX_RECORDS,
        keep_calls: int = 0,
    ) -> None:
        """`seed` makes ids reproducible; `root_access_key` fixes the owner's key (test vectors);
        `invocation_limit`: how many Cloud Assistant invocations are kept (None: no cap), the
        oldest completed forgotten first, as the service does past 10,000 or 30 days (A100);
        `keep_calls` is how many of the latest in-process calls through `requests` to keep in
        `calls` (none by default: `responses` would keep every one, about 22 KB each)."""
        if invocation_limit is not None and invocation_limit < 1:
            raise ValueError(f"invocation_limit must be at least 1 or None, not {invocation_limit}")
        if keep_calls < 0:
            raise ValueError(f"keep_calls must be 0 or more, not {keep_calls}")
        self._invocation_limit = invocation_limit
        self.default_region = region
        self._keep_calls = keep_calls
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
        self._policy_sets = access.PolicySets(self.ram, self.resource_directory.in_force)
        self._authorizers = {
            product: access.PolicyAuthorizer(
                self.account_id,
                self.ram,
                product,
                self._refusals,
                resource_group_of=self._resource_group_of,
                policy_sets=self._policy_sets,
            )
            for product in PRODUCTS
        }
        agent = CloudAssistantAgent(self.ram, self.sts, self.oos, self._authorizers["oos"])
        self.ecs = EcsService(
            self.account_id,
            self._ids,
            agent=agent,
            roles=self.ram,
            invocation_limit=self._invocation_limit,
        )
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
        containers: Mapping[str, str] | None = None,
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
        (key -> value, `{"env": "prod"}`), which RAM sees as `acs:ResourceTag/<key>` on the
        instance and DescribeInstances filters on.
        `containers={"app": "root"}` (Linux): the containers it runs, name -> default user, who
        runs every command sent into it whatever Username says (A41); each gets a 64-hex id
        (`container_ids`). A run into a container the instance lacks fails there with
        `ContainerNotExists` (A110): an instance made without `containers` runs none.
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
                tags=tags,
                containers=containers,
            )
            self._serve_metadata(instance_id)
            return instance_id

    def _serve_metadata(self, instance_id: str) -> None:
        """Give the instance's guest its metadata service (100.100.100.200), which hands out
        the instance RAM role's STS session to any local user."""
        instance = self.ecs.instances[instance_id]
        instance.guest.metadata = InstanceMetadata(instance, self.ram, self.sts, self.clock.now)

    def add_fleet(
        self,
        count: int,
        os: str = "linux",
        region: str | None = None,
        users: Iterable[str] | Mapping[str, str] = (),
        *,
        tags: Mapping[str, str] | None = None,
        resource_group_id: str | None = None,
    ) -> list[str]:
        """Create `count` alike instances at once (a fleet to verify), each as `add_instance`
        makes one with these users and tags; their ids, in order. One step for the whole fleet:
        no request per instance."""
        if not 1 <= count <= 100_000:
            raise ValueError(f"a fleet has 1 to 100000 instances, not {count}")
        users = dict(users) if isinstance(users, Mapping) else list(users)
        with self._lock:
            group = resource_group_id or self.resource_manager.default_group_id
            if not self.resource_manager.exists(group):
                self.resource_manager.adopt(group, self.clock.now())
            now, where = self.clock.now(), region or self.default_region
            ids = [
                self.ecs.add_instance(os, where, users, now=now, resource_group_id=group, tags=tags)
                for _ in range(count)
            ]
            for instance_id in ids:
                self._serve_metadata(instance_id)
            return ids

    def set_agent(
        self,
        instance_id: str,
        state: str = "running",
        *,
        seconds_ago: int = 0,
        version: str | None = None,
    ) -> None:
        """The Cloud Assistant agent of an instance: `running` (heartbeats now), `stopped`
        (DescribeCloudAssistantStatus says `false`, its last heartbeat is now) or `silent`
        (still `true`, but no heartbeat from now on: a hung agent). A run sent to a stopped or
        silent agent fails on that instance (A85). `seconds_ago`: it stopped or went silent that
        long ago (its last heartbeat). `version` is the agent version it reports."""
        with self._lock:
            instance = self.ecs.instances.get(instance_id)
            if instance is None:
                raise ValueError(f"no instance `{instance_id}` in this account")
            if not 0 <= seconds_ago <= 10**8:
                raise ValueError(f"`seconds_ago` must be 0 or more seconds, not {seconds_ago}")
            agent, now = instance.agent, self.clock.now() - timedelta(seconds=seconds_ago)
            if state == "running":
                agent.stopped_at = agent.silent_since = None
            elif state == "stopped":
                agent.stopped_at, agent.silent_since = now, None
            elif state == "silent":
                agent.stopped_at, agent.silent_since = None, now
            else:
                raise ValueError(
                    f"unknown agent state `{state}`: choose running, stopped or silent"
                )
            if version is not None:
                agent.version = version

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

    def container_ids(self, instance_id: str) -> dict[str, str]:
        """The containers an instance runs: name -> 64-hex `ContainerId`."""
        return {c.name: c.container_id for c in self.ecs.instances[instance_id].containers}

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
                self._adapter = InProcessAdapter(
                    lambda request: self.handle(request), keep_calls=self._keep_calls
                )
                self._adapter.start()
        return self

    @property
    def calls(self) -> list[responses.Call]:
        """The last `keep_calls` calls the official SDK (and the legacy one) made through
        `requests` since `start()`, as `responses` records them (`.request`, `.response`),
        oldest first; empty unless `FakeCloud(keep_calls=N)` asked for them."""
        with self._lock:
            return self._adapter.calls if self._adapter is not None else []

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
        """Answer one HTTP request exactly as the real endpoint would (status, headers, body).

        Only what reads or changes the account holds the lock: the request is parsed before it
        is taken, its signature recomputed between the key's lookup and the nonce's spending
        (`access.Claim.verify` reads the request and the secret alone), and the answer encoded
        after it is released, so other requests are not held up by any of them."""
        host = request.headers.get("host", "aliyuncs.com")
        parsed = _parse(request)
        with self._lock:
            self.clock.advance()
            request_id = self._ids.request_id()
            product, claimed = self._claim(parsed, request_id, host)
        outcome: Mapping[str, Any] | ApiError | HttpResponse
        if not isinstance(claimed, _Claimed):
            outcome = claimed
        else:
            try:
                claimed.claim.verify()
            except ApiError as err:
                outcome = _untraced(err)
            except Exception:  # never a traceback on the wire
                log.exception("fake cloud failed to check a signature (RequestId %s)", request_id)
                outcome = _INTERNAL
            else:
                with self._lock:  # the clock as it stands: it never goes back for an action
                    outcome = self._act(claimed, self.clock.now(), request_id)
        if isinstance(outcome, HttpResponse):
            return outcome
        if isinstance(outcome, ApiError):
            return envelope.error(outcome, request_id=request_id, host=host, product=product)
        return envelope.success(request_id, outcome)

    def _claim(
        self, parsed: rpc.RpcCall | ApiError, request_id: str, host: str
    ) -> tuple[str | None, _Claimed | ApiError | HttpResponse]:
        """Under the lock, what comes before the signature is checked: an injected fault, the
        product, the signing rules and the key. Returns the request's product, and its claim
        or the answer it already earns."""
        if isinstance(parsed, ApiError):
            return None, parsed
        call = parsed
        try:
            if self.faults.armed:  # the one check on the fast path
                fault = self.faults.take(call.product, call.action)
                if fault is not None:
                    return call.product, self._fault_answer(fault, request_id, host)
            service = self._services.get(call.product)
            if service is None:
                raise ApiError(
                    "InvalidApi.NotFound",
                    f"The fake cloud does not serve `{call.product}` yet.",
                    404,
                )
            return call.product, _Claimed(call, service, self._authenticator.claim(call))
        except ApiError as err:
            return call.product, _untraced(err)
        except RecursionError:  # a JSON parameter nested thousands deep: bad input, not a bug
            return call.product, _TOO_DEEP
        except Exception:  # never a traceback on the wire: log it, answer like Alibaba
            log.exception("fake cloud failed on a request (RequestId %s)", request_id)
            return call.product, _INTERNAL

    def _act(
        self, claimed: _Claimed, now: datetime, request_id: str
    ) -> Mapping[str, Any] | ApiError:
        """Under the lock, once the signature is good: admit the caller (the key as it stands,
        the nonce) and act on the account. Returns the call's data or its error."""
        call, service = claimed.call, claimed.service
        try:
            principal = self._authenticator.admit(claimed.claim)
            region = call.params.text("RegionId") or self._region_from_host(call.host)
            served = Call(
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
            try:
                return service.handle(served)
            finally:  # even a refused or failed call may have changed what sets are made of
                if call.product in access.IDENTITY_PRODUCTS:
                    self._policy_sets.invalidate()
        except ApiError as err:
            return _untraced(err)
        except RecursionError:  # a JSON parameter nested thousands deep: bad input, not a bug
            return _TOO_DEEP
        except Exception:  # never a traceback on the wire: log it, answer like Alibaba
            log.exception("fake cloud failed on a request (RequestId %s)", request_id)
            return _INTERNAL

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
