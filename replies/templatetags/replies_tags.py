"""The account page says why it is paused when a customer's reply is waiting (without touching its view)."""

from django import template

from replies.models import InboundMessage

register = template.Library()


@register.inclusion_tag("replies/account_replies.html")
def account_replies(account):
    waiting = list(InboundMessage.objects.filter(account=account, status=InboundMessage.Status.OPEN)[:5])
    return {"account": account, "waiting": waiting}
