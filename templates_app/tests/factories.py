import factory

from accounts.tests.factories import OrganizationFactory
from templates_app.models import EmailTemplate


def template_data(**overrides) -> dict:
    data = {
        "subject": "Friendly reminder: {total_due} {currency} open",
        "tone": "friendly",
        "guidance": "Be warm and brief; assume the invoice was overlooked.",
        "required_elements": ["total due", "each invoice number", "how to pay"],
        "sign_off": "Kind regards",
    }
    data.update(overrides)
    return data


class EmailTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailTemplate

    organization = factory.SubFactory(OrganizationFactory)
    identifier = "friendly-reminder"
    version = factory.Sequence(lambda n: n + 1)
    data = factory.LazyFunction(template_data)
    is_active = False
