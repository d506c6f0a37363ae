"""The call metrics page and its CSV/XLSX downloads (the organisation's supervisors)."""

import csv
import io
from datetime import timedelta

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from seec.cases.models import Channel
from seec.cases.views import needs
from seec.core.datetime_field import LocalDateField
from seec.core.policy import Capability

from . import metrics


class MetricsForm(forms.Form):
    granularity = forms.ChoiceField(
        label=gettext_lazy("Per"),
        choices=[
            ("day", gettext_lazy("Day")),
            ("week", gettext_lazy("Week")),
            ("month", gettext_lazy("Month")),
        ],
        initial="day",
    )
    first = LocalDateField(label=gettext_lazy("From"))
    last = LocalDateField(label=pgettext_lazy("the last day of a period", "To"))

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end comes before the start."))
            elif (last - first).days > 366 * 2:
                self.add_error("last", _("At most two years at once."))
        return data


def _form(request):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("granularity", "day")
    data.setdefault("first", (today - timedelta(days=13)).isoformat())
    data.setdefault("last", today.isoformat())
    return MetricsForm(data)


def _rows(request, form):
    organisation = request.user.organisation
    data = form.cleaned_data
    return [
        metrics.summary(organisation, period)
        for period in metrics.periods(data["granularity"], data["first"], data["last"])
    ]


COLUMNS = [
    ("period", gettext_lazy("Period from")),
    ("contacts", gettext_lazy("Contacts")),
    *[(f"channel:{value}", label) for value, label in Channel.choices],
    ("calls", gettext_lazy("Calls")),
    ("answered", gettext_lazy("Calls answered")),
    ("abandoned", gettext_lazy("Calls abandoned")),
    ("answered_share", gettext_lazy("Answered share")),
    ("answer_median", gettext_lazy("Time to answer, median (s)")),
    ("answer_p90", gettext_lazy("Time to answer, 90th percentile (s)")),
    ("chats_answered_share", gettext_lazy("Chats answered share")),
    ("police_share", gettext_lazy("New cases passed to police within target")),
    ("follow_up_share", gettext_lazy("Follow-ups within target")),
]


def flat(row: dict) -> dict:
    """One period's figures as the download's cells."""

    def rounded(value, digits=3):
        return None if value is None else round(value, digits)

    cells = {
        "period": row["period"].label(),
        "contacts": row["contacts"],
        "calls": row["calls"],
        "answered": row["answered"],
        "abandoned": row["abandoned"],
        "answered_share": rounded(row["answered_share"]),
        "answer_median": rounded(row["answer_median"], 1),
        "answer_p90": rounded(row["answer_p90"], 1),
        "chats_answered_share": rounded(row["chats_answered_share"]),
        "police_share": rounded(row["police"]["share"]),
        "follow_up_share": rounded(row["follow_up"]["share"]),
    }
    for value, _label in Channel.choices:
        cells[f"channel:{value}"] = row["by_channel"].get(value, 0)
    return cells


@needs(Capability.SUPERVISE)
def page(request):
    form = _form(request)
    rows = _rows(request, form) if form.is_valid() else []
    hours = [0] * 24
    for row in rows:
        for (_channel, hour), n in row["by_hour"].items():
            hours[hour] += n
    top = max(hours) or 1
    return render(
        request,
        "contactcentre/metrics.html",
        {
            "form": form,
            "columns": COLUMNS,
            "rows": [[flat(row).get(key) for key, _label in COLUMNS] for row in rows],
            "hours": [(hour, n, round(100 * n / top)) for hour, n in enumerate(hours)],
            "query": request.GET.urlencode(),
        },
        status=200 if form.is_valid() else 400,
    )


@needs(Capability.SUPERVISE)
def download(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    header = [str(label) for _key, label in COLUMNS]
    rows = [[flat(row).get(key) for key, _label in COLUMNS] for row in _rows(request, form)]
    name = f"call-metrics-{form.cleaned_data['first']}-{form.cleaned_data['last']}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "metrics"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
