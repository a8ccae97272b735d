"""Hooks for ``schemathesis run`` against a live server (bench/fuzz_live.sh): FUZZ_IDS holds the caller's ids
by API prefix as JSON; tests/fuzz_support.py makes the generated ids real."""

import json
import os

import schemathesis

from tests.fuzz_support import use_real_ids

IDS = json.loads(os.environ.get("FUZZ_IDS", "{}"))


@schemathesis.hook
def map_case(context, case):
    use_real_ids(case, IDS)
    return case
