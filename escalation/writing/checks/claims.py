"""The claims check: what the email says beyond its figures — a payment received, bank details, a deadline of its
own, a threat the degree does not allow, another customer's name, earlier notices that were never sent. The rules
are the table in claims_rules.py (shared with the prompt); this module applies it to the text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from escalation.writing.money import format_date

from .claims_rules import CLAIMS, DEGREE_NAMES, allowed_at, compiled, forbidden_keys

if TYPE_CHECKING:
    from .facts_view import Ledger

# Legal forms dropped from the end of a name ("Acme Inc" is also written "Acme"), and a leading "The".
_LEGAL_FORMS_TEXT = (
    "inc incorporated llc ltd limited co corp corporation company gmbh ag kg sa sas sarl bv nv plc pty llp lp ug "
    "ohg se oy ab srl spa"
)
_LEGAL_FORMS = frozenset(_LEGAL_FORMS_TEXT.split())
# One-word names that are also ordinary words in an email ("Summit", "Pacific", "Premier") are not matched.
_ORDINARY_WORDS_TEXT = (
    "account accounts action advance alliance american apex atlas balance best blue capital central city classic "
    "coastal company complete control core creative delta design direct eagle east eastern elite energy "
    "engineering enterprise enterprises express first general global gold golden grand green group harbor health "
    "home horizon industries integrated international invoice keystone liberty lighthouse main metro modern "
    "mountain national north northern office one pacific park partners pinnacle pioneer plus premier prime pro "
    "quality regional reliable river royal science security service services smart solutions south southern "
    "standard star sterling summit superior supply systems tech technologies total trade trust union united "
    "universal valley vision west western world"
)
_ORDINARY_WORDS = frozenset(_ORDINARY_WORDS_TEXT.split())
_CONNECTIVES = frozenset({"and", "und", "et"})  # "Smith & Sons" is also written "Smith and Sons"
_MAX_NAME_WORDS = 8
_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_START = re.compile(r"(?:\A|[.!?:\n]\s*|\n\s*[-*•]\s*)\Z")


def _fold(word: str) -> str:
    """Case- and accent-insensitive form of one word ("Müller" → "muller")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _name_forms(name: str) -> set[tuple[str, ...]]:
    """The word sequences a name may be written as: in full, without its legal form, without a leading "The"."""
    words = [_fold(word) for word in _TOKEN.findall(name) if _fold(word) not in _CONNECTIVES]
    forms = {tuple(words)}
    core = list(words)
    while len(core) > 1 and core[-1] in _LEGAL_FORMS:
        core.pop()
    if core and core[0] == "the" and len(core) > 1:
        core.pop(0)
    forms.add(tuple(core))
    return {form for form in forms if form and len(form) <= _MAX_NAME_WORDS}


