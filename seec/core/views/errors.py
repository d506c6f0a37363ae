"""Error pages that say what happened and nothing about the system behind them."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request, reason=""):
    # Django's reason is for developers; the user gets what to do about it.
    return render(
        request,
        "403.html",
        {
            "message": _(
                "Your form had expired or came from another site. Go back, reload the page "
                "and try again."
            )
        },
        status=403,
    )
