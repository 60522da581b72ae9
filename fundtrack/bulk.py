"""New records of one bulk writer (an import session, fundtrack.importsession), inserted in
batches instead of one by one.

The services add a new record with ``add``. Outside a batched import session that is
``db.session.add`` and the unit of work inserts it at the next flush. Within one
(``staging``), the record gets its
id at once (reserved from the table's sequence on PostgreSQL; after the table's largest id
on SQLite, whose write lock the transaction holds from its start) and its foreign keys
from the records it refers to, and stays out of the session: the rows are inserted with
one executemany per table, parents first, before the session runs any statement or flush
(so every check, lock and sum sees them) and when the block ends, in the same transaction.
The records are the services' own objects, so the rules, the change history and the
caches treat them as before; a record added within the block is not changed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter

import orjson
from sqlalchemy import JSON, event, inspect, text
from sqlalchemy.orm import RelationshipDirection

from .cache.version import note_write
from .extensions import db
from .importsession import ImportSession, current

#: Ids reserved from a PostgreSQL sequence at a time: the first block, then each block
#: twice the last, up to the largest (fewer round trips for a big table, a small gap
#: of unused ids for a small one).
ID_BLOCK = 1000
ID_BLOCK_MAX = 16000


@dataclass
class _Staged:
    #: table → its records not yet inserted, in the order added.
    records: dict = field(default_factory=dict)
    #: table → ids reserved and not yet given (PostgreSQL), or [the next id] (SQLite).
    ids: dict = field(default_factory=dict)
    #: table → the size of the last block of ids reserved (PostgreSQL).
    block: dict = field(default_factory=dict)
    #: table → the oid of its ids' sequence (PostgreSQL).
    sequences: dict = field(default_factory=dict)
    writing: bool = False
    postgresql: bool = False


def build(model, **values):
    """A new record of ``model`` with ``values``, for ``add``. Within a batched import
    session it is built without the ORM's attribute events (a staged record is written
    by ``write`` and never flushed, so nothing would read them: a tenth of a
    milestone's import, measured); otherwise by the model's constructor."""
    session = current()
    if session is None or session.staged is None:
        return model(**values)
    if not _attributes(model.__mapper__).issuperset(values):  # the constructor's refusal
        unknown = sorted(values.keys() - _attributes(model.__mapper__))
        raise TypeError(f"{model.__name__} has no attribute {unknown[0]!r}")
    record = model.__mapper__.class_manager.new_instance()
    record.__dict__.update(values)
    return record


@cache
def _attributes(mapper) -> frozenset[str]:
    return frozenset(mapper.attrs.keys())


def add(record) -> None:
    """Add a new record to the transaction (see the module's docstring)."""
    session = current()
    staged = session.staged if session is not None else None
    if staged is None:
        db.session.add(record)
        if session is not None:
            session.note_added(record)
        return
    # The record stays out of the session: its values are written straight into it,
    # without the ORM's change tracking (which only a flush would read).
    mapper = type(record).__mapper__
    references, defaults = _plan(mapper)
    values = record.__dict__
    for relationship, pairs in references:  # keys from the records referred to
        target = values.get(relationship)
        if target is not None:
            for local, remote in pairs:
                values[local] = getattr(target, remote)
    for attr, default in defaults:  # what the unit of work would insert for the rest
        values.setdefault(attr, default)
    table = mapper.local_table
    values["id"] = _next_id(staged, table)
    staged.records.setdefault(table, []).append(record)
    session.note_added(record)


@cache
def _plan(mapper):
    """A model's many-to-one references as (relationship, [(key attribute, the target's
    attribute)]), and each column attribute with the value inserted when it is unset."""
    references = [
        (rel.key, [(mapper.get_property_by_column(local).key,
                    rel.mapper.get_property_by_column(remote).key)
                   for local, remote in rel.local_remote_pairs])
        for rel in mapper.relationships if rel.direction is RelationshipDirection.MANYTOONE
    ]
    defaults = []
    for prop in mapper.column_attrs:
        default = prop.columns[0].default
        if default is not None and not default.is_scalar:
            raise TypeError(f"bulk.add cannot compute the default of {prop}")
        defaults.append((prop.key, default.arg if default is not None else None))
    return references, defaults


def _next_id(staged: _Staged, table) -> int:
    ids = staged.ids.get(table)
    if ids:
        return ids.pop() if staged.postgresql else _count(ids)
    connection = db.session.connection()
    if staged.postgresql:  # the next block of the sequence, taken in ascending order
        size = staged.block[table] = min(staged.block.get(table, ID_BLOCK // 2) * 2,
                                         ID_BLOCK_MAX)
        ids = staged.ids[table] = sorted(connection.scalars(
            text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)"),
            {"sequence": _sequence(staged, table), "n": size}), reverse=True)
        return ids.pop()
    largest = connection.scalar(text(f'SELECT max(id) FROM "{table.name}"'))
    return _count(staged.ids.setdefault(table, [(largest or 0) + 1]))


def _sequence(staged: _Staged, table) -> int:
    """The oid of the sequence of ``table``'s ids, looked up once (named in the
    statement that reserves a block, the lookup would run once per id reserved)."""
    if table not in staged.sequences:
        staged.sequences[table] = db.session.connection().scalar(
            text("SELECT CAST(CAST(pg_get_serial_sequence(:table, 'id') AS regclass) AS oid)"),
            {"table": table.name})
    return staged.sequences[table]


def _count(counter: list[int]) -> int:
    counter[0] += 1
    return counter[0] - 1


def write() -> None:
    """Insert the records added so far within ``staging`` (nothing outside it)."""
    session = current()
    staged = session.staged if session is not None else None
    if staged is None or not staged.records or staged.writing:
        return
    staged.writing = True
    try:
        for table in db.metadata.sorted_tables:  # parents before children
            records = staged.records.pop(table, None)
            if not records:
                continue
            mapper = inspect(records[0]).mapper
            columns = [c.key for c in table.columns]
            values = itemgetter(*(mapper.get_property_by_column(c).key
                                  for c in table.columns))
            insert_values(table, columns, (values(r.__dict__) for r in records))
    finally:
        staged.writing = False


def insert_values(table, columns: list[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` into ``table`` in the session's transaction, each row the values
    of the column keys ``columns`` in that order (two columns at least), each value
    converted by its column's type as an INSERT would: PostgreSQL's COPY, SQLite's
    executemany on the driver's own cursor (SQLAlchemy's executemany would build and
    process a parameter dict per row: a tenth of a county's import)."""
    connection = db.session.connection()
    dialect = connection.dialect
    converters = [_converter(table.columns[key], dialect) for key in columns]
    values = ([value if convert is None else convert(value)
               for value, convert in zip(row, converters, strict=True)] for row in rows)
    names = ", ".join(f'"{table.columns[key].name}"' for key in columns)
    note_write(connection)  # the driver's cursor passes no statement event
    cursor = connection.connection.driver_connection.cursor()
    if dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        try:
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                               values)
        finally:
            cursor.close()
        return
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in values:
            copy.write_row(row)


def _converter(column, dialect):
    """What an INSERT would bind for a value of ``column`` (None: the value itself).
    JSON is written by orjson (the change history's before and after: json.dumps took
    a tenth of an import on PostgreSQL); the same JSON, read back as the same values."""
    if isinstance(column.type, JSON):
        return _json_text
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _json_text(value) -> str:
    return orjson.dumps(value).decode()


@contextmanager
def staging(import_session: ImportSession) -> Iterator[None]:
    """Within it (entered by ``importsession.import_session``), ``add`` inserts in
    batches; what is left is inserted when the block ends (not when it raises: the
    transaction is then to be rolled back)."""
    session = db.session()
    import_session.staged = _Staged(
        postgresql=session.get_bind().dialect.name == "postgresql")
    event.listen(session, "do_orm_execute", _before_statement)
    event.listen(session, "before_flush", _before_flush)
    try:
        yield
        write()
    finally:
        event.remove(session, "do_orm_execute", _before_statement)
        event.remove(session, "before_flush", _before_flush)
        import_session.staged = None


def _before_statement(orm_execute_state) -> None:
    write()


def _before_flush(session, flush_context, instances) -> None:
    write()
