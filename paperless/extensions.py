"""Flask extensions, created unbound and initialised by the app factory."""

from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
socketio = SocketIO()
