"""The endpoint SNS posts SES receiving notifications to. The signature and topic are verified by django-ses's own
code, exactly as for the SES events webhook (``SESEventWebhookView``); unlike that view, a notification we could
not store answers 500, so SNS delivers it again instead of the reply being lost."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django_ses import settings as ses_settings
from django_ses import utils as ses_utils
from django_ses.views import SESEventWebhookView

from .receiving import inbound_receive

logger = logging.getLogger(__name__)


def _trusted_topic(notification: dict) -> bool:
    trusted = settings.AWS_SNS_INBOUND_TRUSTED_TOPIC_ARNS
    if trusted:
        return notification.get("TopicArn") in trusted
    return ses_utils.verify_event_topic(notification)


class InboundWebhookView(SESEventWebhookView):
    def post(self, request, *args, **kwargs):
        try:
            notification = json.loads(request.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return HttpResponseBadRequest("The request body could not be deserialized. Bad JSON.")
        if not isinstance(notification, dict):
            return HttpResponseBadRequest("Not an SNS notification.")
        if ses_settings.VERIFY_EVENT_SIGNATURES and not self.verify_event_message(notification):
            return HttpResponseBadRequest("Signature verification failed.")
        if not _trusted_topic(notification):
            return HttpResponseBadRequest("Untrusted topic.")
        kind = notification.get("Type")
        if kind == "SubscriptionConfirmation":
            self.handle_subscription_confirmation(notification)
        elif kind == "Notification":
            try:
                message = json.loads(notification.get("Message") or "")
            except ValueError:
                return HttpResponseBadRequest("The notification's message is not JSON.")
            if not isinstance(message, dict):
                return HttpResponseBadRequest("The notification's message is not an object.")
            mail_id = (message.get("mail") or {}).get("messageId")
            if message.get("notificationType") == "Received" and mail_id != "AMAZON_SES_SETUP_NOTIFICATION":
                inbound_receive(notification_id=str(notification.get("MessageId", "")), message=message)
        return HttpResponse()


inbound_webhook = csrf_exempt(InboundWebhookView.as_view())
