"""The exchange's audit actions: every message in and out, every change of trust."""

from django.utils.translation import gettext_lazy as _

from seec.core import audit


class ExchangeAction:
    PEER_ADDED = "exchange.peer_added"
    PEER_CONFIRMED = "exchange.peer_confirmed"
    PEER_SUSPENDED = "exchange.peer_suspended"
    PEER_REFRESHED = "exchange.peer_refreshed"
    KEY_REVOKED = "exchange.key_revoked"
    KEYS_ROTATED = "exchange.keys_rotated"
    SENT = "exchange.sent"
    DELIVERED = "exchange.delivered"
    DEAD_LETTER = "exchange.dead_letter"
    RETRIED = "exchange.retried"
    RECEIVED = "exchange.received"
    DELIVERED_LOCALLY = "exchange.delivered_locally"
    REFUSED = "exchange.refused"
    APPLY_FAILED = "exchange.apply_failed"


audit.ACTION_LABELS.update(
    {
        ExchangeAction.PEER_ADDED: _("Exchange: node added"),
        ExchangeAction.PEER_CONFIRMED: _("Exchange: node's fingerprint confirmed"),
        ExchangeAction.PEER_SUSPENDED: _("Exchange: node suspended"),
        ExchangeAction.PEER_REFRESHED: _("Exchange: node's keys refreshed"),
        ExchangeAction.KEY_REVOKED: _("Exchange: key revoked"),
        ExchangeAction.KEYS_ROTATED: _("Exchange: this node's keys rotated"),
        ExchangeAction.SENT: _("Exchange: message sent"),
        ExchangeAction.DELIVERED: _("Exchange: message delivered (receipt kept)"),
        ExchangeAction.DEAD_LETTER: _("Exchange: message became a dead letter"),
        ExchangeAction.RETRIED: _("Exchange: dead letter sent again"),
        ExchangeAction.RECEIVED: _("Exchange: message received"),
        ExchangeAction.DELIVERED_LOCALLY: _("Exchange: message delivered on this node"),
        ExchangeAction.REFUSED: _("Exchange: message refused"),
        ExchangeAction.APPLY_FAILED: _("Exchange: message could not be applied"),
    }
)
