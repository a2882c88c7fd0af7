"""Login, sessions, headers and the refusal to serve unsafely (issue #7).

- `check_startup`: production (APP_ENV=production or a non-loopback address) refuses to start
  without a secret key and an active admin account.
- `configure`: cookie flags, security headers on every response (a Content-Security-Policy
  Dash works under: scripts from this server plus the hashes of Dash's own inline scripts),
  generic error pages (no traceback, no SQL), and, when login is required, Flask-Login with
  a rate-limited login form and a gate in front of every page, callback and bundle.
- `current_account`: the account of this request (the demo account in `make run`).
"""

from __future__ import annotations

import html
import logging
import secrets
from typing import Any
from urllib.parse import quote, urlsplit

from dash import Dash
from dash.exceptions import DependencyException
from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    request,
    session,
)
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import urls
from dashboard.i18n import lang_or_default, t
from dashboard.queries import Scope, Warehouse
from dashboard.server.auth import DEMO, Account, AccountStore, scope_of
from dashboard.server.config import Settings

log = logging.getLogger(__name__)
MIN_SECRET = 32
LOGIN_PATH = urls.LOGIN
LOGOUT_PATH = urls.LOGOUT
# Reachable without an account: the login form, its stylesheet and favicon, the health check.
PUBLIC_PATHS = (LOGIN_PATH, LOGOUT_PATH, urls.HEALTH, "/_favicon.ico", "/favicon.ico")
PUBLIC_PREFIXES = ("/assets/",)
ASSET_ENDPOINT = "_dash_assets.static"  # Dash's static route for assets/ (a file, not a page)
SESSION_HOURS = 12
SESSION_VERSION = "atm_sv"  # the account's session version when this session logged in


class StartupRefused(RuntimeError):
    """The configuration is not safe to serve; the message says what to set."""


def check_startup(settings: Settings, store: AccountStore) -> None:
    """Refuse to serve for real without a secret key and an admin account."""
    if not settings.production:
        return
    problems = []
    if len(settings.secret_key or "") < MIN_SECRET:
        problems.append(
            f"ATM_SECRET_KEY debe tener al menos {MIN_SECRET} caracteres aleatorios "
            f"(p. ej. `python -c 'import secrets; print(secrets.token_hex(32))'`) "
            f"/ ATM_SECRET_KEY must hold at least {MIN_SECRET} random characters."
        )
    if store.active_admins() == 0:
        problems.append(
            "No hay ninguna cuenta admin: créela con `python -m dashboard users add <nombre> "
            "--rol admin` / there is no admin account: create one first."
        )
    if problems:
        where = f"{settings.host}, APP_ENV={settings.app_env}"
        raise StartupRefused(
            f"No se inicia en modo producción ({where}):\n- " + "\n- ".join(problems)
        )


