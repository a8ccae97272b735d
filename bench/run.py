"""Every benchmark, one after the other: `make bench`."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script, args in [
    ("import_bench.py", ["--memory-rows", "500000"]),
    ("generation_bench.py", []),
    ("send_bench.py", []),
    ("api_bench.py", []),
]:
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script), *args], check=True)  # noqa: S603
