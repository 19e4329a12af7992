"""Settings of a run: pytest options, each with an environment-variable twin and a key in an
optional TOML file (`--runas-config FILE`).

Precedence: command line, then environment, then the file, then the default. `pytest --help`
lists them under "run-as harness". Secrets are never settings: credentials come from the
standard Alibaba Cloud chain (harness/credentials.py).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.config.policies import PolicyLibrary

#: Backends the design names; all of them work.
BACKENDS = ("fake", "live", "record", "replay")
#: Backends whose SDK calls go to a real account (or to `--endpoint`).
LIVE_BACKENDS = ("live", "record")
#: Where the spec keeps its policy documents and cassettes, relative to the project (the pytest
#: rootdir, or the current folder outside pytest).
POLICIES = Path("features") / "policies"
CASSETTES = Path("features") / "cassettes"
CONFIG_ENV = "RUNAS_CONFIG"


@dataclass(frozen=True)
class Option:
    flag: str
    env: str
    default: str
    help: str
    metavar: str

    @property
    def dest(self) -> str:
        return "runas_" + self.key

    @property
    def key(self) -> str:
        """The option's key in the TOML file: `--linux-instance` -> `linux_instance`."""
        return self.flag.removeprefix("--").replace("-", "_")


OPTIONS = (
    Option(
        "--backend",
        "RUNAS_BACKEND",
        "fake",
        "where the SDK calls go: fake (default, in-process fake cloud), live (a real account), "
        "record (live, saving cassettes) or replay (the saved cassettes, offline)",
        "NAME",
    ),
    Option(
        "--region",
        "RUNAS_REGION",
        "cn-hangzhou",
        "region of the instances under test (default cn-hangzhou)",
        "REGION",
    ),
    Option(
        "--policies",
        "RUNAS_POLICIES",
        "",
        "your own folder of policy documents, over the spec's features/policies: a document "
        "there replaces the spec's of the same name, and new names can be attached",
        "DIR",
    ),
    Option(
        "--fake-endpoint",
        "RUNAS_FAKE_ENDPOINT",
        "",
        "URL of a running fake cloud server (`python -m fakes serve`) for the fake backend to "
        "use instead of its in-process fake, e.g. http://127.0.0.1:8080; it resets the server's "
        "account before every scenario",
        "URL",
    ),
    Option(
        "--endpoint",
        "RUNAS_ENDPOINT",
        "",
        "live and record: send every SDK call to this URL instead of Alibaba Cloud's endpoints, "
        "e.g. a stand-in server (default: the real endpoints)",
        "URL",
    ),
    Option(
        "--linux-instance",
        "RUNAS_LINUX_INSTANCE",
        "",
        "live: id of the Linux instance under test (i-...)",
        "ID",
    ),
    Option(
        "--windows-instance",
        "RUNAS_WINDOWS_INSTANCE",
        "",
        "live: id of the Windows instance under test (i-...)",
        "ID",
    ),
    Option(
        "--run-as-users",
        "RUNAS_RUN_AS_USERS",
        "user01,user02",
        "live: the regular OS users the instances have and commandUser may run as; scenarios "
        "that need another regular user are skipped (default user01,user02)",
        "USERS",
    ),
    Option(
        "--refused-users",
        "RUNAS_REFUSED_USERS",
        "root,system",
        "live: the privileged OS users commandUser must never run as (default root,system)",
        "USERS",
    ),
    Option(
        "--windows-password-parameter",
        "RUNAS_WINDOWS_PASSWORD_PARAMETER",
        "axtSecretPassword",
        "live: the OOS encrypted parameter holding the Windows user's logon password; verify "
        "mode checks it, provision mode copies its value (default axtSecretPassword)",
        "NAME",
    ),
    Option(
        "--command-user-policies",
        "RUNAS_COMMAND_USER_POLICIES",
        "",
        "verify mode: the policies attached to commandUser, as the spec names them, e.g. "
        "commandUserPolicy.allowlist,AliyunECSReadOnlyAccess; scenarios that need others are "
        "skipped",
        "POLICIES",
    ),
    Option(
        "--prefix",
        "RUNAS_PREFIX",
        "runas",
        "live: start of the names of everything the harness creates, followed by 8 hex digits "
        "per scenario: runas-1a2b3c4d-commandUser (default runas)",
        "PREFIX",
    ),
    Option(
        "--command-user-profile",
        "RUNAS_COMMAND_USER_PROFILE",
        "",
        "live: profile (credentials.ini or the CLI's config.json) holding commandUser's "
        "credentials (default: the standard chain, e.g. ALIBABA_CLOUD_ACCESS_KEY_ID)",
        "NAME",
    ),
    Option(
        "--admin-profile",
        "RUNAS_ADMIN_PROFILE",
        "",
        "live: profile holding the administrator's credentials, for provision mode (or set "
        "RUNAS_ADMIN_ACCESS_KEY_ID and RUNAS_ADMIN_ACCESS_KEY_SECRET); without: verify mode",
        "NAME",
    ),
    Option(
        "--cassettes",
        "RUNAS_CASSETTES",
        str(CASSETTES),
        "record and replay: folder of the cassettes (default features/cassettes)",
        "DIR",
    ),
    Option(
        "--recorded-against",
        "RUNAS_RECORDED_AGAINST",
        "",
        "record: what the endpoint is, written into every cassette (default: Alibaba Cloud, or "
        "the --endpoint URL)",
        "TEXT",
    ),
    Option(
        "--poll-interval",
        "RUNAS_POLL_INTERVAL",
        "0.5",
        "live: first wait between polls and between retries, in seconds, doubling to 5 "
        "(default 0.5)",
        "SECONDS",
    ),
    Option(
        "--ram-settle",
        "RUNAS_RAM_SETTLE",
        "10",
        "live: how long a refused first call on a new AccessKey is retried, in seconds, while "
        "RAM catches up (default 10; 0: never)",
        "SECONDS",
    ),
    Option(
        "--runas-report",
        "RUNAS_REPORT",
        "",
        "write the evidence as one self-contained HTML file: findings with their fixes, the "
        "run-as matrix, every scenario's API calls, the assumption ledger, the run's context",
        "FILE.html",
    ),
    Option(
        "--runas-evidence",
        "RUNAS_EVIDENCE",
        "",
        "write the same evidence as one JSON document (schema: harness/report/evidence.schema.json)"
        ", with ids that stay the same from run to run",
        "FILE.json",
    ),
)
BY_KEY = {option.key: option for option in OPTIONS}


