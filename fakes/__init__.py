"""A faithful, stateful fake of the Alibaba Cloud APIs behind Cloud Assistant's run-as controls.

The public face (pinned by tests/test_public_contract.py)::

    from fakes import FakeCloud, mock_cloud

    with FakeCloud() as cloud:                 # intercepts https://*.aliyuncs.com in-process
        key_id, secret = cloud.root_access_key # the account owner's key: bypasses RAM
        linux = cloud.add_instance(os="linux", users=["user01", "user02"])

A pytest fixture `fake_cloud` yields a started `FakeCloud` (plugin `fakes.pytest_plugin`).
`serve()` (or `python -m fakes serve`) answers the same API over HTTP on loopback, for any client.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, overload

from fakes.cloud import FakeCloud
from fakes.guest import ExecResult, Execution
from fakes.server import serve

__all__ = ["ExecResult", "Execution", "FakeCloud", "mock_cloud", "serve"]

F = TypeVar("F", bound=Callable[..., Any])


@overload
def mock_cloud(func: F) -> F: ...
@overload
def mock_cloud(func: None = None, **options: Any) -> FakeCloud: ...


def mock_cloud(func: Callable[..., Any] | None = None, **options: Any) -> Any:
    """`FakeCloud` as a decorator or a context manager.

    As a decorator, a function with a parameter named `cloud` receives the running fake there;
    pytest does not see that parameter, so the decorated test can still take fixtures.
    """
    if func is None:
        return FakeCloud(**options)

    signature = inspect.signature(func)
    wants_cloud = "cloud" in signature.parameters

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with FakeCloud(**options) as cloud:
            if wants_cloud:
                kwargs["cloud"] = cloud
            return func(*args, **kwargs)

    if wants_cloud:
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p for p in signature.parameters.values() if p.name != "cloud"]
        )
    return wrapper
