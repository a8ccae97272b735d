from rest_framework.routers import DefaultRouter

from accounts.api import AccountViewSet, ContactViewSet
from invoices.api import ImportBatchViewSet, InvoiceViewSet, SnapshotViewSet
from templates_app.api import EmailTemplateViewSet

router = DefaultRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("templates", EmailTemplateViewSet, basename="template")
router.register("imports", ImportBatchViewSet, basename="import")

app_name = "api"
urlpatterns = router.urls
