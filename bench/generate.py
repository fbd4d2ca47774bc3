"""Load a benchmark caseload into PostgreSQL: 1,000,000 migrants, 300,000 referrals with their events,
50 crises, 30 offices, 100 governments and 20 partners, with the spreads of a real operation.

A few crises hold most of the caseload (Zipf over the crises: the Libya evacuation of the demo data is
the largest, as in 2011 when "IOM received requests from 47 governments to assist them with the
evacuation of their nationals", framework paragraph 154), nationalities are skewed the same way,
names repeat as real names do, about 2% of the cases are victims of trafficking (sensitive records).

The database is created, migrated and given the demo data first (demo accounts measure the pages);
the bulk tables are then filled with PostgreSQL COPY (psycopg 3 ``cursor.copy()``) with their
secondary indexes dropped during the load and rebuilt after it. A database whose row counts already
match is reused; ``--fresh`` drops and reloads it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcof_bench .venv/bin/python -m bench.generate
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SEED = 154
BENCH_PREFIX = "BN-"

DEFAULTS = {
    "migrants": 1_000_000,
    "referrals": 300_000,
    "crises": 50,
    "offices": 30,
    "governments": 100,
    "partners": 20,
}

# Nationalities by weight rank (Zipf); the demo's four come first so that the demo liaisons' inboxes
# (gov_egy, gov_bgd) are among the largest.
NATIONALITIES = [
    "EGY",
    "BGD",
    "NER",
    "TCD",
    "SDN",
    "ETH",
    "NGA",
    "MLI",
    "SOM",
    "ERI",
    "GHA",
    "PAK",
    "AFG",
    "SYR",
    "IRQ",
    "YEM",
    "SEN",
    "GIN",
    "CIV",
    "CMR",
    "PHL",
    "IDN",
    "LKA",
    "NPL",
    "IND",
    "HTI",
    "VEN",
    "COL",
    "MMR",
    "COD",
    "SSD",
    "BFA",
    "GMB",
    "MAR",
    "DZA",
    "TUN",
    "UKR",
    "TUR",
    "IRN",
    "LBN",
]

NAME_POOLS = {
    "arabic": (
        [
            "Ahmed",
            "Mohamed",
            "Mahmoud",
            "Mostafa",
            "Amr",
            "Khaled",
            "Hany",
            "Samir",
            "Omar",
            "Ali",
            "Youssef",
            "Hassan",
            "Ibrahim",
            "Fatma",
            "Mona",
            "Heba",
            "Aya",
            "Amina",
            "Khadija",
            "Mariam",
            "Salma",
            "Nour",
            "Rania",
            "Yasmin",
            "Tarek",
            "Walid",
            "Karim",
            "Said",
            "Adel",
            "Nabil",
        ],
        [
            "Hassan",
            "Ibrahim",
            "Abdelfattah",
            "Elsayed",
            "Mansour",
            "Farouk",
            "Soliman",
            "Youssef",
            "Zaki",
            "Haddad",
            "Khalil",
            "Nasser",
            "Saleh",
            "Hamdan",
            "Osman",
            "Abdallah",
            "Mustafa",
            "Ismail",
            "Othman",
            "Bakr",
            "Idris",
            "Jaber",
            "Rashid",
            "Salem",
            "Taha",
            "Zayed",
            "Qasim",
            "Hamid",
        ],
    ),
    "south_asian": (
        [
            "Rahim",
            "Karim",
            "Abdul",
            "Hasan",
            "Jamal",
            "Mizanur",
            "Shahid",
            "Nasrin",
            "Rina",
            "Salma",
            "Ravi",
            "Sunil",
            "Anil",
            "Priya",
            "Deepa",
            "Imran",
            "Asif",
            "Bilal",
            "Farhan",
            "Kamal",
            "Rubel",
            "Sumon",
            "Arif",
            "Shirin",
            "Taslima",
            "Rekha",
            "Sanjay",
            "Ramesh",
            "Nadia",
            "Ayesha",
        ],
        [
            "Hossain",
            "Rahman",
            "Islam",
            "Uddin",
            "Ahmed",
            "Chowdhury",
            "Miah",
            "Sarkar",
            "Akter",
            "Begum",
            "Khan",
            "Sheikh",
            "Das",
            "Roy",
            "Perera",
            "Silva",
            "Fernando",
            "Gurung",
            "Thapa",
            "Shrestha",
            "Sharma",
            "Singh",
            "Kumar",
            "Malik",
            "Qureshi",
            "Butt",
            "Iqbal",
            "Hussain",
        ],
    ),
    "west_african": (
        [
            "Moussa",
            "Issa",
            "Abdou",
            "Ibrahim",
            "Hamidou",
            "Oumarou",
            "Aissa",
            "Mariama",
            "Hadiza",
            "Mahamat",
            "Amadou",
            "Seydou",
            "Fatoumata",
            "Aminata",
            "Kadiatou",
            "Ousmane",
            "Boubacar",
            "Mamadou",
            "Kofi",
            "Kwame",
            "Ama",
            "Akosua",
            "Chinedu",
            "Emeka",
            "Ngozi",
            "Tunde",
        ],
        [
            "Maiga",
            "Issoufou",
            "Abdoulaye",
            "Harouna",
            "Moumouni",
            "Seydou",
            "Boubacar",
            "Traore",
            "Diallo",
            "Toure",
            "Keita",
            "Coulibaly",
            "Camara",
            "Sow",
            "Ba",
            "Ndiaye",
            "Diop",
            "Fall",
            "Sy",
            "Mensah",
            "Owusu",
            "Boateng",
            "Okafor",
            "Okeke",
            "Adeyemi",
            "Balogun",
            "Deby",
        ],
    ),
    "other": (
        [
            "Maria",
            "Jose",
            "Juan",
            "Carlos",
            "Ana",
            "Luis",
            "Jean",
            "Marie",
            "Pierre",
            "Rose",
            "Andrei",
            "Olena",
            "Ivan",
            "Mehmet",
            "Ayse",
            "Reza",
            "Zahra",
            "Thida",
            "Aung",
            "Nimo",
            "Abdi",
            "Hodan",
            "Liban",
            "Dawit",
            "Selam",
            "Tesfaye",
            "Genet",
            "Lwazi",
            "Grace",
        ],
        [
            "Garcia",
            "Rodriguez",
            "Martinez",
            "Lopez",
            "Gonzalez",
            "Perez",
            "Joseph",
            "Pierre",
            "Louis",
            "Jean",
            "Charles",
            "Kovalenko",
            "Shevchenko",
            "Yilmaz",
            "Kaya",
            "Demir",
            "Ahmadi",
            "Hosseini",
            "Win",
            "Aung",
            "Farah",
            "Warsame",
            "Abdi",
            "Tesfaye",
            "Bekele",
            "Haile",
            "Mwamba",
            "Ilunga",
        ],
    ),
}
POOL_OF = {
    **dict.fromkeys(["EGY", "SDN", "SYR", "IRQ", "YEM", "MAR", "DZA", "TUN", "LBN", "TCD", "SOM", "ERI"], "arabic"),
    **dict.fromkeys(["BGD", "PAK", "AFG", "LKA", "NPL", "IND"], "south_asian"),
    **dict.fromkeys(["NER", "NGA", "MLI", "GHA", "SEN", "GIN", "CIV", "CMR", "BFA", "GMB"], "west_african"),
}

VULNERABILITIES = [
    ("medical_need", 30),
    ("single_caregiver", 18),
    ("older_person", 14),
    ("disability", 10),
    ("pregnant", 8),
    ("unaccompanied_child", 8),
    ("gbv_survivor", 6),
    ("victim_of_trafficking", 6),
]
POPULATION_GROUPS = [
    ("international_migrant", 55),
    ("idp", 15),
    ("trapped", 8),
    ("returnee", 8),
    ("refugee", 6),
    ("asylum_seeker", 4),
    ("environmentally_displaced", 3),
    ("host_community", 1),
]
STATUS_PATHS = {
    # status: the targets of the transitions after "create" (draft)
    "draft": [],
    "sent": ["sent"],
    "acknowledged": ["sent", "acknowledged"],
    "in_progress": ["sent", "acknowledged", "in_progress"],
    "completed": ["sent", "acknowledged", "in_progress", "completed"],
    "declined": ["sent", "declined"],
    "cancelled": ["sent", "cancelled"],
}
STATUSES = [
    ("sent", 28),
    ("acknowledged", 18),
    ("in_progress", 14),
    ("completed", 26),
    ("declined", 5),
    ("cancelled", 4),
    ("draft", 5),
]
ACTION = {
    "sent": "send",
    "acknowledged": "acknowledge",
    "in_progress": "start",
    "completed": "complete",
    "declined": "decline",
    "cancelled": "cancel",
}
PRIORITY_HOURS = {"life_saving": 24, "urgent": 72, "normal": 14 * 24}
PARTNER_KINDS = ["transport", "health", "psychosocial", "shelter", "reintegration", "counter_trafficking"]

BULK_TABLES = ["caseload_migrant", "caseload_consent", "caseload_referral", "caseload_referralevent"]


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def _cumulative(n: int, s: float = 0.9) -> list[float]:
    return list(itertools.accumulate(zipf_weights(n, s)))


def bench_env(**extra) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcof_bench")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    env.setdefault("MCOF_VAR_DIR", str(BASE_DIR / "var" / "bench"))
    env.setdefault("DJANGO_SETTINGS_MODULE", "mcof_site.settings")
    env.setdefault("DEBUG", "0")
    env.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    env.setdefault("HTTPS", "0")
    env.setdefault("LOG_LEVEL", "WARNING")
    env.update(extra)
    return env


def setup_django() -> None:
    os.environ.update({k: v for k, v in bench_env().items() if k not in os.environ})
    sys.path.insert(0, str(BASE_DIR))
    Path(os.environ["MCOF_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _psql_admin(sql: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def ensure_database(url: str) -> None:
    """Create the database of ``url`` if it does not exist (the smaller benchmarks' own databases)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_exists() -> bool:
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5):
            return True
    except psycopg.OperationalError:
        return False


