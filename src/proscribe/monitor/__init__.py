"""Ongoing monitoring: the customer register, delta screening when a list changes, alerts,
reviewers' decisions and signed webhooks with a persistent outbox."""

from proscribe.monitor.alerts import DECISIONS, Decision, decide, get_alert, list_alerts, list_decisions
from proscribe.monitor.delta import ALERT_KINDS, MonitorReport, SourceDelta, run_monitor
from proscribe.monitor.register import Customer, CustomerImport, import_customers, load_customers
from proscribe.monitor.webhooks import (
    SIGNATURE_HEADER,
    DeliveryReport,
    add_webhook,
    deliver_pending,
    deliver_until_idle,
    list_webhooks,
    rekey_webhooks,
    remove_webhook,
    sign,
    verify_signature,
)

__all__ = [
    "ALERT_KINDS",
    "DECISIONS",
    "SIGNATURE_HEADER",
    "Customer",
    "CustomerImport",
    "Decision",
    "DeliveryReport",
    "MonitorReport",
    "SourceDelta",
    "add_webhook",
    "decide",
    "deliver_pending",
    "deliver_until_idle",
    "get_alert",
    "import_customers",
    "list_alerts",
    "list_decisions",
    "list_webhooks",
    "rekey_webhooks",
    "load_customers",
    "remove_webhook",
    "run_monitor",
    "sign",
    "verify_signature",
]
