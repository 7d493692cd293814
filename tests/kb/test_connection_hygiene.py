"""A unit of work that fails half-way leaves no transaction and no read snapshot on the pooled
connection: the next session sees what others committed and can write."""

from sqlalchemy import text
from sqlmodel import Session, select

from kb.db import make_engine
from kb.models import Municipality

KEPT: list = []  # stands in for a traceback or log record that keeps a half-read result alive


def _fill(engine, count: int = 300) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO municipality (nis, name, province, provisional_name) "
                                "VALUES (:nis, :name, 'Antwerpen', false)"),
                           [{"nis": f"{90000 + i}", "name": f"Gemeente {i}"} for i in range(count)])


def _fail_half_way(engine) -> None:
    try:
        with Session(engine) as session:
            result = session.exec(select(Municipality).order_by(Municipality.nis))
            KEPT.append(result)  # executed, not yet read: the page fails before it gets there
            raise RuntimeError("the page fails half-way")
    except RuntimeError:
        pass


def test_failed_unit_of_work_leaves_no_stale_snapshot(engine):
    _fill(engine)
    _fail_half_way(engine)
    other = make_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        with other.begin() as connection:
            connection.execute(text("UPDATE municipality SET name = 'Nieuw' WHERE nis = '90000'"))
        with Session(engine) as session:
            assert session.exec(select(Municipality.name).where(Municipality.nis == "90000")).one() == "Nieuw"
            session.exec(text("UPDATE municipality SET name = 'Nieuwer' WHERE nis = '90001'"))
            session.commit()
        with other.connect() as connection:
            assert connection.execute(text("SELECT name FROM municipality WHERE nis = '90001'")).scalar() == "Nieuwer"
    finally:
        KEPT.clear()
        other.dispose()
