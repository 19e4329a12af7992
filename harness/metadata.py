"""What any program on an instance reads from the instance metadata service: the instance RAM
role's temporary credentials (`curl -s http://100.100.100.200/latest/meta-data/ram/
security-credentials/<role>`, https://help.aliyun.com/zh/ecs/user-guide/obtain-a-temporary-authorization-token).

The harness runs the `curl` through Cloud Assistant as a regular user, reads the JSON it prints
(the same on a real instance as on the fake), and signs as the role through the standard
`alibabacloud-credentials` client, as an SDK on the instance would. The secret and the token
stay inside that client: what the harness shows of the credentials has them masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from alibabacloud_credentials.client import Client as CredentialsClient
from alibabacloud_credentials.models import Config as CredentialsConfig

from harness.cloud_assistant import InstanceResult
from harness.errors import HarnessError
from harness.sdk.clients import Principal

#: Where the metadata service serves an instance role's credentials, below the role's name.
CREDENTIALS_URL = "http://100.100.100.200/latest/meta-data/ram/security-credentials/"
#: The fields of the credentials JSON the harness needs; `Code` must be `Success`.
FIELDS = ("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration")
MASK = "***"


def fetch_script(role: str) -> str:
    """The shell command that prints the role's credentials."""
    return f"curl -s {CREDENTIALS_URL}{role}"


@dataclass(frozen=True)
class RoleCredentials:
    """An instance role's temporary credentials, as the metadata service printed them."""

    role: str
    access_key_id: str
    expiration: str
    secret: str = field(repr=False)
    token: str = field(repr=False)

    @classmethod
    def parse(cls, role: str, output: str) -> RoleCredentials:
        """The credentials in `curl`'s output; a one-line `HarnessError` (naming no value of
        it, which may hold a secret) when it is not the metadata service's credentials JSON."""
        try:
            data = json.loads(output)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise HarnessError(
                f"the metadata service did not answer with the credentials of `{role}` "
                f"({len(output)} characters that are not a JSON object): does the instance "
                "hold that role?"
            )
        missing = [f for f in FIELDS if not isinstance(data.get(f), str) or not data[f]]
        if data.get("Code") != "Success" or missing:
            raise HarnessError(
                f"the metadata service's answer for `{role}` is not usable: Code "
                f"`{str(data.get('Code'))[:40]}`, missing {', '.join(missing) or 'nothing'}"
            )
        return cls(
            role=role,
            access_key_id=data["AccessKeyId"],
            expiration=data["Expiration"],
            secret=data["AccessKeySecret"],
            token=data["SecurityToken"],
        )

    def principal(self, name: str) -> Principal:
        """`name`, signing with these credentials (type `sts` of the credentials client)."""
        client = CredentialsClient(
            CredentialsConfig(
                type="sts",
                access_key_id=self.access_key_id,
                access_key_secret=self.secret,
                security_token=self.token,
            )
        )
        return Principal(name, credential=client)

    def shown(self) -> str:
        """The credentials as evidence may show them: which key, until when; no secret, no
        token."""
        return json.dumps(
            {
                "AccessKeyId": self.access_key_id,
                "AccessKeySecret": MASK,
                "SecurityToken": MASK,
                "Expiration": self.expiration,
                "Code": "Success",
            }
        )

    def masked(self, result: InstanceResult) -> InstanceResult:
        """The run that printed the credentials, with its output replaced by `shown()`."""
        return replace(result, output=self.shown())