def recreate_database(log) -> None:
    from urllib.parse import urlparse

    name = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    if not name.startswith("mcof_bench"):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name starts with mcof_bench")
    log(f"creating database {name}")
    _psql_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql_admin(f'CREATE DATABASE "{name}"')
    migrate()
    env = bench_env(DEBUG="1")
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "seed_demo"], check=True, env=env, cwd=BASE_DIR, stdout=subprocess.DEVNULL)


def migrate() -> None:
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--noinput", "-v0"],
        check=True,
        env=bench_env(DEBUG="1"),
        cwd=BASE_DIR,
    )


def loaded_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM caseload_migrant WHERE reference LIKE %s", [BENCH_PREFIX + "%"])
        migrants = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM caseload_referral WHERE request_note = 'bench'")
        referrals = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM crises_crisis")
        crises = cursor.fetchone()[0]
    return {"migrants": migrants, "referrals": referrals, "crises": crises}


# --- Reference rows (ORM: a few hundred rows) ------------------------------------------------------------
def reference_rows(sizes: dict, rng: random.Random) -> dict:
    import pycountry
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import Membership, Office, User
    from crises.models import Crisis
    from partners.models import Government, Partner

    with transaction.atomic():
        used = set(Office.objects.values_list("country", flat=True))
        spare = [c.alpha_3 for c in sorted(pycountry.countries, key=lambda c: c.alpha_3) if c.alpha_3 not in used]
        rng.shuffle(spare)
        regions = [choice for choice, _label in Office._meta.get_field("region").choices]
        for n in range(Office.objects.count(), sizes["offices"]):
            country = spare.pop()
            Office.objects.create(
                code=f"bench-{n:02d}", country=country, name=f"Bench office {country}", region=rng.choice(regions)
            )
        offices = list(Office.objects.order_by("id"))

        have = set(Government.objects.values_list("country", flat=True))
        wanted = [c for c in NATIONALITIES if c not in have]
        wanted += [c.alpha_3 for c in sorted(pycountry.countries, key=lambda c: c.alpha_3) if c.alpha_3 not in have]
        wanted = list(dict.fromkeys(wanted))
        for country in wanted[: max(0, sizes["governments"] - len(have))]:
            Government.objects.create(country=country, name=f"Government of {country}")
        governments = {g.country: g.pk for g in Government.objects.all()}

        for n in range(Partner.objects.count(), sizes["partners"]):
            Partner.objects.create(code=f"bench-partner-{n:02d}", name=f"Bench partner {n:02d}")
        partners = list(Partner.objects.order_by("id").values_list("pk", flat=True))

        # The demo's crises first (the largest), then one for Tunisia, then the rest on the bench offices.
        types = ["man_made", "sudden_natural", "slow_natural", "protracted", "health"]
        owners = [o for o in offices if o.code.startswith("bench-")] or offices
        by_code = {o.code: o for o in offices}
        for n in range(Crisis.objects.count(), sizes["crises"]):
            office = by_code.get("tun") if n == 2 else owners[n % len(owners)]
            Crisis.objects.create(
                code=f"BN-{office.country}-{n:03d}",
                name=f"Bench crisis {n:03d} in {office.country}",
                crisis_type=types[n % len(types)],
                movement="cross_border" if n % 2 else "internal",
                country=office.country,
                start_date=date(2015, 1, 1) + timedelta(days=37 * n),
                office=office,
            )
        crises = list(Crisis.objects.order_by("id").values_list("pk", "office_id", "country", "start_date"))

        password = make_password(os.environ.get("DEMO_PASSWORD", "demo-pass-2026"))
        users = []
        for office in offices:
            if office.code.startswith("bench-"):
                users.append(
                    (User(username=f"bench_staff_{office.code[6:]}", role="office", password=password), office)
                )
        for country in NATIONALITIES[:10]:
            users.append(
                (
                    User(
                        username=f"bench_gov_{country.lower()}",
                        role="government",
                        government_id=governments[country],
                        password=password,
                    ),
                    None,
                )
            )
        for n, partner_id in enumerate(partners):
            users.append(
                (
                    User(username=f"bench_partner_{n:02d}", role="partner", partner_id=partner_id, password=password),
                    None,
                )
            )
        users.append((User(username="bench_hq", role="hq", password=password), None))
        existing = set(User.objects.values_list("username", flat=True))
        for user, office in users:
            if user.username in existing:
                continue
            user.save()
            if office is not None:
                Membership.objects.create(user=user, office=office, is_chief_of_mission=False)
        staff_ids = {m.office_id: m.user_id for m in Membership.objects.filter(user__role="office").order_by("user_id")}
    return {
        "offices": [o.pk for o in offices],
        "crises": crises,
        "governments": governments,
        "partners": partners,
        "staff": staff_ids,
    }


