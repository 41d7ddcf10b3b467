"""Test configuration: the tests import `helpers` from this folder; hypothesis runs
derandomized under CI (CI=true) so a landing does not depend on a lucky draw, and explores
fresh examples everywhere else. The `long` profile (--hypothesis-profile=long) is for long
local fuzzing runs (tests/test_fuzz.py)."""
import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
# long local fuzzing runs: `pytest tests/test_fuzz.py --hypothesis-profile=long`
settings.register_profile("long", max_examples=100000, deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "explore")
