"""Call records from Asterisk (cdr_csv's `Master.csv`) imported for past periods, so that the
call metrics cover the time before the PBX was connected.

The file has no header; its columns are Asterisk's: accountcode, src, dst, dcontext, clid,
channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition,
amaflags, then uniqueid and userfield when `loguniqueid`/`loguserfield` are on (the import
needs uniqueid: it is what makes importing a file twice add nothing). Times are the PBX's local
time. Only calls to the hotline's number (`dst`) are taken. Every row is checked first; a file
with a bad row imports nothing and names every problem by line.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from seec.cases.models import Channel, digits_of
from seec.core import audit, policy
from seec.core.audit import Origin
from seec.core.policy import Capability

from .models import CallRecordImport, Conversation, ConversationState, Source
from .pbx import CALLER
from .services import ConversationAction

COLUMNS = [
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield",
]  # fmt: skip
DISPOSITIONS = {"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"}
MAX_ROWS = 1_000_000


@dataclass
class CdrResult:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    other_numbers: int = 0
    errors: list[str] = field(default_factory=list)
    record: CallRecordImport | None = None


def _time(value: str, zone) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)


def parse(text: str, *, number: str, zone) -> tuple[list[Conversation], list[str], int]:
    """The hotline's calls in a CDR file as unsaved conversations, the problems by line, and
    how many rows were calls to other numbers."""
    calls, errors, other = [], [], 0
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row:
            continue
        if line_number > MAX_ROWS:
            errors.append(_("More than %(n)d rows: split the file.") % {"n": MAX_ROWS})
            break
        if len(row) < 17:
            errors.append(
                _("Line %(line)d: %(n)d columns; Asterisk's CDR with uniqueid has at least 17.")
                % {"line": line_number, "n": len(row)}
            )
            continue
        record = dict(zip(COLUMNS, row, strict=False))
        if record["dst"] != number:
            other += 1
            continue
        try:
            start = _time(record["start"], zone)
            answer = _time(record["answer"], zone)
            end = _time(record["end"], zone)
        except ValueError:
            errors.append(
                _("Line %(line)d: a time is not YYYY-MM-DD HH:MM:SS.") % {"line": line_number}
            )
            continue
        problems = []
        if start is None or end is None:
            problems.append(_("start and end are required"))
        elif end < start or (answer and not start <= answer <= end):
            problems.append(_("the times are out of order"))
        if record["disposition"] not in DISPOSITIONS:
            problems.append(_("unknown disposition %(d)r") % {"d": record["disposition"][:20]})
        if not CALLER.match(record["src"]):
            problems.append(_("src is not a phone number"))
        if not record["uniqueid"] or len(record["uniqueid"]) > 90:
            problems.append(_("uniqueid is missing"))
        if problems:
            errors.append(
                _("Line %(line)d: %(problems)s.")
                % {"line": line_number, "problems": "; ".join(problems)}
            )
            continue
        answered = record["disposition"] == "ANSWERED" and answer is not None
        calls.append(
            Conversation(
                channel=Channel.CALL,
                source=Source.CDR,
                external_id=f"cdr:{record['uniqueid']}",
                caller_number=record["src"][:40],
                caller_digits=digits_of(record["src"])[:40],
                arrived_at=start,
                answered_at=answer if answered else None,
                ended_at=end,
                wait_seconds=round(((answer if answered else end) - start).total_seconds()),
                state=ConversationState.ENDED if answered else ConversationState.ABANDONED,
            )
        )
    return calls, errors, other


def import_cdr(
    content: bytes, *, origin: Origin, filename: str, number: str = "116000", timezone_name: str
) -> CdrResult:
    """Import a CDR file into the acting supervisor's organisation: all of it, or nothing."""
    user = origin.actor
    if not policy.has(user, Capability.SUPERVISE) or user.organisation_id is None:
        raise PermissionDenied(_("Only a supervisor imports call records."))
    result = CdrResult()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(_("The file is not UTF-8 text."))
        return result
    calls, result.errors, result.other_numbers = parse(
        text, number=number, zone=ZoneInfo(timezone_name)
    )
    result.rows = len(calls)
    if result.errors:
        return result
    with transaction.atomic():
        known = set(
            Conversation.objects.filter(
                organisation_id=user.organisation_id,
                channel=Channel.CALL,
                external_id__in=[c.external_id for c in calls],
            ).values_list("external_id", flat=True)
        )
        new = []
        for call in calls:
            if call.external_id in known:
                result.already_present += 1
                continue
            known.add(call.external_id)
            call.organisation_id = user.organisation_id
            new.append(call)
        Conversation.objects.bulk_create(new, batch_size=2000)
        result.imported = len(new)
        result.record = CallRecordImport.objects.create(
            organisation_id=user.organisation_id,
            imported_by=user,
            filename=filename[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            rows=result.rows,
            imported=result.imported,
            already_present=result.already_present,
        )
        audit.record(
            ConversationAction.CDR_IMPORT,
            origin=origin,
            obj=result.record,
            details={
                "rows": result.rows,
                "imported": result.imported,
                "already_present": result.already_present,
                "from": str(min(c.arrived_at for c in calls)) if calls else None,
                "to": str(max(c.arrived_at for c in calls)) if calls else None,
            },
        )
    return result


def cdr_line(
    uniqueid: str, src: str, start: datetime, wait: int, talk: int | None, *, number="116000"
) -> list:
    """One row of Asterisk's Master.csv for a call to the hotline (the demo and the tests write
    their files with it): answered after `wait` seconds and talked `talk`, or abandoned."""
    fmt = "%Y-%m-%d %H:%M:%S"
    answered = talk is not None
    answer = start + timedelta(seconds=wait) if answered else None
    end = (answer + timedelta(seconds=talk)) if answered else start + timedelta(seconds=wait)
    agent_channel = "PJSIP/201-0002" if answered else ""
    duration = str(round((end - start).total_seconds()))
    disposition = "ANSWERED" if answered else "NO ANSWER"
    return [
        "", src, number, "hotline", f'"" <{src}>', "PJSIP/trunk-0001", agent_channel, "Queue",
        "116000", start.strftime(fmt), answer.strftime(fmt) if answer else "", end.strftime(fmt),
        duration, str(talk or 0), disposition, "DOCUMENTATION", uniqueid, "",
    ]  # fmt: skip
