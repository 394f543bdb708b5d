"""Flask extensions, created here and initialised in the app factory.

Owns the single instances of the database, Socket.IO server, migrations, i18n and CSRF
protection. Nothing here knows about a particular app.
"""

from flask_babel import Babel
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
