"""What of an audit event a reader may see: the trail is browsed by administrators, who have no
right to a child's personal data (a sighting's place) nor to what someone typed into a public
form (the address a password reset was asked for). Whoever may not see personal data reads
such values as hidden, in the admin, the audit page and the API alike.
"""

from . import policy
from .policy import Capability

HIDDEN = "[hidden]"
# Keys of `details` whose values describe a person or a place, whichever app wrote them.
PERSONAL_KEYS = frozenset(
    {
        "address",
        "caller_name",
        "caller_phone",
        "date_of_birth",
        "description",
        "email",
        "family_name",
        "given_names",
        "name",
        "names",
        "phone",
        "place",
        "text",
    }
)
# Objects whose short description names no person: a case by its number, an account, a body.
PLAIN_OBJECT_TYPES = frozenset({"cases.case", "core.user", "core.organisation", "core.country"})


def sees_personal_data(user) -> bool:
    return policy.has(user, Capability.VIEW_PERSONAL_DATA)


def redacted(value):
    if isinstance(value, dict):
        return {k: HIDDEN if k in PERSONAL_KEYS else redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def details_for(user, event) -> dict:
    return event.details if sees_personal_data(user) else redacted(event.details)


def object_repr_for(user, event) -> str:
    return event.object_repr if sees_personal_data(user) else redacted_object_repr(event)


def redacted_object_repr(event) -> str:
    if event.object_type in PLAIN_OBJECT_TYPES:
        return event.object_repr
    return HIDDEN if event.object_repr else ""
