"""Settings of a worker process started by a test: the test settings plus the overrides the test
passes as JSON in ``MCOF_TEST_SETTINGS`` (short retry delays, a short lease)."""

import json
import os

from mcof_site.settings_test import *  # noqa: F403

globals().update(json.loads(os.environ.get("MCOF_TEST_SETTINGS", "{}")))
