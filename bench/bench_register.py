"""Register figures: import and export of 10,000 barriers (SQLite and PostgreSQL), `init --demo` time.

Prints a table and writes bench/results/register.json. Also checks that export followed by import
into an empty register gives back identical records (the exchange format's promise).
Usage: python bench/bench_register.py [--rows 10000] [--no-postgres]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generated_barriers, write_jsonl  # noqa: E402
from ingest.barrier_import import export_barriers, import_barriers  # noqa: E402
from ingest.corpus import load_reference  # noqa: E402
from kb.db import make_engine, migrate  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def fresh_register(url: str):
    engine = make_engine(url)
    migrate(engine)
    load_reference(engine=engine, corpus=ROOT / "corpus")
    return engine


def measure(engine, source: Path, work: Path, label: str) -> dict:
    start = time.perf_counter()
    report = import_barriers(engine=engine, path=source, actor="bench")
    imported = time.perf_counter() - start
    assert report.created == report.rows and not report.rejected, report.rejected[:3]
    again = time.perf_counter()
    second = import_barriers(engine=engine, path=source, actor="bench")
    reimported = time.perf_counter() - again
    assert second.unchanged == report.rows
    out = work / f"{label}.jsonl"
    start = time.perf_counter()
    exported_rows = export_barriers(engine=engine, path=out)
    exported = time.perf_counter() - start
    return {"rows": report.rows, "import_s": round(imported, 2), "import_rows_per_s": round(report.rows / imported),
            "reimport_unchanged_rows_per_s": round(report.rows / reimported),
            "export_s": round(exported, 2), "export_rows_per_s": round(exported_rows / exported), "export": out}


def round_trip_identical(export_file: Path, work: Path) -> bool:
    engine = fresh_register(f"sqlite:///{work / 'roundtrip.db'}")
    import_barriers(engine=engine, path=export_file, actor="bench")
    again = work / "roundtrip.jsonl"
    export_barriers(engine=engine, path=again)
    engine.dispose()
    return export_file.read_bytes() == again.read_bytes()


def init_demo_seconds(work: Path) -> float:
    binary = Path(sys.executable).parent / "drempelbank"
    start = time.perf_counter()
    subprocess.run([str(binary), "init", "--demo", "--home", str(work / "demo-home")], check=True,
                   capture_output=True)
    return round(time.perf_counter() - start, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results: dict = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = write_jsonl(work / "generated.jsonl", generated_barriers(args.rows))
        results["file_mb"] = round(source.stat().st_size / 1e6, 1)
        sqlite = fresh_register(f"sqlite:///{work / 'bench.db'}")
        results["sqlite"] = measure(sqlite, source, work, "sqlite")
        results["round_trip_identical"] = round_trip_identical(results["sqlite"].pop("export"), work)
        if not args.no_postgres:
            name = f"drempelbank_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                pg = fresh_register(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
                results["postgresql"] = measure(pg, source, work, "postgresql")
                results["postgresql"].pop("export")
                pg.dispose()
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        results["init_demo_s"] = init_demo_seconds(work)
    print(json.dumps(results, indent=1))
    out = ROOT / "bench" / "results" / "register.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