# --- Bulk rows (COPY) ----------------------------------------------------------------------------------
def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """Indexes of a table that back no constraint: dropped during a load and rebuilt after it."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """,
        [table],
    )
    return cursor.fetchall()


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608 - a fixed table name
    return cursor.fetchone()[0]


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S+00")


def _copy(cursor, table: str, columns: list[str], lines) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        block: list[str] = []
        for line in lines:
            block.append(line)
            count += 1
            if len(block) >= 20_000:
                copy.write("".join(block))
                block.clear()
        if block:
            copy.write("".join(block))
    return count


MIGRANT_COLUMNS = [
    "id", "reference", "given_name", "family_name", "other_names", "given_name_norm", "family_name_norm",
    "document_number_norm", "sex", "date_of_birth", "estimated_age", "nationality", "other_nationalities",
    "languages", "document_status", "document_number", "location_country", "admin_pcode", "site", "household",
    "population_group", "vulnerabilities", "intention", "phone", "legal_basis", "is_sensitive", "created_at",
    "updated_at", "created_by_id", "crisis_id", "office_id", "given_name_key", "family_name_key",
]  # fmt: skip


def migrant_lines(n: int, first_id: int, ref: dict, rng: random.Random, out: dict):
    """Yield COPY lines of the migrants; fill ``out`` with what the referrals need of each."""
    from functools import lru_cache

    from caseload.names import name_key

    key = lru_cache(maxsize=None)(name_key)  # the Latin name key the registration stores (caseload.names)
    crises = ref["crises"]
    crisis_weights = zipf_weights(len(crises), 1.1)
    nat_weights = zipf_weights(len(NATIONALITIES), 1.0)
    offices = ref["offices"]
    vul_codes = [c for c, _w in VULNERABILITIES]
    vul_weights = [w for _c, w in VULNERABILITIES]
    groups = [c for c, _w in POPULATION_GROUPS]
    group_weights = [w for _c, w in POPULATION_GROUPS]
    pool_weights = {name: (_cumulative(len(g)), _cumulative(len(f))) for name, (g, f) in NAME_POOLS.items()}
    vul_cum = list(itertools.accumulate(vul_weights))
    group_cum = list(itertools.accumulate(group_weights))
    crisis_pick = rng.choices(range(len(crises)), crisis_weights, k=n)
    nat_pick = rng.choices(NATIONALITIES, nat_weights, k=n)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    step = (now - start) / n
    nat_of = out["nationality"] = [""] * n
    crisis_of = out["crisis"] = [0] * n
    office_of = out["office"] = [0] * n
    sensitive_of = out["sensitive"] = bytearray(n)
    created_of = out["created"] = [start] * n
    for i in range(n):
        pk = first_id + i
        crisis_id, crisis_office, crisis_country, _start = crises[crisis_pick[i]]
        office_id = crisis_office if rng.random() < 0.92 else offices[rng.randrange(len(offices))]
        nationality = nat_pick[i]
        if nationality == crisis_country:
            nationality = NATIONALITIES[(NATIONALITIES.index(nationality) + 1) % len(NATIONALITIES)]
        pool = POOL_OF.get(nationality, "other")
        given_pool, family_pool = NAME_POOLS[pool]
        gw, fw = pool_weights[pool]
        given = rng.choices(given_pool, cum_weights=gw)[0]
        family = rng.choices(family_pool, cum_weights=fw)[0]
        sex = "female" if given[-1] in "aey" else "male"
        if rng.random() < 0.85:
            dob = date(1950, 1, 1) + timedelta(days=rng.randrange(26_000))
            dob_s, age_s = dob.isoformat(), r"\N"
        else:
            dob_s, age_s = r"\N", str(rng.randrange(1, 80))
        r = rng.random()
        doc_status = "valid" if r < 0.45 else "expired" if r < 0.6 else "lost" if r < 0.8 else "none"
        document = f"{nationality[0]}{rng.randrange(10**7, 10**8)}" if doc_status in ("valid", "expired") else ""
        if rng.random() < 0.3:
            vulns = sorted(set(rng.choices(vul_codes, cum_weights=vul_cum, k=1 + (rng.random() < 0.3))))
        else:
            vulns = []
        sensitive = "victim_of_trafficking" in vulns
        created = start + step * i
        created_s = _ts(created)
        group = rng.choices(groups, cum_weights=group_cum)[0]
        nat_of[i], crisis_of[i], office_of[i], sensitive_of[i], created_of[i] = (
            nationality, crisis_id, office_id, sensitive, created
        )  # fmt: skip
        yield (
            f"{pk}\t{BENCH_PREFIX}{pk:08d}\t{given}\t{family}\t\t{given.lower()}\t{family.lower()}\t{document}\t{sex}\t"
            f"{dob_s}\t{age_s}\t{nationality}\t[]\t[]\t{doc_status}\t{document}\t{crisis_country}\t\t\t\t{group}\t"
            f"{json.dumps(vulns)}\tundecided\t\tconsent\t{'t' if sensitive else 'f'}\t{created_s}\t{created_s}\t"
            f"\\N\t{crisis_id}\t{office_id}\t{key(given)}\t{key(family)}\n"
        )


