"""The names under which Alibaba Cloud's APIs carry secrets: one list, read by every writer of
evidence, cassettes and reports, so none of them masks a name another lets through.

Sources: RAM CreateAccessKey and STS AssumeRole answer `AccessKeySecret` and `SecurityToken`;
OOS CreateSecretParameter / UpdateSecretParameter take, and GetSecretParameter (WithDecryption)
answers, `Value`; KMS Encrypt takes and Decrypt answers `Plaintext`, GetSecretValue answers
`SecretData` (as CreateSecret and PutSecretValue take it); ECS ModifyInstanceAttribute takes
`Password`; ECS CreateKeyPair answers `PrivateKeyBody`; the RPC
signature (V2) travels as the `Signature` parameter.
"""

from __future__ import annotations

#: Request parameters whose value is a secret.
SECRET_PARAMETERS = frozenset(
    {
        "AccessKeySecret",
        "SecurityToken",
        "Signature",
        "Password",
        "Value",
        "Plaintext",
        "SecretData",
    }
)
#: Response fields whose value is a secret.
SECRET_FIELDS = frozenset(
    {
        "AccessKeySecret",
        "SecurityToken",
        "Password",
        "Value",
        "Plaintext",
        "SecretData",
        "PrivateKeyBody",
    }
)
