"""Benchmark: creating claims over the REST API, 1 client and 8 concurrent clients, on PostgreSQL
behind gunicorn. Method and numbers: bench/README.md, section "API write".

    .venv/bin/python bench/api_write.py            # drops and rebuilds the bench_h3 database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_x .venv/bin/python bench/api_write.py
    .venv/bin/python bench/api_write.py --client python --worker-class sync --seconds 15

Workload (what doccano and Label Studio were measured on: 200 articles, one span per request):
200 articles of ~1,300 characters (blocks and sentences), a project with k=8 and 8 annotators,
every article assigned to every annotator (1,600 assignments), 20 actors. Each request is a
`POST /api/attributions/` with token authentication creating one full claim: a content span,
a source span, a cue span, a speaker and one stance; each is validated (spans inside the article
and not blank, vocabulary, actors), written with its spans and stance and recorded in the history
in one transaction, and answered with the claim snapshot. So one request does more than a
doccano span.

Each client holds one keep-alive connection and works through its own annotator's prepared claims
round robin. The load generator is wrk when installed (`apt-get install wrk`; one wrk thread per
client, a Lua script posting the JSON bodies with the client's token; it costs ~0.1 ms of CPU per
request, so the server gets the cores) or `--client python`, one spawned process per client
(http.client), which costs the server a good part of the two cores. A phase is bounded in time
(and, with Python clients, in requests) after an unmeasured warm-up. Latency is measured per
request on the client, from sending to the last byte of the answer. The SQL statements of one
request are counted in-process with CaptureQueriesContext through Django's test client, against
the same database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The database is dropped and rebuilt: its name comes from DATABASE_URL (default bench_h3).
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_h3")
DATABASE = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "WARNING",
}
for key, value in SERVER_ENV.items():
    os.environ.setdefault(key, value)

WORDS = """minister talks border peace region agreement officials statement capital economy
reconstruction refugees conflict delegation meeting cooperation security energy trade ministry
parliament president government negotiations ceasefire humanitarian aid""".split()  # noqa: SIM905
ARTICLES = 200
ANNOTATORS = 8
ACTORS = 20


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def article_text(index: int, rng: random.Random) -> str:
    paragraphs = []
    for p in range(3):
        sentences = []
        for s in range(3):
            words = [rng.choice(WORDS) for _ in range(rng.randint(14, 22))]
            if s == 0:
                words.insert(0, "said")
                words.insert(0, "Bayramov")
            sentences.append(" ".join(words).capitalize() + f" ({index}.{p}.{s}).")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def build_workload() -> list[dict[str, Any]]:
    """Fresh database, project, users, articles and assignments; per client its token and jobs."""
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from annotate.services.assignments import assign_articles
    from annotate.services.projects import (
        add_articles,
        create_actor,
        create_project,
        set_membership,
    )
    from corpus.models import Article, Block, Sentence, content_hash
    from corpus.segmentation import segment

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    # Token authentication never checks a password: unusable ones keep the setup fast.
    manager = users.create_user("bench-manager", is_superuser=True, is_staff=True)
    annotators = [users.create_user(f"bench-annotator-{i}") for i in range(ANNOTATORS)]
    project = create_project(
        name="API write benchmark", user=manager, annotators_per_article=ANNOTATORS
    )
    for annotator in annotators:
        set_membership(
            project_id=project.pk, user=manager, member_id=annotator.pk, role="annotator"
        )
    actors = [
        create_actor(project_id=project.pk, user=manager, name=f"Actor {i}", kind="person")
        for i in range(ACTORS)
    ]

    rng = random.Random(5)
    texts = [article_text(i, rng) for i in range(ARTICLES)]
    articles = Article.objects.bulk_create(
        Article(title=f"Bench article {i}", text=text, content_hash=content_hash(text))
        for i, text in enumerate(texts)
    )
    sentences_of: dict[int, list[tuple[int, int]]] = {}
    for article in articles:
        for span in segment(article.text):
            block = Block.objects.create(
                article=article, kind=span.kind, start=span.start, end=span.end
            )
            Sentence.objects.bulk_create(
                Sentence(article=article, block=block, start=s, end=e) for s, e in span.sentences
            )
            sentences_of.setdefault(article.pk, []).extend(span.sentences)
    add_articles(project_id=project.pk, user=manager, article_ids=[a.pk for a in articles])
    assignments = assign_articles(project_id=project.pk, user=manager)

    text_of = {article.pk: article.text for article in articles}
    clients = []
    for annotator in annotators:
        jobs = []
        mine = [a for a in assignments if a.annotator_id == annotator.pk]
        for assignment in mine:
            text = text_of[assignment.article_id]
            for start, end in sentences_of[assignment.article_id]:
                words = [
                    (m.start() + start, m.end() + start)
                    for m in re.finditer(r"\S+", text[start:end])
                ]
                if len(words) < 5:
                    continue
                jobs.append(
                    {
                        "assignment": assignment.pk,
                        "content": [[words[2][0], words[-1][1]]],
                        "source": list(words[0]),
                        "cue": list(words[1]),
                        "speaker": rng.choice(actors).pk,
                        "type": rng.choice(["direct", "indirect", "mixed"]),
                        "stances": [
                            {
                                "target_actor": rng.choice(actors).pk,
                                "polarity": rng.choice(["favor", "against", "neutral"]),
                            }
                        ],
                    }
                )
        rng.shuffle(jobs)
        token, _ = Token.objects.get_or_create(user=annotator)
        clients.append({"token": token.key, "jobs": jobs})
    return clients


def count_statements(client: dict[str, Any]) -> tuple[int, list[str], float]:
    """SQL statements of one create request, and the in-process time of 50 (no HTTP, one thread)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    test_client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {client['token']}")

    def post(job: dict[str, Any]) -> None:
        response = test_client.post(
            "/api/attributions/", json.dumps(job), content_type="application/json"
        )
        assert response.status_code == 201, response.content

    post(client["jobs"][-1])
    with CaptureQueriesContext(connection) as captured:
        post(client["jobs"][-2])
    # Read now: the captured slice is looked up lazily in the connection's log.
    statements = [query["sql"] for query in captured.captured_queries]
    started = time.perf_counter()
    for job in client["jobs"][-52:-2]:
        post(job)
    per_request_ms = (time.perf_counter() - started) / 50 * 1000
    return len(statements), statements, per_request_ms