@dataclass(frozen=True)
class Settings:
    backend: str
    region: str
    #: The spec's own policy documents (`features/policies` under the project).
    spec_policies: Path
    #: An administrator's folder over them (`--policies`), or None.
    policies: Path | None = None
    fake_endpoint: str | None = None  # `http://host:port` of a fake cloud server, if one is used
    endpoint: str | None = None  # live: where the SDK calls go instead of Alibaba's endpoints
    linux_instance: str | None = None
    windows_instance: str | None = None
    run_as_users: tuple[str, ...] = ("user01", "user02")
    refused_users: tuple[str, ...] = ("root", "system")
    windows_password_parameter: str = "axtSecretPassword"
    command_user_policies: tuple[str, ...] = ()
    prefix: str = "runas"
    command_user_profile: str | None = None
    admin_profile: str | None = None
    cassettes: Path = CASSETTES
    recorded_against: str = ""
    poll_interval: float = 0.5
    ram_settle: float = 10.0
    #: Where the HTML report and the JSON evidence bundle go (relative: to pytest's invocation
    #: folder); None: not written.
    runas_report: Path | None = None
    runas_evidence: Path | None = None

    @property
    def library(self) -> PolicyLibrary:
        """The policy documents scenarios attach by name."""
        return PolicyLibrary(self.spec_policies, self.policies)

    def how_to_give(self, key: str) -> str:
        """`--linux-instance, RUNAS_LINUX_INSTANCE or linux_instance in --runas-config`."""
        option = BY_KEY[key]
        return f"{option.flag}, {option.env} or `{option.key}` in --runas-config"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("runas", "run-as harness")
    group.addoption(
        "--runas-config",
        dest="runas_config",
        metavar="FILE",
        default=None,
        help=f'TOML file of settings, keyed like the options (backend = "live", '
        f'linux_instance = "i-..."); command line and environment win [env {CONFIG_ENV}]',
    )
    for option in OPTIONS:
        group.addoption(
            option.flag,
            dest=option.dest,
            metavar=option.metavar,
            default=None,
            help=f"{option.help} [env {option.env}]",
        )


