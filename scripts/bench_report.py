"""Helpers of `make bench` (scripts/bench.sh): pick the pages to load, log in, write docs/BENCHMARKS.md.

bench_report.py targets META.json     choose the search term and the household, count the SQL queries
                                      and the CPU time of each page in process (Django settings from
                                      DJANGO_SETTINGS_MODULE and DATABASE_URL); print PATH_… for the shell
bench_report.py login BASE_URL USER PASSWORD PATH...
                                      log in through the login form, check that every PATH answers 200
                                      with the session, print the session cookie
bench_report.py report META.json RESULTS_DIR OUTPUT.md
                                      turn the wrk results (RESULTS_DIR/<key>.txt) into the report
"""

import http.cookiejar
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The loads, in the order they run: key, label, the user whose session cookie goes with them (None: no cookie).
DIRECTOR, SOCIAL_WORKER = "direction", "travailleur.social"
PAGES = [
    ("trivial", "Trivial view `/sante/`", None),
    ("session", "Trivial view behind the login `/sante/session/`", DIRECTOR),
    ("layout", "Simplest page with the layout `/compte/`", DIRECTOR),
    ("search", "Household search `/menages/?q=…`", DIRECTOR),
    ("household", "Household page `/menages/<id>/`", DIRECTOR),
    ("home", "Social worker's home page `/`", SOCIAL_WORKER),
]
# Throughput as a share of the logged-in trivial view's, measured in the same run: every page pays the session and
# user reads, the reference pays nothing else.
REFERENCE = "session"
RATIO_TARGETS = {"household": 0.25, "search": 0.40, "home": 0.25}
P95_TARGET_MS = 50.0
TARGET_PAGES = ("session", "search", "household", "home")
CPU_SAMPLES = 30
LEDGER_START, LEDGER_END = "<!-- bench_ledger:start -->", "<!-- bench_ledger:end -->"
# The sections written by the in-process parts of `make bench` (manage.py bench_ledger, bench_residences).
KEPT_SECTIONS = ((LEDGER_START, LEDGER_END), ("<!-- bench_residences:start -->", "<!-- bench_residences:end -->"))


# --- targets ----------------------------------------------------------------------------------------


def targets(meta_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from collections import Counter

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from habiter.core.management.commands.seed_demo import DEMO_ORGANISATION
    from habiter.core.models import Organisation, User
    from habiter.people import rules as people_rules
    from habiter.people.models import Household

    organisation = Organisation.objects.get(name=DEMO_ORGANISATION)
    households = Household.objects.filter(organisation=organisation)
    # The search: the first four letters of the most common household name, as a user would type them.
    names = Counter(households.values_list("name", flat=True).iterator())
    common_name = names.most_common(1)[0][0]
    term = people_rules.normalise_text(common_name)[:4]
    # The household page: a family of three or more with notes, so that every part of the page has rows;
    # ordered by names only, the demo data being reproducible (its UUIDs are not).
    household = (
        households.annotate(n_members=Count("members", distinct=True), n_notes=Count("notes", distinct=True))
        .filter(n_members__gte=3, n_notes__gte=1)
        .order_by("name", "search_text", "id")
        .first()
    )
    paths = {
        "trivial": "/sante/",
        "session": "/sante/session/",
        "layout": "/compte/",
        "search": "/menages/?" + urllib.parse.urlencode({"q": term}),
        "household": f"/menages/{household.pk}/",
        "home": "/",
    }
    # SQL queries and CPU time per request in process (no HTTP server), as served to each page's user.
    queries, cpu_ms = {}, {}
    for key, _label, username in PAGES:
        client = Client(HTTP_HOST="127.0.0.1")
        if username:
            client.force_login(User.objects.get(username=username))
        path = paths[key]
        for _ in range(3):  # caches, lazy imports
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} : réponse {response.status_code} au lieu de 200")
        queries[key] = len(captured.captured_queries)
        samples = []
        for _ in range(CPU_SAMPLES):
            start = time.process_time()
            client.get(path)
            samples.append(time.process_time() - start)
        cpu_ms[key] = statistics.median(samples) * 1000
        client.logout()
    social_worker = User.objects.get(username=SOCIAL_WORKER)
    meta = {
        "households": households.count(),
        "referent_of": households.filter(referent=social_worker).count(),
        "people": organisation.person_set.count(),
        "common_name": common_name,
        "term": term,
        "matches": households.filter(search_text__contains=term).count(),
        "household_members": household.members.count(),
        "household_notes": household.notes.count(),
        "paths": paths,
        "queries": queries,
        "cpu_ms": cpu_ms,
        "postgresql": connection.cursor().connection.info.parameter_status("server_version"),
    }
    Path(meta_path).write_text(json.dumps(meta, ensure_ascii=False, indent=2))
    for key in paths:
        print(f"PATH_{key.upper()}={shlex.quote(paths[key])}")