REFERRAL_COLUMNS = [
    "id", "migrant_id", "crisis_id", "office_id", "kind", "status", "priority", "recipient_government_id",
    "recipient_partner_id", "request_note", "is_sensitive", "sent_at", "due_at", "overdue_reminded_for",
    "closed_at", "decline_reason", "consent_override_reason", "consent_overridden_by_id", "document_type",
    "document_number", "document_issued_on", "departure_from", "destination", "travel_date", "outcome_note",
    "created_by_id", "created_at", "updated_at",
]  # fmt: skip
EVENT_COLUMNS = ["referral_id", "action", "from_status", "to_status", "actor_id", "at", "note", "details"]
CONSENT_COLUMNS = [
    "migrant_id", "government_id", "partner_id", "given_on", "note", "recorded_by_id", "recorded_at", "withdrawn_at",
    "purposes",
]  # fmt: skip


def referral_rows(n: int, first_id: int, first_migrant: int, migrants: dict, ref: dict, rng: random.Random):
    """Lists of COPY lines of the referrals, their events and the consents they rest on."""
    count = len(migrants["nationality"])
    partners = ref["partners"]
    partner_weights = zipf_weights(len(partners), 1.0)
    governments = ref["governments"]
    staff = ref["staff"]
    statuses = [s for s, _w in STATUSES]
    status_weights = [w for _s, w in STATUSES]
    referrals, events, consents = [], [], []
    consented: set[tuple[int, int]] = set()
    # Vulnerable and sensitive cases are referred more often: pick from a biased sample.
    picks = sorted(rng.randrange(count) for _ in range(n))
    for k, i in enumerate(picks):
        pk = first_id + k
        migrant_id = first_migrant + i
        nationality = migrants["nationality"][i]
        sensitive = bool(migrants["sensitive"][i])
        office_id = migrants["office"][i]
        actor = staff.get(office_id) or "\\N"
        if rng.random() < 0.45 and nationality in governments:
            kind, gov, partner = "consular", governments[nationality], None
        else:
            kind = "counter_trafficking" if sensitive and rng.random() < 0.6 else rng.choice(PARTNER_KINDS[:5])
            gov, partner = None, partners[min(len(partners) - 1, rng.choices(range(len(partners)), partner_weights)[0])]
        sensitive = sensitive or kind == "counter_trafficking"
        status = rng.choices(statuses, status_weights)[0]
        priority = rng.choices(["normal", "urgent", "life_saving"], [80, 15, 5])[0]
        created = migrants["created"][i] + timedelta(hours=rng.randrange(1, 400))
        sent = created + timedelta(minutes=rng.randrange(5, 600)) if status != "draft" else None
        due = sent + timedelta(hours=PRIORITY_HOURS[priority]) if sent else None
        at = sent or created
        events.append(f"{pk}\tcreate\t\tdraft\t{actor}\t{_ts(created)}\t\t{{}}\n")
        previous = "draft"
        for target in STATUS_PATHS[status]:
            if target != "sent":
                at = at + timedelta(hours=rng.randrange(1, 120))
            note = "Not within our mandate" if target == "declined" else ""
            events.append(f"{pk}\t{ACTION[target]}\t{previous}\t{target}\t{actor}\t{_ts(at)}\t{note}\t{{}}\n")
            previous = target
        closed = at if status in ("completed", "declined", "cancelled") else None
        referrals.append(
            f"{pk}\t{migrant_id}\t{migrants['crisis'][i]}\t{office_id}\t{kind}\t{status}\t{priority}\t"
            f"{gov or chr(92) + 'N'}\t{partner or chr(92) + 'N'}\tbench\t{'t' if sensitive else 'f'}\t"
            f"{_ts(sent) if sent else chr(92) + 'N'}\t{_ts(due) if due else chr(92) + 'N'}\t\\N\t"
            f"{_ts(closed) if closed else chr(92) + 'N'}\t{'Not within our mandate' if status == 'declined' else ''}\t"
            f"\t\\N\t\t\t\\N\t\t\t\\N\t\t{actor}\t{_ts(created)}\t{_ts(at)}\n"
        )
        recipient = (gov, None) if gov else (None, partner)
        if (migrant_id, recipient) not in consented and rng.random() < 0.85:
            consented.add((migrant_id, recipient))
            withdrawn = _ts(at) if rng.random() < 0.03 else "\\N"
            consents.append(
                f"{migrant_id}\t{gov or chr(92) + 'N'}\t{partner or chr(92) + 'N'}\t{created.date().isoformat()}\t\t"
                f"{actor}\t{_ts(created)}\t{withdrawn}\t{json.dumps([kind])}\n"
            )
    return referrals, events, consents


