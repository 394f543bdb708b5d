"""Who may call what: the explicit access table every route and socket event is checked
against (tests/scale/test_access_table.py). A new route or socket handler fails that test
until it is added here, so nothing slips in unguarded.

Roles: "anonymous" (anyone), "site" (a bridge-point phone with its site token),
"moderator", "crew", "admin" (admin passes every staff check). Values are what the view's
``allowed_roles`` says (``role_required`` / ``token_required`` / ``staff_event`` /
``public_event``), anonymous views have none.
"""

ANYONE = {"anonymous"}
STAFF = {"admin", "crew", "moderator"}

HTTP = {
    "static": ANYONE,
    "auth.login": ANYONE,
    "auth.logout": ANYONE,
    "auth.set_language": ANYONE,
    "home.index": ANYONE,  # redirects anonymous callers to /login
    "home.healthz": ANYONE,
    "admin.dashboard": {"admin"},
    "admin.create_event": {"admin"},
    "admin.create_user": {"admin"},
    "admin.create_token": {"admin"},
    "admin.revoke_token": {"admin"},
    "api.me": STAFF,
    "api.events": STAFF,
    "api.ownership_state": {"admin"},
}

# (namespace, event) -> roles. Connect handlers are the namespace's admission policy
# (server/realtime/connections.py); every other event names its handler's roles.
SOCKET = {
    ("/crew", "connect"): {"admin", "crew"},
    ("/moderation", "connect"): {"admin", "moderator"},
    ("/admin", "connect"): {"admin"},
    ("/public", "connect"): ANYONE,
    ("/overlay", "connect"): ANYONE,
    ("/site", "connect"): {"site"},
}
