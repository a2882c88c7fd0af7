"""`python app.py`: serve the dashboard on HOST:PORT (default 127.0.0.1:8050), debug off."""

from __future__ import annotations

from dashboard import create_app
from dashboard.config import Settings


def main() -> None:
    """Build the app from the environment and serve it."""
    settings = Settings()
    app = create_app(settings)
    app.run(host=settings.host, port=settings.port, debug=False)


if __name__ == "__main__":
    main()
