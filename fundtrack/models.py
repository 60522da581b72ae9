"""Imports every model module so that the metadata (and Alembic) sees all tables."""


def import_all() -> None:
    from .accounts import models as _accounts  # noqa: F401
    from .assets import models as _assets  # noqa: F401
    from .attachments import models as _attachments  # noqa: F401
    from .cache import models as _cache  # noqa: F401
    from .contracts import models as _contracts  # noqa: F401
    from .funds import models as _funds  # noqa: F401
    from .history import models as _history  # noqa: F401
    from .milestones import models as _milestones  # noqa: F401
    from .performance import models as _performance  # noqa: F401
    from .periods import models as _periods  # noqa: F401
    from .projects import models as _projects  # noqa: F401
    from .rectification import models as _rectification  # noqa: F401
    from .reporting import models as _reporting  # noqa: F401
    from .settings import models as _settings  # noqa: F401
    from .treasury import models as _treasury  # noqa: F401
    from .workbook.mapping import models as _import_mappings  # noqa: F401


def data_tables() -> list:
    """Every table holding the county's data, in dependency order: all but the data's
    version (fundtrack/cache), which each database keeps for itself and a restore
    replaces by writing."""
    from .cache.models import DataVersion
    from .extensions import db

    return [t for t in db.metadata.sorted_tables if t is not DataVersion.__table__]
