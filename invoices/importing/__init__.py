"""The aging-report importer.

Parsing (``reader``, ``formats/``, ``values``, ``canonical``, ``errors``, ``csv_safety``): uploaded CSV bytes
in, canonical rows and precise issues out. Pure standard library (no Django), streaming: nothing here
holds all the rows of a file.

Database side (``staging``, ``plan``, ``apply``, ``sql``): the rows are streamed into a staging table, and
the preview and the import are a handful of set-based SQL statements over it. The services in
``invoices.import_services`` tie the two together.

    report = read_report(uploaded_file)  # bytes or a binary file; raises ImportFileError for a bad file
    for item in report:                   # CanonicalRow or RowIssue, in file order, one at a time
        ...
    report.total_issues()                 # the file's own subtotals/TOTAL checked against the rows read
"""

from .canonical import BUCKET_FIELDS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, CanonicalRow, ContactRow
from .csv_safety import neutralise_cell
from .errors import ImportFileError, RowIssue, SummaryReportError, UnrecognisedHeaderError
from .reader import AgingReport, read_contact_list, read_report

__all__ = [
    "BUCKET_FIELDS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "AgingReport",
    "CanonicalRow",
    "ContactRow",
    "ImportFileError",
    "RowIssue",
    "SummaryReportError",
    "UnrecognisedHeaderError",
    "neutralise_cell",
    "read_contact_list",
    "read_report",
]
