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
CREW = {"admin", "crew"}
MODERATORS = {"admin", "moderator"}

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
    # bridge points (site token in the URL: anonymous views that look the token up)
    "bridges.phone": ANYONE,
    "bridges.counter_overlay": ANYONE,
    "bridges.board": {"admin", "crew"},
    "bridges.roll_call_export": {"admin", "crew"},
    "bridges.admin_sites": {"admin"},
    "bridges.admin_import": {"admin"},
    "bridges.admin_add": {"admin"},
    "bridges.admin_edit": {"admin"},
    "bridges.admin_active": {"admin"},
    "bridges.admin_rotate": {"admin"},
    "bridges.admin_cards": {"admin"},
    "bridges.admin_card": {"admin"},
    "bridges.admin_qr": {"admin"},
    "api.sites_summary": STAFF,
    "api.sites_list": STAFF,
    "api.bridges_board_state": {"admin", "crew"},
    "api.site_heartbeat": ANYONE,
    # questions
    "questions.console": {"admin", "moderator"},
    "questions.ask_public": ANYONE,
    "questions.ask_site": ANYONE,
    "questions.overlay": ANYONE,
    "questions.export_csv": {"admin", "moderator"},
    "questions.export_xlsx": {"admin", "moderator"},
    "questions.report_pdf": {"admin", "moderator"},
    "questions.site_summary": {"admin", "moderator"},
    "api.submit_question": ANYONE,
    "api.question_statuses": ANYONE,
    "api.list_questions": {"admin", "moderator"},
    "api.decide": {"admin", "moderator"},
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
    ("/moderation", "answered"): MODERATORS,
    ("/moderation", "approve"): MODERATORS,
    ("/moderation", "claim"): MODERATORS,
    ("/moderation", "edit"): MODERATORS,
    ("/moderation", "get_queue"): MODERATORS,
    ("/moderation", "list_questions"): MODERATORS,
    ("/moderation", "merge_questions"): MODERATORS,
    ("/moderation", "off_air"): MODERATORS,
    ("/moderation", "on_air"): MODERATORS,
    ("/moderation", "open_question"): MODERATORS,
    ("/moderation", "reject"): MODERATORS,
    ("/moderation", "release"): MODERATORS,
    ("/moderation", "reorder_queue"): MODERATORS,
    ("/moderation", "set_agenda_item"): MODERATORS,
    ("/moderation", "set_tags"): MODERATORS,
    ("/crew", "incident_ack"): CREW,
    ("/crew", "incident_resolve"): CREW,
    ("/crew", "roll_call_start"): CREW,
    ("/crew", "roll_call_close"): CREW,
    ("/crew", "site_message_send"): CREW,
    ("/crew", "site_detail"): CREW,
    ("/site", "site_check_in"): {"site"},
    ("/site", "site_heartbeat"): {"site"},
    ("/site", "site_report"): {"site"},
    ("/site", "roll_call_confirm"): {"site"},
    ("/public", "follow_questions"): ANYONE,
}