class CustomerNames:
    """The organization's other customers, indexed once for a run: a name is found by looking up each run of up to
    eight words of the email in a set (a few thousand lookups an email, whatever the number of customers), not by
    a pattern per customer.

    Names of two or more words are matched case- and accent-insensitively, provided one of the words is written
    with a capital or is a legal form ("blue sky" is a phrase, "Blue Sky" a name). A one-word name ("Acme" of
    "Acme Inc") is matched only written as the ledger writes it (same capitals), not as the first word of a sentence
    or list item, and only when it is not an ordinary word: one of ``_ORDINARY_WORDS`` or a word the email also uses
    in lower case ("summit" in "submit by the summit"). So "Summit Supplies" is found, "Summit" alone is not.
    """

    def __init__(self, names: Iterable[str], *, exclude: Iterable[str] = ()) -> None:
        excluded = {form for name in exclude if isinstance(name, str) for form in _name_forms(name)}
        self._multi: dict[tuple[str, ...], str] = {}
        self._single: dict[str, str] = {}  # as written in the ledger → the name
        for name in names:
            if not isinstance(name, str) or not name.strip():
                continue
            for form in _name_forms(name) - excluded:
                if len(form) > 1:
                    self._multi.setdefault(form, name.strip())
                elif len(form[0]) >= 3 and form[0] not in _ORDINARY_WORDS and form[0] not in _LEGAL_FORMS:
                    written = next(word for word in _TOKEN.findall(name) if _fold(word) == form[0])
                    if written[:1].isupper():
                        self._single.setdefault(written, name.strip())
        self._lengths = sorted({len(form) for form in self._multi}, reverse=True)

    def find(self, text: str) -> list[tuple[str, str]]:
        """``(as written, customer name)`` for each other customer named in ``text``."""
        tokens = [(match, _fold(match.group(0))) for match in _TOKEN.finditer(text)]
        tokens = [(match, folded) for match, folded in tokens if folded not in _CONNECTIVES]
        found: dict[str, str] = {}
        for index in range(len(tokens)):
            for length in self._lengths:
                window = tokens[index : index + length]
                name = self._multi.get(tuple(folded for _, folded in window)) if len(window) == length else None
                # "blue sky" in lower case is a phrase, "Blue Sky" or "blue sky ltd" a name.
                if name and any(match.group(0)[:1].isupper() or folded in _LEGAL_FORMS for match, folded in window):
                    found.setdefault(name, text[window[0][0].start() : window[-1][0].end()])
                    break
        if self._single:
            lower_words = {match.group(0) for match, _ in tokens if match.group(0).islower()}
            for match, folded in tokens:
                name = self._single.get(match.group(0))
                if name and folded not in lower_words and not _SENTENCE_START.search(text[: match.start()][-4:]):
                    found.setdefault(name, match.group(0))
        return [(written, name) for name, written in found.items()]


def _has(ledger: Ledger, need: str | None) -> bool:
    if need == "previous_emails":
        return ledger.has_previous_emails
    if need == "payment":
        return ledger.has_payment_credit
    if need == "credits":
        return any(item.kind == "credit" for item in ledger.items.values())
    return True


def check_claims(
    masked: str,
    ledger: Ledger,
    failures: dict,
    *,
    other_customers: CustomerNames | None = None,
    template_data: object = None,
) -> list[dict]:
    """Each claim of the table the email may not make here is a failure; ``masked`` is the text with the
    organization's own text blanked, so its payment instructions may hold bank details."""
    found: list[dict] = []
    degree = ledger.degree
    forbidden = forbidden_keys(template_data)
    for claim in CLAIMS:
        match = compiled(claim).search(masked)
        if not match:
            continue
        phrase = " ".join(match.group(0).split())
        allowed = allowed_at(claim, degree, template_data) and _has(ledger, claim.needs)
        found.append({"claim": claim.key, "text": phrase, "allowed": allowed})
        if allowed:
            continue
        if claim.key in forbidden:
            why = ", which this template forbids"
        elif claim.allowed_from is not None and claim.needs is None:
            why = ", " + _degree_rule(claim.allowed_from, degree)
        else:
            why = ""  # never allowed, or allowed only with a fact: the table's sentence says so
        date = f" ({format_date(ledger.reply_by)})" if claim.key == "deadline" and ledger.reply_by else ""
        failures["claims"].append(f'"{phrase}" {claim.what}{date}{why}')
    if other_customers is not None:
        for written, name in other_customers.find(masked):
            found.append({"claim": "other_customer", "text": written, "allowed": False})
            shown = f'"{written}"' + (f" ({name})" if written != name else "")
            failures["claims"].append(f"{shown} names another customer; an email may name only its own customer")
    return found


def _degree_rule(allowed_from: int, degree: int) -> str:
    return (
        f"which only a degree-{allowed_from} ({DEGREE_NAMES[allowed_from]}) email or higher may "
        f"(this is degree {degree}, {DEGREE_NAMES.get(degree, '')})"
    )


def customer_names(names: Collection[str] | CustomerNames, *, exclude: Iterable[str]) -> CustomerNames:
    """The index of ``names`` (built once per run and passed in, or built here from a plain collection)."""
    return names if isinstance(names, CustomerNames) else CustomerNames(names, exclude=exclude)
