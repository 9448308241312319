"""What the `bench_*` commands of `make bench` share: the cost of a page, and their section of docs/BENCHMARKS.md."""

import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def page_cost(actor, url: str, *, repeat: int = 3) -> tuple[int, float]:
    """The SQL queries and the best time in seconds of `repeat` requests of `url` as `actor`, after one to warm up,
    in this process (Django's test client: no HTTP, no concurrency)."""
    host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
    client = Client(SERVER_NAME=host)
    client.force_login(actor)
    client.get(url)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise CommandError(f"{url} : réponse {response.status_code}")
        queries = len(captured)
    return queries, min(times)


def write_section(path: Path, start: str, end: str, lines: list[str]) -> str:
    """Write `lines` between the markers `start` and `end` of the file at `path` (appended when they are not in it
    yet), and return the section written."""
    section = "\n".join([start, *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
    return section
