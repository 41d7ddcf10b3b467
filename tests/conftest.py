"""Test configuration: the tests import `helpers` from this folder; hypothesis runs
derandomized under CI (CI=true) so a landing does not depend on a lucky draw, and explores
fresh examples everywhere else."""
import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "explore")
