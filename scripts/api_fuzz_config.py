"""For scripts/api_fuzz.sh: print a token per demo account named on the command line (`username key`
lines) and write the schemathesis configuration: scripts/api_fuzz.toml, and dictionaries of the ids
the database has, so that half of the generated identifiers and references name a real object.

    python scripts/api_fuzz_config.py OUTPUT.toml hq staff_lby gov_egy"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each parameter or body field (path.NAME, query.NAME, body.NAME) and the table its ids come from.
BINDINGS = {
    "path.id": "id",
    "path.crisis_id": "crisis",
    "query.crisis": "crisis",
    "body.crisis": "crisis",
    "body.office": "office",
    "query.government": "government",
    "body.government": "government",
    "body.recipient_government": "government",
    "query.partner": "partner",
    "body.partner": "partner",
    "body.recipient_partner": "partner",
    "body.receiving_partner": "partner",
    "body.site": "site",
    "body.migrant": "migrant",
}


def main(output: str, usernames: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcof_site.settings")
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from accounts.models import Office, User
    from caseload.models import Migrant
    from crises.models import Crisis
    from displacement.models import Site
    from partners.models import Government, Partner

    for username in usernames:
        print(username, Token.objects.get_or_create(user=User.objects.get(username=username))[0].key)
    tables = {"crisis": Crisis, "office": Office, "government": Government, "partner": Partner, "site": Site}
    ids = {name: sorted(model.objects.values_list("pk", flat=True)) for name, model in tables.items()}
    ids["migrant"] = sorted(Migrant.objects.order_by("pk").values_list("pk", flat=True)[:50])
    # Detail routes of every kind: the demo has a dozen or fewer of most objects.
    ids["id"] = list(range(1, 13))
    settings = (ROOT / "scripts" / "api_fuzz.toml").read_text()
    if os.environ.get("FUZZ_MOSTLY_REJECTED_FAILS", "1") == "0":
        # Reported, not failing: which operations count as "mostly rejected" depends on how many
        # requests fit in the time budget, so on a loaded machine the list changes from run to run.
        settings = settings.replace('fail-on = ["validation_mismatch"]', "fail-on = []")
    lines = [settings]
    for name, values in ids.items():
        lines.append(f"\n[dictionaries.{name}]\nvalues = {json.dumps(values)}\n")
    lines.append("\n[parameters]\n")
    for key, name in BINDINGS.items():
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}\n')
    Path(output).write_text("".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