def read_config_file(path: Path) -> dict[str, str]:
    """The file's settings as strings (lists joined by commas); a bad file is a UsageError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise pytest.UsageError(
            f"cannot read the settings file `{path}` ({e.strerror}): fix --runas-config or "
            f"{CONFIG_ENV}"
        ) from None
    except tomllib.TOMLDecodeError as e:
        raise pytest.UsageError(f"settings file `{path}` is not TOML: {e}") from None
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in BY_KEY:
            known = ", ".join(sorted(BY_KEY))
            raise pytest.UsageError(f"settings file `{path}`: unknown key `{key}`: known: {known}")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            values[key] = ",".join(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            values[key] = str(value)
        else:
            raise pytest.UsageError(
                f"settings file `{path}`: `{key}` must be a string, a number or a list of strings"
            )
    return values


def from_config(config: pytest.Config) -> Settings:
    """Read and check the settings; a bad value is a `pytest.UsageError` naming the fix."""
    file_name = config.getoption("runas_config") or os.environ.get(CONFIG_ENV) or ""
    config_file = Path(file_name).expanduser() if file_name else None
    from_file = read_config_file(config_file) if config_file else {}
    given: dict[str, str] = {}
    for option in OPTIONS:
        cli = config.getoption(option.dest)
        if cli is not None:
            given[option.key] = str(cli)
        elif os.environ.get(option.env):
            given[option.key] = os.environ[option.env]
        else:
            given[option.key] = from_file.get(option.key, option.default)
    chosen = parse(given, root=config.rootpath)
    if chosen.policies is not None and not chosen.policies.is_dir():
        raise pytest.UsageError(
            f"policy folder `{chosen.policies}` does not exist: give one with --policies or "
            "RUNAS_POLICIES"
        )
    return chosen


def parse(given: dict[str, str], root: Path | None = None) -> Settings:
    """Settings from raw strings keyed like the TOML file; missing keys take their defaults.
    Relative folders are taken from `root` (the pytest rootdir; default the current folder)."""
    values = {o.key: given.get(o.key, o.default).strip() for o in OPTIONS}
    base = root if root is not None else Path.cwd()
    backend = values["backend"].lower()
    if backend not in BACKENDS:
        raise pytest.UsageError(
            f"unknown backend `{backend}`: choose one of {', '.join(BACKENDS)} "
            "(--backend or RUNAS_BACKEND)"
        )
    policies = base / Path(values["policies"]).expanduser() if values["policies"] else None
    refused = _names(values["refused_users"])
    run_as = _names(values["run_as_users"])
    for names, key, what in (
        (run_as, "run_as_users", "approved user that must run as itself (default user01,user02)"),
        (refused, "refused_users", "name that must be refused (default root,system)"),
    ):
        if not names:  # the checks over the list would hold for no user at all
            option = BY_KEY[key]
            raise pytest.UsageError(
                f"{option.flag} names nobody, so what is checked of it would hold vacuously: "
                f"give at least one {what} ({option.flag}, {option.env} or `{key}` in "
                "--runas-config)"
            )
    both = sorted({u.lower() for u in run_as} & {u.lower() for u in refused})
    if both:
        raise pytest.UsageError(
            f"`{both[0]}` is both a user to run as (--run-as-users) and a user to refuse "
            "(--refused-users): name it in one of them"
        )
    return Settings(
        backend=backend,
        region=values["region"],
        spec_policies=spec_policies(base),
        policies=policies,
        fake_endpoint=_fake_endpoint(values["fake_endpoint"], backend),
        endpoint=_endpoint(values["endpoint"], backend),
        linux_instance=values["linux_instance"] or None,
        windows_instance=values["windows_instance"] or None,
        run_as_users=run_as,
        refused_users=refused,
        windows_password_parameter=values["windows_password_parameter"],
        command_user_policies=_names(values["command_user_policies"]),
        prefix=_prefix(values["prefix"]),
        command_user_profile=values["command_user_profile"] or None,
        admin_profile=values["admin_profile"] or None,
        cassettes=base / Path(values["cassettes"]).expanduser(),
        recorded_against=values["recorded_against"],
        poll_interval=_seconds(values["poll_interval"], "poll_interval", 0.001),
        ram_settle=_seconds(values["ram_settle"], "ram_settle", 0.0),
        runas_report=Path(values["runas_report"]).expanduser() if values["runas_report"] else None,
        runas_evidence=(
            Path(values["runas_evidence"]).expanduser() if values["runas_evidence"] else None
        ),
    )


def spec_policies(root: Path) -> Path:
    """The spec's policy documents: `features/policies` in the project under test, else the
    folder beside this harness's own source (a checkout or an editable install)."""
    here = root / POLICIES
    if here.is_dir():
        return here
    beside = Path(__file__).resolve().parents[2] / POLICIES
    return beside if beside.is_dir() else here


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


