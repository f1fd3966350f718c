"""Server-rendered pages: thin controllers that call the service functions."""

from flask import Flask, flash, g, redirect, render_template, request

from paperless.services.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    ServiceError,
    Unauthorized,
)


def register(app: Flask) -> None:
    from paperless.web import (
        accounts,
        auth,
        councils,
        delegates,
        documents,
        home,
        live,
        meetings,
        opinions,
        oversight,
        questioning,
        records,
        resolutions,
    )

    auth.init_app(app)
    for module in (auth, accounts, home, councils, delegates, meetings, documents, live,
                   questioning, resolutions, records, oversight, opinions):
        app.register_blueprint(module.bp)

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        response = _service_error_response(exc)
        wait = exc.details.get("retry_after") if isinstance(exc.details, dict) else None
        if exc.status == 429 and isinstance(wait, int | float):
            response = app.make_response(response)
            response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
        return response

    def _service_error_response(exc: ServiceError):
        if request.path.startswith("/api/"):
            from paperless.http_errors import error_response

            return error_response(exc.status, exc.code, exc.message, exc.details)
        if isinstance(exc, Unauthorized):
            return redirect("/login")
        if isinstance(exc, (NotFound, Forbidden, RateLimited)) or request.method == "GET":
            return render_template("error.html", status=exc.status, message=exc.message), exc.status
        # A refused form: say why on the page the user came from; nothing was stored.
        flash(exc.message, "error")
        from paperless.web.forms import back

        return redirect(back())

    for status, message in ((403, "Bạn không có quyền truy cập trang này."),
                            (404, "Không tìm thấy trang."),
                            (405, "Phương thức không được hỗ trợ."),
                            (413, "Tệp tải lên quá lớn."),
                            (500, "Lỗi máy chủ. Vui lòng thử lại.")):
        app.register_error_handler(status, _page_error(status, message))

    @app.template_filter("local_time")
    def _local_time(value, fmt="%H:%M %d/%m/%Y"):
        """A stored UTC instant as the council being worked in reads it."""
        from paperless.domain import clock

        council = g.get("council")
        return clock.short_text(value, council.time_zone if council else None, fmt)

    @app.context_processor
    def _layout_context():
        from flask_babel import get_locale

        from paperless.domain import labels
        from paperless.web.js_catalogue import catalogue_json

        return {"actor": g.get("actor"), "current_council": g.get("council"), "L": labels,
                "get_locale": get_locale, "council_names": g.get("council_names", {}),
                "js_catalogue": catalogue_json}


def _page_error(status: int, message: str):
    def handler(_exc):
        if request.path.startswith("/api/"):
            from paperless.http_errors import error_response, http_code

            return error_response(status, http_code(status), message)
        return render_template("error.html", status=status, message=message), status

    return handler