def start_server(port: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi",
        "-w", str(workers),
        "-b", f"127.0.0.1:{port}",
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--keep-alive", "30",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **SERVER_ENV})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/projects/")  # any answer means it is up
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


def run_client(task: dict[str, Any]) -> dict[str, Any]:
    """One client process: warm up, wait for the common start, post until a count or time bound."""
    headers = {
        "Authorization": f"Token {task['token']}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    bodies = [json.dumps(job).encode() for job in task["jobs"]]
    connection = http.client.HTTPConnection("127.0.0.1", task["port"], timeout=30)
    latencies: list[float] = []
    errors: list[str] = []
    reconnects = 0

    def post(body: bytes) -> tuple[int, bytes, bool]:
        connection.request("POST", "/api/attributions/", body, headers)
        response = connection.getresponse()
        return response.status, response.read(), response.will_close

    position = 0
    for _ in range(task["warmup"]):
        post(bodies[position % len(bodies)])
        position += 1
    time.sleep(max(0.0, task["start_at"] - time.time()))
    started = time.perf_counter()
    stop = started + task["seconds"]
    while len(latencies) + len(errors) < task["requests"] and time.perf_counter() < stop:
        body = bodies[position % len(bodies)]
        position += 1
        sent = time.perf_counter()
        status, payload, will_close = post(body)
        elapsed = time.perf_counter() - sent
        if status == 201:
            latencies.append(elapsed)
        else:
            errors.append(f"{status} {payload[:200]!r}")
        if will_close:
            reconnects += 1
            connection.close()
    return {
        "latencies": latencies,
        "errors": errors,
        "seconds": time.perf_counter() - started,
        "reconnects": reconnects,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(server_pid: int) -> dict[str, list[int]]:
    """gunicorn's workers (children of the master) and the PostgreSQL backends of the bench DB."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server_pid:
                workers.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    backends = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc",
         f"SELECT pid FROM pg_stat_activity WHERE datname = '{DATABASE}'"],  # noqa: S608
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return {"gunicorn": workers, "postgres": [int(pid) for pid in backends]}


def cpu_snapshot(server_pid: int) -> dict[str, dict[int, float]]:
    return {
        role: {pid: cpu_seconds(pid) for pid in pids}
        for role, pids in server_pids(server_pid).items()
    }


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict:
    """CPU seconds each side spent between two snapshots; new processes count from zero."""
    return {
        role: sum(cpu - before[role].get(pid, 0.0) for pid, cpu in after[role].items())
        for role in after
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_phase(
    clients: list[dict[str, Any]], port: int, server_pid: int, args: argparse.Namespace
) -> dict:
    start_at = time.time() + 2 + 0.2 * len(clients)
    tasks = [
        {
            **client,
            "port": port,
            "requests": args.requests // len(clients),
            "seconds": args.seconds,
            "warmup": 20,
            "start_at": start_at,
        }
        for client in clients
    ]
    before = cpu_snapshot(server_pid)
    with multiprocessing.get_context("spawn").Pool(len(tasks)) as pool:
        results = pool.map(run_client, tasks)
    # CPU per request does not depend on what else runs on the machine, unlike latency: with it,
    # CPUs x 1000 / (ms per request) bounds the throughput of an otherwise idle machine.
    used = cpu_used(before, cpu_snapshot(server_pid))
    served = sum(len(r["latencies"]) + len(r["errors"]) for r in results) + sum(
        task["warmup"] for task in tasks
    )
    # Other work on the machine skews every number: the 1-minute load average says how much.
    load = os.getloadavg()[0]
    latencies = [x for result in results for x in result["latencies"]]
    errors = [x for result in results for x in result["errors"]]
    wall = max(result["seconds"] for result in results)
    return {
        "clients": len(clients),
        "client": "python",
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "reconnects": sum(result["reconnects"] for result in results),
        "seconds": round(wall, 2),
        "requests_per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
        "load_average_1min": round(load, 2),
        "cpu_ms_per_request_gunicorn": round(used["gunicorn"] / served * 1000, 2),
        "cpu_ms_per_request_postgres": round(used["postgres"] / served * 1000, 2),
    }


WRK_SCRIPT = r"""
-- One wrk thread per client, each with one keep-alive connection, its annotator's token and its
-- prepared claims (one JSON body a line), posted round robin.
local count = 0
local threads = {}

function setup(thread)
  thread:set("client", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  local file = io.open(args[1] .. "/client-" .. client .. ".txt")
  local token = file:read("*l")
  bodies = {}
  for line in file:lines() do bodies[#bodies + 1] = line end
  file:close()
  headers = {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }
  position = 0
  failed = 0
  first_error = ""
end

function request()
  position = position % #bodies + 1
  return wrk.format("POST", "/api/attributions/", headers, bodies[position])
end

function response(status, headers, body)
  if status ~= 201 then
    failed = failed + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body, 1, 200) end
  end
end

function done(summary, latency, requests)
  local failures, first = 0, ""
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
    if first == "" then first = thread:get("first_error") end
  end
  io.write(string.format(
    "RESULT %d %d %d %d %.1f %.1f %.1f %.1f %d\n",
    summary.requests, summary.duration, failures,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean,
    string.len(first)))
  io.write("FIRST_ERROR " .. first .. "\n")
end
"""


def run_phase_wrk(
    clients: list[dict[str, Any]], port: int, server_pid: int, args: argparse.Namespace
) -> dict:
    """The same phase with wrk (C, one event loop per thread): one thread and one keep-alive
    connection per client, so the load generator costs far less CPU than Python clients."""
    workdir = Path(tempfile.mkdtemp(prefix="api_write_"))
    script = workdir / "post.lua"
    script.write_text(WRK_SCRIPT)
    for index, client in enumerate(clients):
        lines = [client["token"], *(json.dumps(job) for job in client["jobs"])]
        (workdir / f"client-{index}.txt").write_text("\n".join(lines) + "\n")
    count = len(clients)

    def wrk(seconds: float) -> str:
        command = ["wrk", "-t", str(count), "-c", str(count), "-d", f"{round(seconds)}s",
                   "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}",
                   "--", str(workdir)]  # fmt: skip
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    wrk(2)  # unmeasured warm-up of every worker and connection
    time.sleep(1)
    before = cpu_snapshot(server_pid)
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = wrk(args.seconds)
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = cpu_used(before, cpu_snapshot(server_pid))
    load = os.getloadavg()[0]
    shutil.rmtree(workdir)
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    total, duration_us, failures, socket_errors, p50, p95, p99, mean, _ = line.split()[1:]
    first_error = next(x for x in output.splitlines() if x.startswith("FIRST_ERROR"))[12:]
    served = int(total)
    ok = served - int(failures)
    client_cpu = (client_after.ru_utime + client_after.ru_stime) - (
        client_before.ru_utime + client_before.ru_stime
    )
    return {
        "clients": count,
        "client": "wrk",
        "requests": ok,
        "errors": int(failures) + int(socket_errors),
        "first_error": first_error or None,
        "socket_errors": int(socket_errors),
        "seconds": round(int(duration_us) / 1e6, 2),
        "requests_per_second": round(ok / (int(duration_us) / 1e6), 1),
        "p50_ms": round(float(p50) / 1000, 2),
        "p95_ms": round(float(p95) / 1000, 2),
        "p99_ms": round(float(p99) / 1000, 2),
        "mean_ms": round(float(mean) / 1000, 2),
        "load_average_1min": round(load, 2),
        "cpu_ms_per_request_gunicorn": round(used["gunicorn"] / max(served, 1) * 1000, 2),
        "cpu_ms_per_request_postgres": round(used["postgres"] / max(served, 1) * 1000, 2),
        "cpu_ms_per_request_client": round(client_cpu / max(served, 1) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8613)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=2, help="per gthread worker")
    parser.add_argument(
        "--requests", type=int, default=2000, help="per phase, over all clients (Python clients)"
    )
    parser.add_argument("--seconds", type=float, default=30, help="time bound per phase")
    parser.add_argument(
        "--client",
        default="wrk" if shutil.which("wrk") else "python",
        choices=["wrk", "python"],
        help="load generator: wrk (default when installed) or one Python process per client",
    )
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    started = time.perf_counter()
    clients = build_workload()
    print(
        f"workload: {ARTICLES} articles, {ANNOTATORS} annotators, "
        f"{sum(len(c['jobs']) for c in clients)} prepared claims "
        f"({time.perf_counter() - started:.1f} s)"
    )
    statements, sql, in_process_ms = count_statements(clients[0])
    print(
        f"SQL statements per create request: {statements}  "
        f"(BEGIN and COMMIT included); in-process {in_process_ms:.1f} ms/request"
    )
    if args.show_sql:
        for line in sql:
            print("   ", line[:160])

    from django.db import connections

    connections.close_all()
    server = start_server(args.port, args.workers, args.worker_class, args.threads)
    phases = []
    try:
        for count in (1, ANNOTATORS):
            run = run_phase_wrk if args.client == "wrk" else run_phase
            result = run(clients[:count], args.port, server.pid, args)
            phases.append(result)
            print(
                f"{count} client(s): {result['requests']} requests in {result['seconds']} s, "
                f"{result['requests_per_second']} req/s, p50 {result['p50_ms']} ms, "
                f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
                f"errors {result['errors']}, "
                + (
                    f"reconnects {result['reconnects']}, "
                    if "reconnects" in result
                    else f"socket errors {result['socket_errors']}, "
                )
                + f"load average {result['load_average_1min']} on {os.cpu_count()} CPUs"
            )
            print(
                f"   server CPU per request: gunicorn {result['cpu_ms_per_request_gunicorn']} ms, "
                f"PostgreSQL {result['cpu_ms_per_request_postgres']} ms"
                + (
                    f"; load client (wrk) {result['cpu_ms_per_request_client']} ms"
                    if "cpu_ms_per_request_client" in result
                    else ""
                )
            )
            if result["first_error"]:
                print("   first error:", result["first_error"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "client": args.client,
                    "server": f"gunicorn -w {args.workers} -k {args.worker_class} "
                    f"--threads {args.threads}",
                    "cpus": os.cpu_count(),
                    "statements_per_request": statements,
                    "in_process_ms": round(in_process_ms, 2),
                    "phases": phases,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