def configure(app: Dash, settings: Settings, store: AccountStore) -> None:
    """Every protection of the Flask server under the Dash app."""
    server = app.server
    server.secret_key = settings.secret_key or secrets.token_hex(32)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        SESSION_COOKIE_NAME="atm_session",
        PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600,
        # The upload arrives base64-encoded inside a callback body (4/3 of the file) plus JSON.
        MAX_CONTENT_LENGTH=settings.upload_max_bytes * 4 // 3 + 1024 * 1024,
        ATM_LOGIN_REQUIRED=settings.login_required,
        ATM_DEMO=settings.demo,
    )
    if settings.proxy_hops:
        server.wsgi_app = ProxyFix(
            server.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    _headers(app, settings)
    _errors(server)
    if settings.login_required:
        _login(server, settings, store)


# ------------------------------------------------------------------ who is asking -----------


def current_account() -> Account | None:
    """The account of this request: the demo account without login, None when anonymous."""
    if not has_request_context():
        return None
    if not current_app.config.get("ATM_LOGIN_REQUIRED", False):
        return DEMO
    user = current_user
    return user if isinstance(user, Account) else None


def current_scope(wh: Warehouse) -> Scope:
    """The scope of this request's account, resolved once per request (outside a request
    nobody is asking: nothing)."""
    if not has_request_context():
        return Scope.nothing()
    if "atm_scope" not in g:
        g.atm_scope = scope_of(current_account(), wh)
    return g.atm_scope


def is_demo() -> bool:
    return has_request_context() and bool(current_app.config.get("ATM_DEMO", False))


# ------------------------------------------------------------------ headers and errors -------


def content_security_policy(script_hashes: list[str], tiles: str | None = None) -> str:
    """A CSP Dash works under: no inline script but Dash's own (by hash), no framing."""
    tile_origin = _origin(tiles)
    img = "'self' data: blob:" + (f" {tile_origin}" if tile_origin else "")
    connect = "'self'" + (f" {tile_origin}" if tile_origin else "")
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        # plotly.js and React set inline styles; styles cannot run code.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": img,
        "font-src": "'self' data:",
        "connect-src": connect,
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _headers(app: Dash, settings: Settings) -> None:
    """Security headers on every response; the CSP hashes are computed once, lazily (after
    every clientside callback has been registered)."""
    policy: dict[str, str] = {}

    def add_headers(response: Response) -> Response:
        if "csp" not in policy:
            policy["csp"] = content_security_policy(list(app.csp_hashes()), settings.map_tiles)
        response.headers["Content-Security-Policy"] = policy["csp"]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if settings.production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    app.server.after_request(add_headers)


def _errors(server: Flask) -> None:
    """Generic answers for failures: the detail goes to the log, never to the browser."""

    def internal(exc: InternalServerError) -> tuple[Response, int]:
        original = getattr(exc, "original_exception", None) or exc
        log.error("request %s failed", request.path, exc_info=original)
        return _error_body(500, "Error interno / internal error"), 500

    def too_large(_: RequestEntityTooLarge) -> tuple[Response, int]:
        return _error_body(413, "Archivo demasiado grande / file too large"), 413

    def no_such_file(exc: DependencyException) -> tuple[Response, int]:
        # Dash refuses a bundle path it did not register (a traversal, a made-up package).
        first = (str(exc).splitlines() or [""])[0][:200]
        log.warning("refused %s %s: %s", request.method, request.path, first)
        return _error_body(404, "No encontrado / not found"), 404

    server.register_error_handler(InternalServerError, internal)
    server.register_error_handler(RequestEntityTooLarge, too_large)
    server.register_error_handler(DependencyException, no_such_file)


def _error_body(status: int, message: str) -> Response:
    return jsonify({"status": status, "message": message})


# ------------------------------------------------------------------ login ---------------------


def _login(server: Flask, settings: Settings, store: AccountStore) -> None:
    """Flask-Login, the login and logout routes, and the gate in front of everything."""
    manager = LoginManager()
    # "basic": a changed address (mobile networks) marks the session non-fresh instead of
    # logging the user out.
    manager.session_protection = "basic"
    manager.init_app(server)
    # Every request: the account, only while the session's version is the account's current
    # one (logout, a new password, disabling or re-creating the account change it).
    manager.user_loader(
        lambda usuario: store.session_account(usuario, session.get(SESSION_VERSION))
    )
    limiter = Limiter(get_remote_address, app=server, storage_uri="memory://")

    def login() -> Any:
        lang = _request_lang()
        if request.method == "GET":
            return _login_page(lang, None, 200)
        if not _csrf_ok():
            return _login_page(lang, t("login.expired", lang), 400)
        account = store.verify(request.form.get("usuario", ""), request.form.get("clave", ""))
        if account is None:
            # The address only: a password typed into the user field must not reach the log.
            log.info("failed login from %s", get_remote_address())
            return _login_page(lang, t("login.failed", lang), 401)
        if not account.sesion:  # an account from before session versions (migration 0004)
            store.end_sessions(account.usuario)
            account = store.get(account.usuario) or account
        session.clear()  # a new session id on login (no fixation)
        session.permanent = True
        login_user(account)
        session[SESSION_VERSION] = account.sesion
        return redirect(_safe_next(request.args.get("next")))

    limited = limiter.limit(settings.login_rate, methods=["POST"])(login)
    server.add_url_rule(LOGIN_PATH, "login", limited, methods=["GET", "POST"])

    def logout() -> Any:
        """GET: a button that logs out (a link or an image cannot log anyone out); POST with
        the form's token: every session of the account ends, this one included."""
        lang = _request_lang()
        account = current_user if isinstance(current_user, Account) else None
        if request.method == "GET":
            return _logout_page(lang) if account else redirect(LOGIN_PATH)
        if not _csrf_ok():
            return _login_page(lang, t("login.expired", lang), 400)
        if account is not None:
            store.end_sessions(account.usuario)
        logout_user()
        session.clear()
        return redirect(LOGIN_PATH)

    server.add_url_rule(LOGOUT_PATH, "logout", logout, methods=["GET", "POST"])

    def too_many(_: RateLimitExceeded) -> tuple[str, int]:
        return _login_page(_request_lang(), t("login.too_many", _request_lang()), 429)

    server.register_error_handler(RateLimitExceeded, too_many)
    server.before_request(_gate)


def _gate() -> Any:
    """Nothing but the public paths without an account: pages go to the login form, data
    requests get 401."""
    path = request.path
    if path.startswith(PUBLIC_PREFIXES) and request.endpoint != ASSET_ENDPOINT:
        # "/assets/" itself (or a folder) matches Dash's catch-all page route: not a file.
        return _error_body(404, "No encontrado / not found"), 404
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if isinstance(current_user, Account) and current_user.is_active:
        return None
    if path.startswith("/_dash-") or request.method != "GET":
        return jsonify({"status": 401, "message": "Inicie sesión / log in"}), 401
    target = request.full_path.rstrip("?")
    return redirect(f"{LOGIN_PATH}?next={_quote(target)}")


def _quote(path: str) -> str:
    return quote(path, safe="/")


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):  # CR/LF: header injection
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def _request_lang() -> str:
    lang = request.args.get("lang") or request.accept_languages.best_match(["es", "en"]) or "es"
    return lang_or_default(lang)