# --- login ------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def login(base_url: str, username: str, password: str, paths: list[str]) -> None:
    """Log in as a browser would (form, CSRF token, session cookie) and print `sessionid=…`."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = base_url + "/connexion/"
    opener.open(login_url, timeout=30).read()
    csrf = next((c.value for c in jar if c.name == "csrftoken"), None)
    if not csrf:
        raise SystemExit("Pas de jeton CSRF sur la page de connexion.")
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1:…, built by bench.sh
        login_url, data=form.encode(), headers={"Referer": login_url, "Origin": base_url}, method="POST"
    )
    opener.open(request, timeout=30).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if not session:
        raise SystemExit(f"Connexion de « {username} » refusée.")
    cookie = f"sessionid={session}"
    # Each page must answer 200 itself: a redirection (to the login page…) would fake a fast page.
    checker = urllib.request.build_opener(_NoRedirect)
    for path in paths:
        try:
            request = urllib.request.Request(base_url + path, headers={"Cookie": cookie})  # noqa: S310
            response = checker.open(request, timeout=30)
            status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise SystemExit(f"{path} : réponse {status} au lieu de 200")
    print(cookie)


# --- report -----------------------------------------------------------------------------------------


def _read_result(path: Path) -> dict:
    for line in path.read_text().splitlines():
        if line.startswith("RESULT "):
            return {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}
    raise SystemExit(f"Pas de résultat wrk dans {path.name}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _run(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return ""
    return (result.stdout + result.stderr).strip()


def _version(command: list[str]) -> str:
    output = _run(command)
    match = re.search(r"\d+(\.\d+)+", output)
    return match.group(0) if match else "?"


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(meta_path: str, results_dir: str, output: str) -> None:
    import django
    import gunicorn

    meta = json.loads(Path(meta_path).read_text())
    env = os.environ
    rows = {}
    for key, _label, _user in PAGES:
        r = _read_result(Path(results_dir) / f"{key}.txt")
        rows[key] = {
            "rps": r["requests"] / (r["duration_us"] / 1e6),
            "p50": r["p50_us"] / 1000,
            "p95": r["p95_us"] / 1000,
            "p99": r["p99_us"] / 1000,
            "requests": int(r["requests"]),
            "errors": int(sum(v for k, v in r.items() if k.startswith("errors_"))),
        }
    labels = {key: label for key, label, _user in PAGES}
    reference = rows[REFERENCE]["rps"]
    for row in rows.values():
        row["ratio"] = row["rps"] / reference
    total_errors = sum(row["errors"] for row in rows.values())
    checks = [
        (
            f"{labels[key]} ≥ {target:.0%} of the logged-in trivial view's requests/s",
            f"{rows[key]['ratio']:.1%}",
            rows[key]["ratio"] >= target,
        )
        for key, target in RATIO_TARGETS.items()
    ]
    for key in TARGET_PAGES:
        checks.append(
            (
                f"{labels[key]}: p95 ≤ {P95_TARGET_MS:.0f} ms at {env.get('BENCH_CONNECTIONS', '8')} connections",
                f"{rows[key]['p95']:.1f} ms",
                rows[key]["p95"] <= P95_TARGET_MS,
            )
        )
    checks.append(("no socket error and no HTTP error", str(total_errors), total_errors == 0))
    all_met = all(ok for _target, _measured, ok in checks)

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`scripts/bench.sh`, two to three minutes); run it again to refresh this page.",
        "Absolute figures depend on the machine; the ratios to the logged-in trivial view, measured in the same run,",
        "travel better.",
        "",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: `nproc` = {_run(['nproc']) or os.cpu_count()}, CPU {_cpu_model()}",
        f"- Load average (1 min), other work on the machine included: {env.get('BENCH_LOAD_BEFORE', '?')} before"
        f" the run, {os.getloadavg()[0]:.2f} after it",
        f"- Software: Python {platform.python_version()}, Django {django.get_version()}, gunicorn "
        f"{gunicorn.__version__}, PostgreSQL {meta['postgresql']}, wrk {_version(['wrk', '--version'])}",
        "",
        "## Method",
        "",
        "- Data: a fresh PostgreSQL database, migrated, then"
        f" `seed_demo --scale {env.get('BENCH_SCALE', '20000')}` (the demo organisation",
        f"  holds {meta['households']} households and {meta['people']} people), then `VACUUM ANALYZE`, as"
        " autovacuum would have done",
        "  on a live database.",
        "- Server: gunicorn, 2 sync workers, on 127.0.0.1, settings `habiter.settings.bench`: the production",
        "  settings (DEBUG off, static files through WhiteNoise, every middleware) over plain HTTP, that is without",
        "  the HTTPS redirect, secure-only cookies and the mandatory second factor. The load generator and",
        "  PostgreSQL run on the same machine and share its CPUs with the server.",
        "- Client: logins through the login form as `direction` (director: sees every household) for the search and",
        "  the household page, as `travailleur.social` (social worker, referent of"
        f" {meta['referent_of']} households) for the home page.",
        "  The trivial view behind the login (`/sante/session/`, as the director) is the reference of the ratios:",
        "  what any logged-in request costs before its view runs (every middleware, session and user reads with",
        "  the second-factor device check; the session's activity stamp is written at most once a minute). The",
        "  trivial view without a cookie is a load balancer's health check, shown for the floor of the stack; the",
        "  account page `/compte/` is the floor of a page with the layout (menu, base template).",
        f"- Load: wrk, {env.get('BENCH_CONNECTIONS', '8')} connections, 2 threads,"
        f" {env.get('BENCH_DURATION', '10s')} per page after a 2 s warm-up; requests/s and latency percentiles",
        "  from wrk's histogram (p95 through the `done()` hook of `scripts/bench.lua`).",
        f"- Search: `q={meta['term']}`, the start of the most common household name (« {meta['common_name']} »);",
        f"  it matches {meta['matches']} households, the page shows the first 25 with their members. On PostgreSQL",
        "  the `LIKE '%…%'` of the search is served by the trigram indexes of migration `people.0002`.",
        f"- Household page: a household of {meta['household_members']} members with"
        f" {meta['household_notes']} note(s); every read of it writes one audit event, by design.",
        "  The household's own query tells, by `EXISTS` annotations, which apps have rows for it; only those are",
        "  asked for their panel and timeline.",
        "- Home page: the social worker's panels (their households, reviews and measures due, appointments, cases,",
        "  rents, documents…), each a bounded list; its query count does not grow with the households (test).",
        "- SQL queries and CPU per request: the same pages through Django's test client in one process (no HTTP,",
        f"  no concurrency), median of {CPU_SAMPLES} requests; the CPU of PostgreSQL is not included.",
        "",
        "## Results",
        "",
        "| page | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | vs logged-in trivial view | SQL queries"
        " | CPU ms (in process) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label, _user in PAGES:
        row = rows[key]
        lines.append(
            f"| {label} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f}"
            f" | {row['ratio']:.1%} | {meta['queries'][key]} | {meta['cpu_ms'][key]:.1f} |"
        )
    lines += [
        "",
        "Requests served: " + ", ".join(f"{key} {rows[key]['requests']}" for key, _l, _u in PAGES) + ".",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---:|---|",
    ]
    lines += [f"| {target} | {measured} | {_met(ok)} |" for target, measured, ok in checks]
    lines += ["", "All targets are met." if all_met else "Some targets are missed."]
    if not all_met:
        lines += [
            "",
            "Reading: 2 sync workers share the 2 CPUs with PostgreSQL and wrk, so a page's requests/s follow the CPU",
            f"it costs; with {env.get('BENCH_CONNECTIONS', '8')} connections for 2 workers a request also queues"
            " behind about three others, so a",
            f"p95 ≤ {P95_TARGET_MS:.0f} ms needs pages of about a dozen milliseconds end to end.",
            f"The trivial view behind the login serves {rows['session']['rps'] / rows['trivial']['rps']:.1%} of the"
            " requests of the trivial view without a cookie:",
            "that is the ceiling of any logged-in page before its own queries and template (session and user reads",
            "with the second-factor device check). The CPU column shows where the rest goes.",
            f"The simplest page with the layout (`/compte/`: two small queries, the menu and the base template)"
            f" serves {rows['layout']['ratio']:.1%} of the logged-in trivial view's requests: the floor of any page",
            "a person reads, before its content (decision record 0032).",
        ]
    lines.append("")
    # The sections of the ledger (manage.py bench_ledger) and of the residences (manage.py bench_residences) stay
    # until those commands rewrite them: BENCH_LEASES=0 skips the ledger.
    previous = Path(output).read_text() if Path(output).exists() else ""
    for section_start, section_end in KEPT_SECTIONS:
        start, end = previous.find(section_start), previous.find(section_end)
        if 0 <= start < end:
            lines += [previous[start : end + len(section_end)], ""]
    Path(output).write_text("\n".join(lines))
    for key, label, _user in PAGES:
        row = rows[key]
        print(
            f"  {label:<50} {row['rps']:7.0f} req/s  p50 {row['p50']:6.1f} ms  p95 {row['p95']:6.1f} ms"
            f"  {row['ratio']:6.1%}  ({row['requests']} requêtes, {row['errors']} erreurs)"
        )
    print("  Tous les objectifs sont atteints." if all_met else "  Des objectifs ne sont pas atteints.")


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "targets":
        targets(argv[1])
    elif len(argv) >= 4 and argv[0] == "login":
        login(argv[1].rstrip("/"), argv[2], argv[3], argv[4:])
    elif len(argv) == 4 and argv[0] == "report":
        report(argv[1], argv[2], argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
