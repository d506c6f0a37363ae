"""The one envelope: an OASIS EDXL-DE 2.0 distribution written in JSON.

The routing elements stay readable (the receiver must know whom a distribution is for before
it can open it); the content is the payload, with a copy of those routing elements, signed by
the sender (JWS, EdDSA) and then encrypted to the receiving node (JWE, ECDH-ES with X25519,
A256GCM). The receiver checks that the signed copy says what the readable elements say, so
that no one can re-address a signed content.

    {
      "distributionID": "gr-node_6f1c…",  "senderID": "gr-node",
      "dateTimeSent": "…", "dateTimeExpires": "…",
      "distributionStatus": "Actual", "distributionKind": "Report",
      "combinedConfidentiality": "H2",
      "keyword": [{"valueListURI": "urn:seec:exchange:payload-type", "value": ["referral.offer"]},
                  {"valueListURI": "urn:seec:exchange:conversation", "value": ["…"]},
                  {"valueListURI": "urn:seec:exchange:sequence", "value": ["1"]}],
      "senderRole": [{"valueListURI": "urn:seec:exchange:organisation", "value": ["gr-node:3"]}],
      "explicitAddress": [{"explicitAddressScheme": "urn:seec:exchange:organisation",
                           "explicitAddressValue": ["rs-node:7"]}],
      "content": [{"contentDescriptor": {"contentKeyword": […]},
                   "contentObject": {"contentMimeType": "application/jose",
                                     "encryptedContent": "<compact JWE of a compact JWS>"}}]
    }
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

ORGANISATION_SCHEME = "urn:seec:exchange:organisation"
PAYLOAD_TYPE_LIST = "urn:seec:exchange:payload-type"
CONVERSATION_LIST = "urn:seec:exchange:conversation"
SEQUENCE_LIST = "urn:seec:exchange:sequence"
CONTENT_TYPE = "application/jose"
# EdDSA on Ed25519, by its fully specified name (RFC 9864), which JOSE libraries now expect.
SIGNING_ALGORITHM = "Ed25519"
KEY_AGREEMENT = "ECDH-ES"
CONTENT_ENCRYPTION = "A256GCM"
STATUS_VALUES = {"Actual", "Exercise", "Test"}
KIND_VALUES = {"Report", "Update", "Cancel", "Ack", "Error"}
HANDLING_VALUES = {"H0", "H1", "H2", "H3"}


class EnvelopeError(Exception):
    """A distribution that cannot be read, with a code for the record and a clear message."""

    def __init__(self, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Routing:
    """What the readable part of a distribution says."""

    distribution_id: str
    sender_node: str
    sent_at: datetime
    expires_at: datetime
    status: str
    kind: str
    handling: str
    payload_type: str
    conversation: str
    sequence: int
    sender_address: str
    recipient_address: str

    def as_signed_copy(self) -> dict:
        return {
            "distributionID": self.distribution_id,
            "senderID": self.sender_node,
            "dateTimeSent": self.sent_at.isoformat(),
            "dateTimeExpires": self.expires_at.isoformat(),
            "distributionStatus": self.status,
            "distributionKind": self.kind,
            "combinedConfidentiality": self.handling,
            "payloadType": self.payload_type,
            "conversation": self.conversation,
            "sequence": self.sequence,
            "sender": self.sender_address,
            "recipient": self.recipient_address,
        }


def _keywords(routing: Routing) -> list[dict]:
    return [
        {"valueListURI": PAYLOAD_TYPE_LIST, "value": [routing.payload_type]},
        {"valueListURI": CONVERSATION_LIST, "value": [routing.conversation]},
        {"valueListURI": SEQUENCE_LIST, "value": [str(routing.sequence)]},
    ]


def seal(
    routing: Routing,
    payload: dict,
    *,
    signing_key: OKPKey,
    signing_kid: str,
    recipient_key: OKPKey,
    recipient_kid: str,
) -> dict:
    """The distribution: routing in the clear, payload signed then encrypted."""
    signed_body = json.dumps(
        {"routing": routing.as_signed_copy(), "payload": payload},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    signed = jws.serialize_compact(
        {"alg": SIGNING_ALGORITHM, "kid": signing_kid},
        signed_body,
        signing_key,
        algorithms=[SIGNING_ALGORITHM],
    )
    encrypted = jwe.encrypt_compact(
        {"alg": KEY_AGREEMENT, "enc": CONTENT_ENCRYPTION, "kid": recipient_kid, "cty": "JWT"},
        signed.encode(),
        recipient_key,
        algorithms=[KEY_AGREEMENT, CONTENT_ENCRYPTION],
    )
    return {
        "distributionID": routing.distribution_id,
        "senderID": routing.sender_node,
        "dateTimeSent": routing.sent_at.isoformat(),
        "dateTimeExpires": routing.expires_at.isoformat(),
        "distributionStatus": routing.status,
        "distributionKind": routing.kind,
        "combinedConfidentiality": routing.handling,
        "keyword": _keywords(routing),
        "senderRole": [{"valueListURI": ORGANISATION_SCHEME, "value": [routing.sender_address]}],
        "explicitAddress": [
            {
                "explicitAddressScheme": ORGANISATION_SCHEME,
                "explicitAddressValue": [routing.recipient_address],
            }
        ],
        "content": [
            {
                "contentDescriptor": {"contentKeyword": _keywords(routing)[:1]},
                "contentObject": {"contentMimeType": CONTENT_TYPE, "encryptedContent": encrypted},
            }
        ],
    }


def _text(document: dict, name: str, allowed: set[str] | None = None) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value.strip():
        raise EnvelopeError("malformed", f"The distribution has no {name}.", name)
    if allowed is not None and value not in allowed:
        raise EnvelopeError(
            "malformed", f"{name} must be one of {', '.join(sorted(allowed))}.", name
        )
    return value


def _time(document: dict, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(document, name))
    except ValueError:
        raise EnvelopeError("malformed", f"{name} is not a date and time.", name) from None
    if moment.tzinfo is None:
        raise EnvelopeError("malformed", f"{name} has no time zone.", name)
    return moment


def _listed(entries, uri_key: str, uri: str, value_key: str, name: str) -> str:
    if not isinstance(entries, list):
        raise EnvelopeError("malformed", f"{name} must be a list.", name)
    for entry in entries:
        if isinstance(entry, dict) and entry.get(uri_key) == uri:
            values = entry.get(value_key)
            if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
                return values[0]
            raise EnvelopeError("malformed", f"{name} {uri} must hold exactly one value.", name)
    raise EnvelopeError("malformed", f"{name} has no {uri}.", name)


def read_routing(document) -> Routing:
    """The routing elements of a distribution, checked for form; nothing is opened yet."""
    if not isinstance(document, dict):
        raise EnvelopeError("malformed", "The body is not an EDXL-DE distribution object.")
    keywords = document.get("keyword")
    sequence_text = _listed(keywords, "valueListURI", SEQUENCE_LIST, "value", "keyword")
    if not sequence_text.isdigit() or int(sequence_text) < 1:
        raise EnvelopeError("malformed", "The sequence must be a positive number.", "keyword")
    return Routing(
        distribution_id=_text(document, "distributionID"),
        sender_node=_text(document, "senderID"),
        sent_at=_time(document, "dateTimeSent"),
        expires_at=_time(document, "dateTimeExpires"),
        status=_text(document, "distributionStatus", STATUS_VALUES),
        kind=_text(document, "distributionKind", KIND_VALUES),
        handling=_text(document, "combinedConfidentiality", HANDLING_VALUES),
        payload_type=_listed(keywords, "valueListURI", PAYLOAD_TYPE_LIST, "value", "keyword"),
        conversation=_listed(keywords, "valueListURI", CONVERSATION_LIST, "value", "keyword"),
        sequence=int(sequence_text),
        sender_address=_listed(
            document.get("senderRole"), "valueListURI", ORGANISATION_SCHEME, "value", "senderRole"
        ),
        recipient_address=_listed(
            document.get("explicitAddress"),
            "explicitAddressScheme",
            ORGANISATION_SCHEME,
            "explicitAddressValue",
            "explicitAddress",
        ),
    )


def encrypted_content(document: dict) -> str:
    content = document.get("content")
    if not isinstance(content, list) or len(content) != 1 or not isinstance(content[0], dict):
        raise EnvelopeError("malformed", "The distribution must hold one content.", "content")
    obj = content[0].get("contentObject")
    if not isinstance(obj, dict) or obj.get("contentMimeType") != CONTENT_TYPE:
        raise EnvelopeError("malformed", "The content is not a JOSE object.", "content")
    text = obj.get("encryptedContent")
    if not isinstance(text, str) or text.count(".") != 4:
        raise EnvelopeError("malformed", "The content is not a compact JWE.", "content")
    return text


def protected_header(compact: str, code: str) -> dict:
    """The protected header of a compact JWS or JWE, read without any key (to choose one)."""
    first = compact.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise EnvelopeError(code, "The content's JOSE header is unreadable.")
    return header


def recipient_kid(encrypted: str) -> str:
    header = protected_header(encrypted, "malformed")
    kid = header.get("kid")
    if header.get("alg") != KEY_AGREEMENT or header.get("enc") != CONTENT_ENCRYPTION:
        raise EnvelopeError(
            "bad_encryption", f"The content must be encrypted {KEY_AGREEMENT}/{CONTENT_ENCRYPTION}."
        )
    if not isinstance(kid, str):
        raise EnvelopeError("bad_encryption", "The content's JWE names no key (kid).")
    return kid


def decrypt(encrypted: str, private_key: OKPKey) -> str:
    try:
        plain = jwe.decrypt_compact(
            encrypted, private_key, algorithms=[KEY_AGREEMENT, CONTENT_ENCRYPTION]
        ).plaintext
    except (JoseError, ValueError) as error:
        raise EnvelopeError(
            "bad_encryption", f"The content could not be decrypted: {error}"
        ) from None
    return plain.decode()


def signer_kid(signed: str) -> str:
    header = protected_header(signed, "bad_signature")
    if header.get("alg") != SIGNING_ALGORITHM or not isinstance(header.get("kid"), str):
        raise EnvelopeError(
            "bad_signature", "The content must be signed Ed25519 (EdDSA) with a key id."
        )
    return header["kid"]


def verify(signed: str, public_key: OKPKey, routing: Routing) -> dict:
    """The payload, once the signature holds and the signed routing matches the readable one."""
    try:
        body = jws.deserialize_compact(signed, public_key, algorithms=[SIGNING_ALGORITHM]).payload
    except (JoseError, ValueError):
        raise EnvelopeError("bad_signature", "The content's signature does not verify.") from None
    try:
        content = json.loads(body)
    except ValueError:
        raise EnvelopeError("malformed", "The signed content is not JSON.") from None
    if not isinstance(content, dict) or content.get("routing") != routing.as_signed_copy():
        raise EnvelopeError(
            "routing_mismatch", "The signed content was written for another distribution."
        )
    payload = content.get("payload")
    if not isinstance(payload, dict):
        raise EnvelopeError("malformed", "The payload must be a JSON object.", "payload")
    return payload


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# --- Receipts --------------------------------------------------------------------------------


def sign_receipt(claims: dict, signing_key: OKPKey, kid: str) -> str:
    body = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
    return jws.serialize_compact(
        {"alg": SIGNING_ALGORITHM, "kid": kid}, body, signing_key, algorithms=[SIGNING_ALGORITHM]
    )


def read_receipt(receipt: str, keys_by_kid) -> dict:
    """The claims of a receipt signed by one of `keys_by_kid` (kid → OKPKey)."""
    kid = signer_kid(receipt)
    key = keys_by_kid(kid)
    if key is None:
        raise EnvelopeError("bad_receipt", "The receipt is signed by a key we do not know.")
    try:
        body = jws.deserialize_compact(receipt, key, algorithms=[SIGNING_ALGORITHM]).payload
        return json.loads(body)
    except (JoseError, ValueError):
        raise EnvelopeError("bad_receipt", "The receipt's signature does not verify.") from None
