from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import AccountViewSet, AuditEventViewSet, ContactViewSet
from escalation.api import DraftViewSet, DueView, NoteViewSet, PromiseViewSet, RunViewSet
from invoices.api import ImportBatchViewSet, InvoiceViewSet, SnapshotViewSet
from replies.api import ReplyViewSet
from templates_app.api import EmailTemplateViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("templates", EmailTemplateViewSet, basename="template")
router.register("imports", ImportBatchViewSet, basename="import")
router.register("runs", RunViewSet, basename="run")
router.register("drafts", DraftViewSet, basename="draft")
router.register("notes", NoteViewSet, basename="note")
router.register("promises", PromiseViewSet, basename="promise")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("replies", ReplyViewSet, basename="reply")  # issue 15: customers' replies and their actions

app_name = "api"
urlpatterns = [path("due/", DueView.as_view(), name="due"), *router.urls]
