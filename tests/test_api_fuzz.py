"""Schema-based fuzzing of the API, and organization isolation of every detail route.

``test_api_conforms_to_its_schema`` takes the OpenAPI schema that drf-spectacular serves at ``/api/schema/``
and lets schemathesis send generated requests (positive and negative, ``MAX_EXAMPLES`` fuzzed ones plus its
coverage cases) to every operation in it, through the Django app in-process (WSGI, no server), with the token
of an AR admin whose organization has a small ledger. One pytest item per operation (``-k "drafts and
reject"`` picks one); new endpoints are fuzzed as soon as they are in the schema. Every check of schemathesis
runs: no 5xx; every status, content type, header and body as documented; a schema-valid request accepted and
a schema-violating one refused; and the rest (unsupported methods, auth, use after free...). The only help the
fuzzer gets is real ids and dates (tests/fuzz_support.py), which no schema can state.

``test_other_organizations_objects_are_404_on_every_detail_route`` walks the API router's registry: for
every detail route (the object's URL and its detail actions) and every method it answers, a token of one
organization gets 404 for an object of another organization.

schemathesis comes from requirements-fuzz.txt; without it the fuzz test is skipped (the isolation test
needs nothing more than requirements-dev.txt).
"""

import importlib
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.wsgi import get_wsgi_application
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.views import SpectacularAPIView
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from accounts.services import api_token_create
from accounts.tenancy import scoped
from accounts.tests.factories import MembershipFactory, OrganizationFactory
from escalation.services import escalation_run_start, note_add, promise_record
from escalation.tests.ledger import active_templates, owing_account
from finemanwest.api_urls import router
from invoices.import_services import import_batch_create
from replies.models import InboundMessage
from tests.fuzz_support import AGING_CSV, use_real_ids

try:
    import hypothesis
    import schemathesis
except ImportError:  # pragma: no cover - only without requirements-fuzz.txt
    schemathesis = None

MAX_EXAMPLES = 10


def _organization_with_ledger(name, slug):
    """An organization with an AR admin (and its API token) and a row of every kind the API serves: accounts,
    contacts, invoices, snapshots, templates, an import, an escalation run with its drafts, a note, a promise
    to pay, and the audit events these leave."""
    organization = OrganizationFactory(name=name, slug=slug)
    user = MembershipFactory(organization=organization, role="ar_admin").user
    account = owing_account(organization, days_overdue=45, name=f"{name} Customer A", email=f"ap@a.{slug}.example")
    owing_account(organization, days_overdue=95, name=f"{name} Customer B", email=f"ap@b.{slug}.example")
    active_templates(organization)
    import_batch_create(
        organization=organization,
        uploaded_by=user,
        file=ContentFile(AGING_CSV, name="aging.csv"),
        file_name="aging.csv",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # drafts are written after the run's commit
        escalation_run_start(organization=organization, actor=user)
    note_add(account=account, author=user, text="Called, left a message.")
    promise_record(account=account, actor=user, promised_date=timezone.localdate(), amount=Decimal("100.00"))
    InboundMessage.objects.create(organization=organization, account=account, notification_id=f"fuzz-{slug}",
                                  sender=f"ap@a.{slug}.example", subject="Re: overdue", text="We pay.")  # fmt: skip
    return organization, user, api_token_create(user=user, name="fuzz")[1]


# --- Fuzzing ---------------------------------------------------------------------------------------


def _served_schema():
    """The schema exactly as ``/api/schema/`` serves it, read without a database (pytest-django keeps the
    database closed while tests are collected): the view is called with a user that is not saved.
    ``test_the_fuzzed_schema_is_the_one_served_to_a_token`` proves it is the one a token gets.

    The schema is needed at collection time because schemathesis' lazy ``schemathesis.pytest.from_fixture``,
    which would load it with ``from_wsgi`` inside a fixture, fails on pytest 9.2 (4.32.5 sets
    ``item._nodeid``, which pytest 9.2 no longer has); ``schema.parametrize()`` works."""
    request = APIRequestFactory().get("/api/schema/", {"format": "json"})
    force_authenticate(request, user=get_user_model()(username="schema-reader"))
    response = SpectacularAPIView.as_view()(request)
    response.render()
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def caller_ids(user) -> dict[str, list[int]]:
    """The caller's own primary keys by API prefix, for tests/fuzz_support.use_real_ids."""
    ids = {
        prefix: list(scoped(viewset.queryset.model._default_manager.order_by("pk"), user).values_list("pk", flat=True))
        for prefix, viewset, _ in router.registry
    }
    from invoices.models import Invoice

    # Disputes name invoices by number: the open ones of the caller's organization (fuzz_support.use_real_ids).
    ids["invoice_numbers"] = list(scoped(Invoice.objects.chaseable().order_by("pk"), user)
                                  .values_list("invoice_no", flat=True))  # fmt: skip
    return ids


if schemathesis is not None:
    SERVED_SCHEMA = _served_schema()
    schema = schemathesis.openapi.from_dict(SERVED_SCHEMA, config=schemathesis.Config())
    schema.app = get_wsgi_application()  # what from_wsgi() sets: requests go to the app in-process

    @pytest.fixture
    def fuzz_user(transactional_db):
        """An AR admin of an organization with a ledger; every request of the fuzzer carries its token.

        transactional_db, not db: the WSGI handler closes the connection after each request (Django's test
        client is the one that stops that), which inside a test's transaction would end it on PostgreSQL."""
        _, user, key = _organization_with_ledger("Riverbend Office Supply", "riverbend")
        return caller_ids(user), {"Authorization": f"Token {key}"}

    @schema.parametrize()
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,  # no example database: each run starts afresh
        derandomize=True,  # the same requests on every run, so a failure reproduces
        suppress_health_check=list(hypothesis.HealthCheck),  # fuzz_user is per operation, on purpose
    )
    def test_api_conforms_to_its_schema(case, fuzz_user):
        ids, headers = fuzz_user
        use_real_ids(case, ids)
        case.call_and_validate(headers=headers)  # every check schemathesis has

    def test_the_fuzzed_schema_is_the_one_served_to_a_token(fuzz_user):
        _, headers = fuzz_user
        served = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
        assert served.raw_schema == SERVED_SCHEMA
        assert len(list(schema.get_all_operations())) >= len(router.registry)

