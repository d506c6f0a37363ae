"""Documents (PDF) of cases, cleaned before they are stored: no scripts, no actions that run
on opening or on a click (launch a program, submit a form, fetch a remote file), no attached
files, no forms, and no metadata (author, software, dates, XMP). A PDF that cannot be read or
that is locked by a password is refused, as is one that still holds active content after the
cleaning. qpdf (through pikepdf) parses the file and writes a new one holding only the objects
the pages still reach.
"""

import io

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Action types that do something beyond moving within the document.
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ResetForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/URI",
        "/Rendition",
        "/RichMediaExecute",
        "/Sound",
        "/Movie",
        "/Hide",
        "/SetOCGState",
        "/Trans",
        "/GoTo3DView",
    }
)
# Entries that hold scripts, automatic actions, attachments or forms, wherever they are.
ACTIVE_KEYS = ("/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/AcroForm", "/XFA")
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"})


def _is_active_action(value) -> bool:
    return isinstance(value, pikepdf.Dictionary) and str(value.get("/S", "")) in ACTIVE_ACTIONS


def _strip(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, pikepdf.Array):
            kept = [a for a in annotations if str(a.get("/Subtype", "")) not in ACTIVE_ANNOTATIONS]
            page.obj["/Annots"] = pdf.make_indirect(pikepdf.Array(kept))
    for obj in _dictionaries(pdf):
        for key in ACTIVE_KEYS:
            if key in obj:
                del obj[key]
        for key in ("/A", "/Next"):
            if key in obj and _is_active_action(obj[key]):
                del obj[key]
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    if "/Metadata" in pdf.Root:
        del pdf.Root["/Metadata"]
    del pdf.docinfo


def _dictionaries(pdf: pikepdf.Pdf):
    """Every dictionary of the file: the indirect objects and the direct ones nested in them
    (an annotation's action is often written inside it)."""

    def nested(value):
        if isinstance(value, pikepdf.Dictionary | pikepdf.Stream):
            yield value
            fields = value.stream_dict if isinstance(value, pikepdf.Stream) else value
            children = [fields[key] for key in list(fields.keys())]
        elif isinstance(value, pikepdf.Array):
            children = list(value)
        else:
            return
        for child in children:
            if not getattr(child, "is_indirect", False):
                yield from nested(child)

    for obj in list(pdf.objects):
        yield from nested(obj)


def _still_active(pdf: pikepdf.Pdf) -> bool:
    for obj in _dictionaries(pdf):
        if any(key in obj for key in ACTIVE_KEYS) or _is_active_action(obj):
            return True
    return "/Metadata" in pdf.Root or bool(pdf.trailer.get("/Info"))


def clean_pdf(raw: bytes) -> bytes:
    """The document without active content or metadata; a ValidationError naming `file`
    when it cannot be read, is locked, or cannot be cleaned."""
    try:
        with pikepdf.open(io.BytesIO(raw)) as pdf:
            _strip(pdf)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
    except pikepdf.PasswordError as error:
        raise ValidationError(
            {"file": _("The PDF is locked with a password: upload it without the lock.")}
        ) from error
    except pikepdf.PdfError as error:
        raise ValidationError({"file": _("This PDF cannot be read.")}) from error
    with pikepdf.open(io.BytesIO(out.getvalue())) as written:
        if _still_active(written):
            raise ValidationError(
                {"file": _("This PDF holds scripts or actions that could not be removed.")}
            )
    return out.getvalue()
