"""OOS (2019-06-01): encrypted (secret) parameters, per region. Reference section 6.1.

A secret parameter's value is kept as a KMS secret named `oos/<name>` (A30): creating one needs
the caller's `kms:CreateSecret`, reading it decrypted needs `kms:GetSecretValue` (A15; the OOS
API reference asks for the latter). Values never appear in any listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes.clock import iso
from fakes.errors import ApiError
from fakes.ids import IdFactory
from fakes.services.base import Call, Response, Service, action
from fakes.services.kms import KmsService

_NAME = re.compile(r"^[A-Za-z0-9_/-]+$")
_RESERVED_PREFIXES = ("aliyun", "acs", "alibaba", "alicloud", "oos")
MAX_NAME = 180
MAX_VALUE = 4096


@dataclass
class SecretParameter:
    parameter_id: str
    name: str
    region: str
    key_id: str
    description: str
    created: datetime
    created_by: str
    updated: datetime
    updated_by: str
    version: int = 1

    def view(self) -> dict[str, object]:
        return {
            "Id": self.parameter_id,
            "Name": self.name,
            "Type": "Secret",
            "KeyId": self.key_id,
            "Description": self.description,
            "ParameterVersion": self.version,
            "CreatedDate": iso(self.created),
            "CreatedBy": self.created_by,
            "UpdatedDate": iso(self.updated),
            "UpdatedBy": self.updated_by,
            "ShareType": "Private",
            "Constraints": "",
        }


def kms_secret_name(name: str) -> str:
    """The KMS secret that holds a secret parameter's value (A30: public policies scope it as
    `acs:kms:*:*:secret/oos/<name>`)."""
    return f"oos/{name}"


def _parameter_not_found() -> ApiError:
    return ApiError("EntityNotExists.Parameter", "The Parameter does not exist.", 404)


class OosService(Service):
    product = "oos"

    def __init__(self, account_id: str, ids: IdFactory, kms: KmsService) -> None:
        self.account_id = account_id
        self._ids = ids
        self._kms = kms
        self.parameters: dict[tuple[str, str], SecretParameter] = {}  # (region, name)

    def _arn(self, region: str, name: str) -> str:
        return f"acs:oos:{region}:{self.account_id}:secretparameter/{name}"

    def _name(self, call: Call) -> str:
        name = call.params.require("Name")
        if len(name) > MAX_NAME or not _NAME.match(name):
            raise ApiError(
                "InvalidParameter.Name",
                f"The parameter name `{name[:40]}` is invalid: 1 to {MAX_NAME} letters, digits, "
                "hyphens, underscores or slashes.",
                400,
            )
        if name.lower().startswith(_RESERVED_PREFIXES):
            raise ApiError(
                "InvalidParameter.Name",
                f"The parameter name `{name[:40]}` must not start with ALIYUN, ACS, ALIBABA, "
                "ALICLOUD or OOS.",
                400,
            )
        return name

    @staticmethod
    def _value(call: Call) -> str:
        value = call.params.require("Value")
        if len(value) > MAX_VALUE:
            raise ApiError(
                "InvalidParameter.Value",
                f"The parameter value exceeds {MAX_VALUE} characters.",
                400,
            )
        return value

    def _existing(self, call: Call, name: str) -> SecretParameter:
        found = self.parameters.get((call.region, name))
        if found is None:
            raise _parameter_not_found()
        return found

    def read(self, call: Call, name: str, *, decrypted: bool) -> tuple[SecretParameter, str | None]:
        """GetSecretParameter's work, also used by the Cloud Assistant agent (A5)."""
        call.authorize(self._arn(call.region, name), action="oos:GetSecretParameter")
        secret = kms_secret_name(name)
        if decrypted:  # A15
            call.authorize(self._kms.secret_arn(call.region, secret), action="kms:GetSecretValue")
        parameter = self._existing(call, name)
        if not decrypted:
            return parameter, None
        return parameter, self._kms.secret_value(call.region, secret)

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """The parameters, never their values (KMS holds those)."""
        return {
            "Parameters": [
                {"Name": p.name, "RegionId": p.region, "ParameterVersion": p.version}
                for p in self.parameters.values()
            ]
        }

    @action("CreateSecretParameter")
    def create_secret_parameter(self, call: Call) -> Response:
        name = self._name(call)
        value = self._value(call)
        kind = call.params.text("Type", "Secret")
        if kind != "Secret":
            raise ApiError("InvalidParameter.Type", "The parameter type must be Secret.", 400)
        call.authorize(self._arn(call.region, name))
        secret = kms_secret_name(name)
        call.authorize(self._kms.secret_arn(call.region, secret), action="kms:CreateSecret")  # A15
        key = self._kms.key(call.region, call.params.text("KeyId"), call.now)
        if (call.region, name) in self.parameters:
            raise ApiError("EntityAlreadyExists.Parameter", "The Parameter already exists.", 409)
        parameter = SecretParameter(
            parameter_id=self._ids.parameter_id(),
            name=name,
            region=call.region,
            key_id=key.key_id,
            description=call.params.text("Description", "") or "",
            created=call.now,
            created_by=call.caller.name,
            updated=call.now,
            updated_by=call.caller.name,
        )
        self._kms.put_secret(call.region, secret, value, call.now)
        self.parameters[(call.region, name)] = parameter
        return {"Parameter": parameter.view()}

    @action("GetSecretParameter")
    def get_secret_parameter(self, call: Call) -> Response:
        name = self._name(call)
        parameter, value = self.read(call, name, decrypted=call.params.flag("WithDecryption"))
        view = parameter.view()
        if value is not None:
            view["Value"] = value
        return {"Parameter": view}

    @action("UpdateSecretParameter")
    def update_secret_parameter(self, call: Call) -> Response:
        name = self._name(call)
        call.authorize(self._arn(call.region, name))
        parameter = self._existing(call, name)
        if call.params.text("Value") is not None:
            secret = kms_secret_name(name)
            call.authorize(self._kms.secret_arn(call.region, secret), action="kms:PutSecretValue")
            self._kms.put_secret(call.region, secret, self._value(call), call.now)
            parameter.version += 1
        description = call.params.text("Description")
        if description is not None:
            parameter.description = description
        parameter.updated, parameter.updated_by = call.now, call.caller.name
        return {"Parameter": parameter.view()}

    @action("DeleteSecretParameter")
    def delete_secret_parameter(self, call: Call) -> Response:
        name = self._name(call)
        call.authorize(self._arn(call.region, name))
        self._existing(call, name)
        del self.parameters[(call.region, name)]
        self._kms.drop_secret(call.region, kms_secret_name(name))
        return {}

    @action("ListSecretParameters")
    def list_secret_parameters(self, call: Call) -> Response:
        call.authorize(self._arn(call.region, "*"))
        prefix = call.params.text("Name") or ""
        chosen = sorted(
            (p for p in self.parameters.values() if p.region == call.region),
            key=lambda p: p.name,
        )
        chosen = [p for p in chosen if p.name.startswith(prefix)]
        limit = call.params.number("MaxResults", 50, low=1, high=100)
        start = call.params.number("NextToken", 0, low=0, high=10**6)
        page = chosen[start : start + limit]
        following = start + limit
        return {
            "Parameters": [p.view() for p in page],
            "MaxResults": limit,
            "NextToken": str(following) if following < len(chosen) else "",
        }