def load(sizes: dict, log) -> None:
    from django.db import connection, transaction

    rng = random.Random(SEED)
    t0 = time.monotonic()
    ref = reference_rows(sizes, rng)
    log(f"reference rows ready ({time.monotonic() - t0:.1f}s)")
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg 3 cursor, for copy()
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers during the load
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        dropped = []
        for table in BULK_TABLES:
            for name, definition in _secondary_indexes(cursor, table):
                cursor.execute(f'DROP INDEX "{name}"')
                dropped.append(definition)
        first_migrant = _next_id(cursor, "caseload_migrant")
        migrants: dict = {}
        t = time.monotonic()
        count = _copy(
            cursor,
            "caseload_migrant",
            MIGRANT_COLUMNS,
            migrant_lines(sizes["migrants"], first_migrant, ref, rng, migrants),
        )
        log(f"migrants: {count} ({time.monotonic() - t:.1f}s)")
        t = time.monotonic()
        first_referral = _next_id(cursor, "caseload_referral")
        referrals, events, consents = referral_rows(
            sizes["referrals"], first_referral, first_migrant, migrants, ref, rng
        )
        del migrants
        _copy(cursor, "caseload_referral", REFERRAL_COLUMNS, referrals)
        _copy(cursor, "caseload_referralevent", EVENT_COLUMNS, events)
        _copy(cursor, "caseload_consent", CONSENT_COLUMNS, consents)
        log(
            f"referrals: {len(referrals)}, events: {len(events)}, consents: {len(consents)} "
            f"({time.monotonic() - t:.1f}s)"
        )
        t = time.monotonic()
        for definition in dropped:
            cursor.execute(definition)
        log(f"{len(dropped)} indexes rebuilt ({time.monotonic() - t:.1f}s)")
        for table in BULK_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
    with connection.cursor() as cursor:
        t = time.monotonic()
        for table in BULK_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        log(f"vacuum analyze ({time.monotonic() - t:.1f}s)")
    log(f"loaded in {time.monotonic() - t0:.1f}s")


def ensure_loaded(*, fresh: bool = False, scale: float = 1.0, log=print) -> dict:
    """Create and fill the benchmark database unless it already holds the wanted rows."""
    os.environ.update({k: v for k, v in bench_env().items() if k not in os.environ})
    sizes = dict(DEFAULTS)
    sizes["migrants"] = int(DEFAULTS["migrants"] * scale)
    sizes["referrals"] = int(DEFAULTS["referrals"] * scale)
    if fresh or not database_exists():
        recreate_database(log)
        fresh = True
    if not fresh:
        migrate()
    setup_django()
    if not fresh:
        counts = loaded_counts()
        if counts["migrants"] == sizes["migrants"] and counts["referrals"] == sizes["referrals"]:
            log(f"database already loaded: {counts}")
            return sizes
        if counts["migrants"] or counts["referrals"]:
            from django.db import connections

            log(f"row counts differ ({counts}); reloading")
            connections.close_all()
            recreate_database(log)
    load(sizes, log)
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database and load it again")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the migrants and referrals to load")
    args = parser.parse_args(argv)
    ensure_loaded(fresh=args.fresh, scale=args.scale)


if __name__ == "__main__":
    main()
