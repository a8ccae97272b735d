"""One module per accounting system's export; the reader tries them in the order of ``DETAIL_FORMATS``."""

from . import canonical, netsuite, quickbooks, sage, xero
from .base import FormatSpec, SummarySpec

# Most specific signatures first: Sage's "A/C" and NetSuite's "Customer" + "Open Balance" + aging columns would
# otherwise also satisfy looser matchers.
DETAIL_FORMATS: tuple[FormatSpec, ...] = (canonical.SPEC, sage.SPEC, netsuite.SPEC, xero.SPEC, quickbooks.SPEC)
SUMMARY_FORMATS: tuple[SummarySpec, ...] = (sage.SUMMARY, xero.SUMMARY, netsuite.SUMMARY, quickbooks.SUMMARY)
FORMATS_BY_KEY = {spec.key: spec for spec in DETAIL_FORMATS}

__all__ = ["DETAIL_FORMATS", "FORMATS_BY_KEY", "SUMMARY_FORMATS", "FormatSpec", "SummarySpec"]
