"""The research extract's page: what is in it, then the purpose, a confirmation and the file.

Only the organisation's admins take it (docs/decisions/0012-research-extract.md): a coordinator
or anyone else who can open the programme gets a 403, which is audited; anyone else a 404.
Each download is its own extract, with new study ids, written to the audit log; nothing is
stored, so a repeated submission makes a second, separately logged file and nothing else.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from allied.programmes.access import ADMIN, programme_for
from allied.programmes.models import Participant
from allied.reports import extract as research

FORMATS = (("csv", "CSV file"), ("xlsx", "Excel spreadsheet"))
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ExtractForm(forms.Form):
    purpose = forms.CharField(
        label="What is the extract for?",
        help_text=(
            "Name the study and the data sharing agreement it is taken under. This is written "
            "to the audit log."
        ),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what the extract is for",
            "min_length": "Enter what the extract is for in a few more words",
            "max_length": "What the extract is for must be 500 characters or fewer",
        },
    )
    file_format = forms.ChoiceField(
        label="Format",
        choices=FORMATS,
        initial="csv",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a format",
            "invalid_choice": "Choose a CSV file or an Excel spreadsheet",
        },
    )
    confirm = forms.BooleanField(
        label=(
            "I confirm that this extract will be used only for the purpose above, under the "
            "organisation's data sharing agreement, kept securely, and that nobody will try to "
            "identify the people in it"
        ),
        error_messages={"required": "Confirm how the extract will be used"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def extract(request, pk: int):
    programme = programme_for(request, pk, ADMIN)
    form = ExtractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        file_format = form.cleaned_data["file_format"]
        taken = research.take(
            programme,
            purpose=form.cleaned_data["purpose"],
            file_format=file_format,
            request=request,
        )
        if file_format == "xlsx":
            content = research.as_xlsx(taken, programme)
        else:
            content = research.as_csv(taken)
        name = f"programme-{programme.pk}-research-extract-{timezone.localdate():%Y-%m-%d}"
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response
    return render(
        request,
        "reports/extract.html",
        {
            "programme": programme,
            "form": form,
            "columns": research.COLUMNS,
            "places": Participant.objects.filter(cohort__programme=programme).count(),
        },
    )