else:

    def test_api_conforms_to_its_schema():
        pytest.skip("schemathesis is not installed: pip install -r requirements-fuzz.txt")


# --- Isolation -------------------------------------------------------------------------------------

# Detail actions that validate their body before they look the object up: a body they accept, so the request
# reaches the lookup (with {} they would answer 400 for any id, which proves nothing about isolation).
VALID_BODIES = {
    "invoice-dispute": {"disputed": True, "reason": "Damaged"},
    "import-mapping": {"column_mapping": {"account_name": "Customer"}},
    "draft-edit": {"subject": "Your account", "body_text": "Hello"},
}


def _factory_for(model):
    """The factory_boy factory of ``model`` in its app's ``tests/factories.py``, if there is one."""
    try:
        module = importlib.import_module(f"{model._meta.app_label}.tests.factories")
    except ImportError:
        return None
    for value in vars(module).values():
        if getattr(getattr(value, "_meta", None), "model", None) is model:
            return value
    return None


def _detail_requests(viewset, basename):
    """(method, route name, action) for every detail route of a registered viewset and method it answers."""
    for route in router.get_routes(viewset):
        if route.detail:
            for method, action in route.mapping.items():
                if method in viewset.http_method_names and hasattr(viewset, action):
                    yield method, route.name.format(basename=basename), action


def test_other_organizations_objects_are_404_on_every_detail_route(db):
    _, _, our_key = _organization_with_ledger("Riverbend Office Supply", "riverbend")
    theirs, their_user, _ = _organization_with_ledger("Harlow Industrial", "harlow")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {our_key}")

    checked = 0
    for _prefix, viewset, basename in router.registry:
        model = viewset.queryset.model
        their_object = scoped(model._default_manager.all(), their_user).first()
        if their_object is None:  # a kind the ledger does not make: its factory's, in their organization
            factory = _factory_for(model)
            assert factory is not None, (
                f"make a {model.__name__} of the other organization in _organization_with_ledger"
            )
            their_object = factory(**{model.organization_path: theirs})
        lookup = viewset.lookup_url_kwarg or viewset.lookup_field
        for method, name, action in _detail_requests(viewset, basename):
            url = reverse(f"api:{name}", kwargs={lookup: getattr(their_object, viewset.lookup_field)})
            response = getattr(api, method)(url, VALID_BODIES.get(name, {}), format="json")
            assert response.status_code == 404, (
                f"{method.upper()} {url} ({viewset.__name__}.{action}) for another organization's {model.__name__}: "
                f"{response.status_code} {response.content[:300]!r}"
                + (f" (a body api:{name} accepts belongs in VALID_BODIES)" if response.status_code == 400 else "")
            )
            checked += 1

    assert checked >= len(router.registry)  # every viewset has at least its object URL
