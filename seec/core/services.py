"""Writes of the core: accounts, sign-in state, language, shares. Each is audited."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _

from . import audit, policy, zones
from .audit import Action, Origin
from .models import ApiToken, Organisation, Share, User, UserSession


def end_sessions_and_tokens(user: User) -> int:
    """End every session and API token of `user` at once; returns how many were ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    tokens, _by_model = ApiToken.objects.filter(user=user).delete()
    return len(keys) + tokens


@transaction.atomic
def disable_account(user: User, *, origin: Origin, reason: str) -> None:
    """Disable an account: it can no longer sign in, and its sessions and tokens end now."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for disabling the account.")})
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ended = end_sessions_and_tokens(user)
    audit.record(
        Action.ACCOUNT_DISABLED, origin=origin, obj=user, reason=reason, details={"ended": ended}
    )


@transaction.atomic
def record_account_change(user: User, *, origin: Origin, created: bool, fields: list[str]):
    """Audit an account created or changed by an administrator; a disabled one loses its
    sessions and tokens."""
    if not user.is_active:
        end_sessions_and_tokens(user)
    audit.record(
        Action.ACCOUNT_CREATED if created else Action.ACCOUNT_CHANGED,
        origin=origin,
        obj=user,
        details={"fields": sorted(f for f in fields if not f.startswith("password"))},
    )


@transaction.atomic
def record_organisation_change(org: Organisation, *, origin: Origin, created: bool, fields):
    audit.record(
        Action.ORGANISATION_CREATED if created else Action.ORGANISATION_CHANGED,
        origin=origin,
        obj=org,
        details={"fields": sorted(fields)},
    )


def unlock_sign_in(username: str, *, origin: Origin) -> int:
    """Lift every lock-out of `username` (from whichever address) and forget its failures."""
    from axes.models import AccessFailureLog
    from axes.utils import reset

    with transaction.atomic():
        lifted = reset(username=username)
        # The next round of failures starts again from the shortest delay.
        AccessFailureLog.objects.filter(username=username).delete()
        audit.record(
            Action.UNLOCKED,
            origin=origin,
            details={"username": username, "attempts_cleared": lifted},
        )
    return lifted


def set_preferred_language(user: User, language: str, *, origin: Origin) -> None:
    """Remember the user's interface language."""
    if language not in dict(settings.LANGUAGES) or not check_for_language(language):
        raise ValidationError({"language": _("Unknown language: %(code)s") % {"code": language}})
    if user.preferred_language == language:
        return
    with transaction.atomic():
        previous = user.preferred_language
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language
        audit.record(
            Action.LANGUAGE_CHANGED,
            origin=origin,
            obj=user,
            details={"from": previous, "to": language},
        )


def set_time_zone(user: User, zone: str, *, origin: Origin) -> None:
    """Remember the zone the user reads and types times in; empty: the organisation's."""
    zones.validate_zone(zone)
    if user.time_zone == zone:
        return
    with transaction.atomic():
        previous = user.time_zone
        User.objects.filter(pk=user.pk).update(time_zone=zone)
        user.time_zone = zone
        audit.record(
            Action.TIME_ZONE_CHANGED,
            origin=origin,
            obj=user,
            details={"from": previous, "to": zone},
        )


def issue_api_token(user: User, *, origin: Origin) -> tuple[str, ApiToken]:
    """A new expiring API token for `user`; the raw token is returned once and never stored."""
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=ApiToken.digest_of(raw),
            expires_at=timezone.now() + timedelta(hours=settings.SEEC_API_TOKEN_HOURS),
        )
        audit.record(
            Action.TOKEN_ISSUED,
            origin=origin,
            obj=user,
            details={"token": token.pk, "expires_at": token.expires_at.isoformat()},
        )
    return raw, token


@transaction.atomic
def revoke_api_token(token: ApiToken, *, origin: Origin) -> None:
    audit.record(Action.TOKEN_REVOKED, origin=origin, obj=token.user, details={"token": token.pk})
    token.delete()


@transaction.atomic
def grant_share(obj, organisation: Organisation, *, origin: Origin, reason: str) -> Share:
    """Let `organisation` see `obj`, which the granting user's organisation owns."""
    user = origin.actor
    if not policy.can(user, policy.Act.SHARE, obj):
        raise PermissionDenied(_("You may not share this record."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for sharing.")})
    if organisation.pk == user.organisation_id:
        raise ValidationError(
            {"organisation": _("The record already belongs to this organisation.")}
        )
    if not organisation.is_active:
        raise ValidationError({"organisation": _("This organisation is no longer active.")})
    content_type = ContentType.objects.get_for_model(obj)
    if (
        Share.objects.active()
        .filter(content_type=content_type, object_id=str(obj.pk), organisation=organisation)
        .exists()
    ):
        raise ValidationError({"organisation": _("The record is already shared with them.")})
    share = Share.objects.create(
        content_type=content_type,
        object_id=str(obj.pk),
        organisation=organisation,
        reason=reason,
        granted_by=user,
    )
    audit.record(
        Action.SHARE_GRANTED,
        origin=origin,
        obj=obj,
        reason=reason,
        details={"share": share.pk, "organisation": organisation.pk},
    )
    return share


@transaction.atomic
def revoke_share(share: Share, *, origin: Origin, reason: str) -> None:
    """End a share: from now on the receiving organisation no longer sees the record."""
    if not policy.can(origin.actor, policy.Act.CHANGE, share):
        raise PermissionDenied(_("You may not revoke this share."))
    if share.revoked_at is not None:
        raise ValidationError({"share": _("The share was already revoked.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    share.revoked_at = timezone.now()
    share.revoked_by = origin.actor
    share.revoke_reason = reason
    share.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(
        Action.SHARE_REVOKED,
        origin=origin,
        obj=share.record,
        reason=reason,
        details={"share": share.pk, "organisation": share.organisation_id},
    )
