from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hazari.accounts import scope
from hazari.accounts.roles import may_import
from hazari.imports import engine
from hazari.imports.forms import UploadForm
from hazari.imports.models import ImportBatch, Kind, Status
from hazari.imports.samples import SAMPLES
from hazari.imports.tasks import apply_import, check_import
from hazari.lib.http import AuthedRequest
from hazari.lib.tabular import errors_as_csv


@login_required
def import_list(request: AuthedRequest) -> HttpResponse:
    allowed = may_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not allowed or request.user.unit is None:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            batch = ImportBatch.objects.create(
                kind=form.cleaned_data["kind"],
                file=upload,
                file_name=upload.name[:255],
                sha256=engine.sha256_of(upload),
                size=upload.size,
                area=request.user.unit,
                uploaded_by=request.user,
                options={"academic_year": form.cleaned_data.get("academic_year")},
            )
            check_import.enqueue(str(batch.pk))
            return redirect("import_detail", pk=batch.pk)
    batches = scope.imports_for(request.user).select_related("uploaded_by", "area")[:50]
    return render(
        request,
        "imports/list.html",
        {"form": form, "may_import": allowed, "batches": batches, "kinds": Kind},
    )


@login_required
def import_detail(request: AuthedRequest, pk) -> HttpResponse:
    batch = scope.import_for(request.user, pk)
    ctx = {
        "batch": batch,
        "problems": batch.problems.all()[:100],
        "rows_done": engine.rows_done(batch) if batch.is_running else batch.rows,
        "may_apply": batch.status == Status.CHECKED and batch.uploaded_by_id == request.user.pk,
    }
    return render(request, "imports/detail.html", ctx)


@login_required
@require_POST
def import_apply(request: AuthedRequest, pk) -> HttpResponse:
    batch = scope.import_for(request.user, pk)
    # Only the person who uploaded the file confirms it, after seeing the preview.
    if batch.uploaded_by_id != request.user.pk:
        raise PermissionDenied
    if batch.status == Status.CHECKED:
        apply_import.enqueue(str(batch.pk))
    return redirect("import_detail", pk=batch.pk)


@login_required
def import_problems_csv(request: AuthedRequest, pk) -> HttpResponse:
    batch = scope.import_for(request.user, pk)
    response = HttpResponse(errors_as_csv(batch.problems.all()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{batch.pk}.csv"'
    return response


@login_required
def import_sample(request: AuthedRequest, kind: str) -> HttpResponse:
    if kind not in SAMPLES:
        return HttpResponse(status=404)
    response = HttpResponse(SAMPLES[kind], content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{kind}-sample.csv"'
    return response
