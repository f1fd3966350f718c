"""The WSGI app for production servers: `gunicorn -k gevent paperless.wsgi:app`.

gunicorn's gevent worker monkey-patches the standard library before it imports this
module, which is why the app is built here and not in `paperless/__init__.py`.
"""

from paperless import create_app

app = create_app()
