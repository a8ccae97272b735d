from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.tenancy import scoped, user_organization

from .canonical_template import canonical_template_csv
from .forms import ColumnMappingForm, ImportUploadForm
from .import_services import import_batch_confirm, import_batch_create, import_batch_discard, import_batch_map_columns
from .models import ImportBatch


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _batch(request, pk: int) -> ImportBatch:
    return get_object_or_404(scoped(ImportBatch.objects.select_related("uploaded_by"), request.user), pk=pk)


def import_list_view(request):
    _require(request, "invoices.view_importbatch")
    batches = scoped(ImportBatch.objects.select_related("uploaded_by"), request.user)
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(request, "invoices/import_list.html", {"page": page})


def import_upload_view(request):
    _require(request, "invoices.import_file")
    organization = user_organization(request.user)
    if organization is None:
        raise PermissionDenied("Imports need a membership in an organization.")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                organization=organization,
                uploaded_by=request.user,
                file=upload,
                file_name=upload.name,
                kind=form.cleaned_data["kind"],
                as_of=form.cleaned_data["as_of"],
                is_complete_report=form.cleaned_data["is_complete_report"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("import-detail", pk=batch.pk)
    return render(request, "invoices/import_upload.html", {"form": form})


def import_detail_view(request, pk: int):
    _require(request, "invoices.view_importbatch")
    batch = _batch(request, pk)
    mapping_form = None
    if batch.status == ImportBatch.Status.NEEDS_MAPPING:
        mapping_form = ColumnMappingForm(headers=batch.headers)
    return render(request, "invoices/import_detail.html", {"batch": batch, "mapping_form": mapping_form})


@require_POST
def import_mapping_view(request, pk: int):
    _require(request, "invoices.import_file")
    batch = _batch(request, pk)
    form = ColumnMappingForm(request.POST, headers=batch.headers)
    if not form.is_valid():
        return render(request, "invoices/import_detail.html", {"batch": batch, "mapping_form": form}, status=400)
    import_batch_map_columns(batch=batch, column_mapping=form.mapping(), actor=request.user)
    messages.success(request, "Column mapping saved; it will be used for files with the same header.")
    return redirect("import-detail", pk=batch.pk)


@require_POST
def import_confirm_view(request, pk: int):
    _require(request, "invoices.import_file")
    batch = _batch(request, pk)
    try:
        batch = import_batch_confirm(batch=batch, actor=request.user, leave_out=request.POST.get("leave_out") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("import-detail", pk=batch.pk)


@require_POST
def import_discard_view(request, pk: int):
    _require(request, "invoices.import_file")
    batch = _batch(request, pk)
    try:
        import_batch_discard(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Import #{batch.pk} ({batch.file_name}) discarded: nothing was imported.")
    return redirect("import-list")


def import_template_view(request):
    response = HttpResponse(canonical_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fineman-west-aging-template.csv"'
    return response
