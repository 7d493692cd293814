"""No request, failed or not, leaves its database connection in a transaction: after a page that
fails half-way, the next requests see what others committed and can still write."""

from contextlib import nullcontext

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from drempelbank.after_commit import AfterCommit
from kb.db import make_engine
from kb.models import Municipality
from web.app import create_app
from web.deps import DbSession

KEPT: list = []  # a log handler or error tracker that keeps the traceback, and with it the half-read result


def _app(engine):
    # No derived stores here: the after-commit runner with an empty step list (these routes write no barrier).
    app = create_app(engine, after_commit=AfterCommit(engine, [], nullcontext))

    @app.get("/test/half-way")
    def half_way(session: DbSession):
        KEPT.append(session.exec(select(Municipality).order_by(Municipality.nis)))
        raise RuntimeError("the page fails before it reads its rows")

    @app.get("/test/name/{nis}")
    def name(nis: str, session: DbSession):
        return {"name": session.exec(select(Municipality.name).where(Municipality.nis == nis)).one()}

    @app.post("/test/name/{nis}")
    def rename(nis: str, session: DbSession):
        session.exec(text("UPDATE municipality SET name = 'Via de app' WHERE nis = :nis"), params={"nis": nis})
        session.commit()
        return {"ok": True}

    return app


def test_a_failed_page_leaves_no_stale_or_locked_connection(engine):
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO municipality (nis, name, province, provisional_name) "
                                "VALUES (:nis, :name, 'Limburg', false)"),
                           [{"nis": f"{70000 + i}", "name": f"Gemeente {i}"} for i in range(200)])
    client = TestClient(_app(engine), raise_server_exceptions=False)
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        for _ in range(3):
            failed = client.get("/test/half-way")
            assert failed.status_code == 500 and "Traceback" not in failed.text
        with other.begin() as connection:
            connection.execute(text("UPDATE municipality SET name = 'Elders gewijzigd' WHERE nis = '70000'"))
        for _ in range(3):
            assert client.get("/test/name/70000").json() == {"name": "Elders gewijzigd"}
        assert client.post("/test/name/70001").status_code == 200
        with other.connect() as connection:
            assert connection.execute(text("SELECT name FROM municipality WHERE nis = '70001'")).scalar() == "Via de app"
    finally:
        KEPT.clear()
        other.dispose()
