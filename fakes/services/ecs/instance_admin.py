"""What an administrator does to an instance itself, beside Cloud Assistant: ModifyInstanceAttribute
(a new root or Administrator `Password`, `UserData` that runs as root at the next start),
RebootInstance (which runs reboot tasks and user data), InstallCloudAssistant, the instance's
tags (TagResources, UntagResources: RAM sees them as `acs:ResourceTag/<key>`, A83) and the tag
reads the guide's policy names, DescribeTags and DescribeTagKeys. None carries
`ecs:CommandRunAs` (reference section 1); each is authorized on the instance (A46, A84).
"""

from __future__ import annotations

import base64
import binascii

from fakes.errors import invalid_parameter
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import MAX_INSTANCES, EcsBase, paginate
from fakes.services.ecs.requests import MAX_TAGS, has_tags, listing, tags_of
from fakes.services.ecs.state import Instance

#: Password rules for ModifyInstanceAttribute (8 to 30 characters, three kinds of character).
_SPECIAL = set("()`~!@#$%^&*-_+=|{}[]:;'<>,.?/")
MAX_USER_DATA = 32 * 1024
MAX_TAGGED = 50  # ResourceId.N of TagResources and UntagResources
_NO_TAGS: list[dict[str, str]] = []
#: Where cloud-init keeps what user data printed (its `output` setting, `| tee -a` this file:
#: https://cloudinit.readthedocs.io/en/latest/reference/base_config_reference.html#output).
CLOUD_INIT_OUTPUT = "/var/log/cloud-init-output.log"


def _password_ok(password: str) -> bool:
    kinds = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in _SPECIAL for c in password),
    ]
    return 8 <= len(password) <= 30 and sum(kinds) >= 3 and password.isascii()


class InstanceAdminActions(EcsBase):
    """The instance as a machine: its logon password, its user data, its restarts."""

    @action("ModifyInstanceAttribute")
    def modify_instance_attribute(self, call: Call) -> Response:
        instance_id = call.params.require("InstanceId")
        (instance,) = self._instances(call, [instance_id], authorize=True)  # A46
        password = call.params.text("Password")
        user_data = call.params.text("UserData")
        if password is not None and not _password_ok(password):
            raise errors.invalid_password()
        if user_data is not None:
            if len(user_data) > MAX_USER_DATA:
                raise errors.too_long("InvalidUserData.SizeExceeded", "user data")
            try:
                script = base64.b64decode(user_data, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise errors.invalid_user_data() from None
        if password is not None:
            # Root on Linux, Administrator on Windows; "restart the instance for the new
            # password to take effect" (https://help.aliyun.com/en/ecs/developer-reference/
            # api-ecs-2014-05-26-modifyinstanceattribute): the guest applies it at RebootInstance.
            user = "root" if instance.os == "linux" else "Administrator"
            instance.guest.set_password(user, password)
        if user_data is not None:
            instance.user_data = script
        if call.params.text("InstanceName") is not None:
            instance.name = call.params.text("InstanceName") or instance.name
        return {}

    @action("RebootInstance")
    def reboot_instance(self, call: Call) -> Response:
        instance_id = call.params.require("InstanceId")
        (instance,) = self._instances(call, [instance_id], authorize=True)
        if call.params.flag("DryRun"):
            raise errors.dry_run_passed()
        instance.guest.start()  # the passwords set meanwhile take effect (A46)
        if instance.user_data:  # cloud-init runs user data as root at boot (A46)
            guest = instance.guest
            ran = guest.run(instance.user_data, guest.default_user, self.handlers)
            if guest.os == "linux":  # and appends what it printed to its output log
                log = guest.files.text(CLOUD_INIT_OUTPUT)
                guest.files.write(CLOUD_INIT_OUTPUT, (log + ran.output).encode(), mode=0o640)
        self.reboot(instance, call.now)
        return {}

    @action("InstallCloudAssistant")
    def install_cloud_assistant(self, call: Call) -> Response:
        """The agent is on every fake instance already: installing it again changes nothing."""
        ids = call.params.items_of("InstanceId")
        if not ids:
            raise errors.missing_instance_id()
        if len(ids) > MAX_INSTANCES:
            raise errors.too_many_instances()
        self._instances(call, list(dict.fromkeys(ids)), authorize=True)
        return {}

    def _tagged(self, call: Call) -> list[Instance]:
        """The instances a TagResources or UntagResources names, each authorized (A84)."""
        kind = call.params.require("ResourceType")
        if kind != "instance":
            raise errors.unsupported(f"tags on the resource type `{kind}`")
        ids = list(dict.fromkeys(call.params.items_of("ResourceId")))
        if not ids:
            raise invalid_parameter("ResourceId.1", "", "Name at least one instance.")
        if len(ids) > MAX_TAGGED:
            raise errors.too_many_instances()
        return self._instances(call, ids, authorize=True)

    @action("TagResources")
    def tag_resources(self, call: Call) -> Response:
        tags = tags_of(call)
        if not tags:
            raise invalid_parameter("Tag.1.Key", "", "Name at least one tag.")
        for instance in self._tagged(call):
            if len(instance.tags | tags) > MAX_TAGS:
                raise invalid_parameter("Tag", str(len(tags)), f"At most {MAX_TAGS} tags.")
            instance.tags.update(tags)
        return {}

    @action("UntagResources")
    def untag_resources(self, call: Call) -> Response:
        keys = call.params.items_of("TagKey")
        every = call.params.flag("All")
        for instance in self._tagged(call):
            for key in list(instance.tags) if every else keys:
                instance.tags.pop(key, None)
        return {}

    @action("DescribeTags")
    def describe_tags(self, call: Call) -> Response:
        """The tags of the region's instances (or of the one named), filtered by Tag.N (A48)."""
        resource = call.params.text("ResourceId")
        call.authorize(self.arn(call.region, "instance", resource or "*"))
        if call.params.text("ResourceType") not in (None, "instance"):
            raise errors.unsupported("tags on resources other than instances")
        wanted = tags_of(call)
        counts: dict[tuple[str, str], int] = {}
        for instance in self.instances.values():
            if instance.region != call.region or resource not in (None, instance.instance_id):
                continue
            if not has_tags(instance.tags, wanted):
                continue
            for pair in instance.tags.items():
                counts[pair] = counts.get(pair, 0) + 1
        rows = [
            {"TagKey": key, "TagValue": value, "ResourceTypeCount": {"Instance": count}}
            for (key, value), count in sorted(counts.items())
        ]
        return listing(call, rows, "Tags", "Tag", default=50, high=100)

    @action("DescribeTagKeys")
    def describe_tag_keys(self, call: Call) -> Response:
        call.authorize(self.arn(call.region, "instance", "*"))  # A11
        page, number, size = paginate(call, _NO_TAGS, default=50, high=100)
        return {
            "TagKeys": {"TagKey": page},
            "TotalCount": 0,
            "PageNumber": number,
            "PageSize": size,
        }
