"""fundtrack: the ledger (台账) of integrated agricultural funding, project by project."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config
from .extensions import csrf, db, login_manager, migrate

PACKAGE_DIR = Path(__file__).parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def _templates_dir() -> Path:
    # Installed: the top-level templates/ folder ships as fundtrack/templates.
    # Source checkout: it sits beside the package.
    inside = PACKAGE_DIR / "templates"
    return inside if inside.is_dir() else PACKAGE_DIR.parent / "templates"


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """The app. Its instance folder (database, secret key) is ``instance_path`` when given
    (the tests give one), else the data folder (config.data_folder: FUNDTRACK_DATA)."""
    app = Flask(
        __name__,
        instance_path=instance_path or str(config.data_folder()),
        instance_relative_config=True,
        template_folder=str(_templates_dir()),
        static_folder="static",
    )
    app.config.update(config.load(app.instance_path))
    if test_config:
        app.config.update(test_config)
        if "SQLALCHEMY_DATABASE_URI" in test_config:
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.engine_options(
                test_config["SQLALCHEMY_DATABASE_URI"]
            )

    register_extensions(app)
    register_request_hooks(app)
    # before any route: an <int:...> id beyond what a key column holds is no such thing
    # (404), not a number the database cannot take (500)
    from .web import RecordId

    app.url_map.converters["int"] = RecordId
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import cache, database  # noqa: F401  (database: SQLite transaction handling)
    from .models import import_all

    import_all()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录"
    cache.init_app(app)


def register_request_hooks(app: Flask) -> None:
    from . import security, web

    web.register(app)
    security.register(app)


def register_blueprints(app: Flask) -> None:
    from . import api
    from .accounts import admin, views
    from .assets import views as assets
    from .attachments import views as attachments
    from .charts import monthly as monthly_report
    from .charts import views as charts
    from .contracts import views as contracts
    from .disclosure import views as disclosure
    from .funds import views as funds
    from .history import views as history
    from .ledger import views as ledger
    from .main import bp as main_bp
    from .milestones import views as milestones
    from .performance import views as performance
    from .periods import views as periods
    from .projects import units
    from .projects import views as projects
    from .rectification import views as rectification
    from .reporting import views as reporting
    from .settings import views as settings
    from .treasury import views as treasury
    from .wallchart import views as wallchart
    from .warnings import views as warnings
    from .workbook import exporting
    from .workbook import views as workbook
    from .workbook.mapping import views as county_import

    app.register_blueprint(main_bp)
    for module in (views, admin, projects, funds, milestones, ledger, workbook, history, settings,
                   warnings, rectification, wallchart, charts, monthly_report, disclosure,
                   periods, attachments, reporting, units, treasury, contracts,
                   county_import, performance, assets, exporting):
        app.register_blueprint(module.bp)
    api.register(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