#: Starts every name the harness creates; RAM policy names allow letters, digits and hyphens only.
_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,19}$")
_RESERVED = ("aliyun", "acs", "alibaba", "alicloud", "oos")  # OOS refuses names starting so


def _prefix(text: str) -> str:
    if not _PREFIX.match(text) or text.lower().startswith(_RESERVED):
        raise pytest.UsageError(
            f"prefix `{text}` cannot start RAM and OOS names: use 1 to 20 letters, digits and "
            "hyphens, starting with a letter and not with aliyun, acs, alibaba, alicloud or oos "
            "(--prefix or RUNAS_PREFIX)"
        )
    return text.rstrip("-")


def _seconds(text: str, key: str, least: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not least <= value <= 600:
        option = BY_KEY[key]
        raise pytest.UsageError(
            f"{option.flag} `{text}` is not a number of seconds from {least:g} to 600 "
            f"({option.flag} or {option.env})"
        )
    return value


def _server_url(given: str, flag: str, env: str) -> str:
    """`http(s)://host:port` with no path; a bad URL is a UsageError."""
    url = urlsplit(given if "://" in given else f"http://{given}")
    try:
        port = url.port
    except ValueError:
        port = None
    if url.scheme not in ("http", "https") or not url.hostname or port is None:
        raise pytest.UsageError(
            f"{flag.removeprefix('--').replace('-', ' ')} `{given}` is not a server address: "
            f"give one like http://127.0.0.1:8080 ({flag} or {env})"
        )
    return f"{url.scheme}://{url.netloc}"


def _fake_endpoint(given: str, backend: str) -> str | None:
    """`http://host:port` with no path, or None when no server is named."""
    if not given:
        return None
    if backend != "fake":
        raise pytest.UsageError(
            f"--fake-endpoint names a fake cloud server, but the backend is `{backend}`: "
            "drop it, or use --backend fake (a live run takes --endpoint)"
        )
    try:
        return _server_url(given, "--fake-endpoint", "RUNAS_FAKE_ENDPOINT")
    except pytest.UsageError:
        raise pytest.UsageError(
            f"fake endpoint `{given}` is not a server address: give one like "
            "http://127.0.0.1:8080, as `python -m fakes serve` prints it (--fake-endpoint or "
            "RUNAS_FAKE_ENDPOINT)"
        ) from None


def _endpoint(given: str, backend: str) -> str | None:
    if not given:
        return None
    if backend not in LIVE_BACKENDS:
        raise pytest.UsageError(
            f"--endpoint redirects a live run, but the backend is `{backend}`: drop it, or use "
            "--backend live or record (the fake backend takes --fake-endpoint)"
        )
    return _server_url(given, "--endpoint", "RUNAS_ENDPOINT")