def _csrf_ok() -> bool:
    """The form's token matches this session's (a new session gets a new one at login)."""
    expected = session.get("login_csrf")
    given = request.form.get("csrf", "")
    return bool(expected) and secrets.compare_digest(str(expected), given)


def _csrf_token() -> str:
    """One token per session: a second tab or a stray request must not invalidate the form."""
    if "login_csrf" not in session:
        session["login_csrf"] = secrets.token_urlsafe(32)
    return str(session["login_csrf"])


def _logout_page(lang: str) -> tuple[str, int]:
    """One button that posts the logout form with this session's token."""
    esc = html.escape
    body = f"""<form method="post" action="{LOGOUT_PATH}">
<input type="hidden" name="csrf" value="{_csrf_token()}">
<button class="btn btn-primary w-100" type="submit" id="logout-confirm">
{esc(t("nav.logout", lang))}</button></form>
<p class="mt-3"><a href="/?lang={lang}">{esc(t("common.back_overview", lang))}</a></p>"""
    return _plain_page(lang, t("logout.confirm", lang), body), 200


def _plain_page(lang: str, title: str, body: str) -> str:
    """A page outside Dash in the dashboard's look (login, logout)."""
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · {esc(t("app.title", lang))}</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css">
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="/_favicon.ico">
</head><body>
<nav class="navbar navbar-dark bg-primary mb-4 py-1"><div class="container-fluid">
<span class="navbar-brand fw-semibold">{esc(t("app.title", lang))}</span></div></nav>
<main class="container" style="max-width: 26rem">
<h1 class="h4 mb-3">{esc(title)}</h1>{body}</main></body></html>"""


def _login_page(lang: str, error: str | None, status: int) -> tuple[str, int]:
    """The login form, in the dashboard's look (its own stylesheet), with a fresh CSRF token."""
    token = _csrf_token()
    esc = html.escape
    alert = f'<div class="alert alert-danger" role="alert">{esc(error)}</div>' if error else ""
    action = esc(request.full_path.rstrip("?"), quote=True)
    other = "en" if lang == "es" else "es"
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(t("login.title", lang))} · {esc(t("app.title", lang))}</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css">
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="/_favicon.ico">
</head><body>
<nav class="navbar navbar-dark bg-primary mb-4 py-1"><div class="container-fluid">
<span class="navbar-brand fw-semibold">{esc(t("app.title", lang))}</span>
<a class="lang-link" href="{LOGIN_PATH}?lang={other}">{other.upper()}</a></div></nav>
<main class="container" style="max-width: 26rem">
<h1 class="h4 mb-3">{esc(t("login.title", lang))}</h1>{alert}
<form method="post" action="{action}" autocomplete="on">
<input type="hidden" name="csrf" value="{token}">
<div class="mb-3"><label class="form-label" for="usuario">{esc(t("login.user", lang))}</label>
<input class="form-control" id="usuario" name="usuario" autocomplete="username" required
 autofocus maxlength="64" autocapitalize="none"></div>
<div class="mb-3"><label class="form-label" for="clave">{esc(t("login.password", lang))}</label>
<input class="form-control" id="clave" name="clave" type="password" required
 autocomplete="current-password" maxlength="256"></div>
<button class="btn btn-primary w-100" type="submit">{esc(t("login.submit", lang))}</button>
</form><p class="text-muted small mt-3">{esc(t("login.help", lang))}</p></main></body></html>"""
    return page, status
