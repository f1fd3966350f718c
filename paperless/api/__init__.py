"""JSON API under /api/v1, described by /api/v1/openapi.json."""

from flask import Flask

from paperless.extensions import csrf


def register(app: Flask) -> None:
    from paperless.api import (  # noqa: F401  (add routes to bp)
        accounts,
        documents,
        minutes,
        opinions,
        oversight,
        projection,
        questioning,
        resolutions,
        statistics,
        votes,
    )
    from paperless.api.routes import bp

    # Bearer tokens are not sent by browsers on their own, so CSRF cannot ride on them.
    csrf.exempt(bp)
    app.register_blueprint(bp)
