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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import RelationshipDirection

from .cache.version import note_write
from .extensions import db
from .importsession import ImportSession, current

#: Ids reserved from a PostgreSQL sequence at a time.
ID_BLOCK = 1000


@dataclass
class _Staged:
    #: table → its records not yet inserted, in the order added.
    records: dict = field(default_factory=dict)
    #: table → ids reserved and not yet given (PostgreSQL), or [the next id] (SQLite).
    ids: dict = field(default_factory=dict)
    writing: bool = False
    postgresql: bool = False


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
        if attr not in values:
            values[attr] = default
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
        ids = staged.ids[table] = sorted(connection.scalars(
            select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))
            .select_from(func.generate_series(1, ID_BLOCK))
        ), reverse=True)
        return ids.pop()
    largest = connection.scalar(text(f'SELECT max(id) FROM "{table.name}"'))
    return _count(staged.ids.setdefault(table, [(largest or 0) + 1]))


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
            keys = [(c.key, mapper.get_property_by_column(c).key) for c in table.columns]
            insert_rows(table, [
                {column: r.__dict__[attr] for column, attr in keys} for r in records
            ])
    finally:
        staged.writing = False


def insert_rows(table, rows: list[dict]) -> None:
    """Insert ``rows`` (column key → value) into ``table`` in the session's transaction:
    PostgreSQL's COPY, with each value converted by its column's type as an INSERT
    would; SQLite's executemany."""
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        for start in range(0, len(rows), _CHUNK):
            connection.execute(table.insert(), rows[start:start + _CHUNK])
        return
    columns = [c for c in table.columns if c.key in rows[0]] if rows else []
    converters = [(c.key, c.type.dialect_impl(dialect).bind_processor(dialect))
                  for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    note_write(connection)  # COPY passes no statement event: the data's version changes
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[key] if convert is None else convert(row[key])
                            for key, convert in converters])


#: Rows per executemany on SQLite.
_CHUNK = 5000


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
