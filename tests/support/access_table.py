"""Who may call what: the explicit access table every route and socket event is checked
against (tests/core/test_access_table.py). A new route or socket handler fails that test
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
    "auth.change_password": STAFF,
    "home.index": ANYONE,  # redirects anonymous callers to /login
    "home.healthz": ANYONE,
    "admin.dashboard": {"admin"},
    "admin.create_event": {"admin"},
    "admin.create_user": {"admin"},
    "admin.create_token": {"admin"},
    "admin.revoke_token": {"admin"},
    "admin.deactivate_user": {"admin"},
    "admin.reactivate_user": {"admin"},
    "admin.reset_password": {"admin"},
    "admin.end_user_sessions": {"admin"},
    "api.me": STAFF,
    "api.events": STAFF,
    "api.ownership_state": {"admin"},
    "api.overview": CREW,
    "wall.wall": CREW,
    "api.openapi": ANYONE,
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
    "bridges.short_code": ANYONE,  # the /p form: a card's short code → the site's page
    "bridges.site_chat_photo": ANYONE,  # the site token in the URL: its own conversation's photos only
    "bridges.crew_chat_photo": CREW,
    "api.alert_ack": CREW,
    "api.bridges_readiness": CREW,
    "api.crew_chat_send": CREW,
    "api.crew_chat_read": CREW,
    "api.crew_chat_history": CREW,
    "api.site_chat_send": {"site"},
    "api.site_chat_read": {"site"},
    "api.site_chat_history": {"site"},
    "api.sites_summary": STAFF,
    "api.sites_list": STAFF,
    "api.bridges_board_state": {"admin", "crew"},
    "api.incident_ack": CREW,
    "api.incident_resolve": CREW,
    "api.roll_call_start": CREW,
    "api.roll_call_close": CREW,
    "api.site_message_send": CREW,
    "api.site_detail": CREW,
    # a site's phone: the site token in the path (anything else is 404 invalid_site_token)
    "api.site_heartbeat": {"site"},
    "api.site_check_in": {"site"},
    "api.site_report": {"site"},
    "api.roll_call_confirm": {"site"},
    "api.site_state": {"site"},
    # questions
    "questions.console": {"admin", "moderator"},
    "questions.ask_public": ANYONE,
    "questions.answers_public": ANYONE,
    "questions.ask_site": ANYONE,
    "questions.overlay": ANYONE,
    "questions.export_csv": {"admin", "moderator"},
    "questions.export_xlsx": {"admin", "moderator"},
    "questions.export_data_csv": {"admin", "moderator"},
    "questions.report_pdf": {"admin", "moderator"},
    "questions.site_summary": {"admin", "moderator"},
    "questions.chair": STAFF,
    "questions.chair_by_key": ANYONE,
    "questions.accountability": {"admin", "moderator"},
    "api.questions_accountability": MODERATORS,
    "api.synthesis_pdf_download": MODERATORS,
    "api.synthesis_docx_download": MODERATORS,
    "api.accountability_xlsx_download": MODERATORS,
    "api.submit_question": ANYONE,
    "api.question_statuses": ANYONE,
    "api.list_questions": MODERATORS,
    "api.open_question": MODERATORS,
    "api.get_queue": MODERATORS,
    "api.reorder_queue": MODERATORS,
    "api.merge_questions": MODERATORS,
    "api.question_duplicates": MODERATORS,
    "api.bulk_questions": MODERATORS,
    "api.answer_question": MODERATORS,
    "api.open_questions": ANYONE,
    "api.published_answers": ANYONE,
    "api.upvote_question": ANYONE,
    "api.site_upvote_question": {"site"},
    "api.chair_snapshot": STAFF,
    "api.chair_revoke_links": STAFF,
    "api.chair_key_snapshot": ANYONE,  # the chair link's key in the path (404 invalid_chair_key otherwise)
    "api.question_approve": MODERATORS,
    "api.question_reject": MODERATORS,
    "api.question_edit": MODERATORS,
    "api.question_set_tags": MODERATORS,
    "api.question_set_agenda_item": MODERATORS,
    "api.question_on_air": MODERATORS,
    "api.question_off_air": MODERATORS,
    "api.question_answered": MODERATORS,
    "api.question_claim": MODERATORS,
    "api.question_release": MODERATORS,
    "api.list_themes": MODERATORS,
    "api.refresh_themes": MODERATORS,
    "api.rename_theme": MODERATORS,
    "api.merge_themes": MODERATORS,
    "api.move_to_theme": MODERATORS,
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
    ("/chair", "connect"): STAFF,  # or a chair link's key (auth={"key": ...}), read-only
    ("/chair", "chair_snapshot"): STAFF,
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
    ("/moderation", "question_viewing"): MODERATORS,
    ("/moderation", "duplicates"): MODERATORS,
    ("/moderation", "bulk_questions"): MODERATORS,
    ("/moderation", "accountability"): MODERATORS,
    ("/moderation", "list_themes"): MODERATORS,
    ("/moderation", "refresh_themes"): MODERATORS,
    ("/moderation", "rename_theme"): MODERATORS,
    ("/moderation", "merge_themes"): MODERATORS,
    ("/moderation", "move_to_theme"): MODERATORS,
    ("/moderation", "answer_question"): MODERATORS,
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
    ("/crew", "alert_ack"): CREW,
    ("/crew", "readiness"): CREW,
    ("/crew", "site_chat_send"): CREW,
    ("/crew", "site_chat_read"): CREW,
    ("/crew", "site_chat_history"): CREW,
    ("/site", "site_chat_send"): {"site"},
    ("/site", "site_chat_read"): {"site"},
    ("/site", "site_chat_history"): {"site"},
    ("/site", "site_check_in"): {"site"},
    ("/site", "site_heartbeat"): {"site"},
    ("/site", "site_report"): {"site"},
    ("/site", "roll_call_confirm"): {"site"},
    ("/public", "follow_questions"): ANYONE,
    ("/public", "submit_question"): ANYONE,
    ("/public", "open_questions"): ANYONE,
    ("/public", "upvote_question"): ANYONE,
    ("/site", "upvote_question"): {"site"},
}

# agenda, slides, documents, overlays, public agenda, OBS control
HTTP.update(
    {
        "agenda.create_item": {"admin"},
        "agenda.delete_item": {"admin"},
        "agenda.edit": {"admin"},
        "agenda.export_agenda": CREW,
        "agenda.import_agenda": {"admin"},
        "agenda.panel": CREW,
        "agenda.update_item": {"admin"},
        "api.agenda_get": STAFF,
        "api.agenda_next": CREW,
        "api.agenda_order": {"admin"},
        "api.agenda_take": CREW,
        "api.agenda_timer_nudge": CREW,
        "api.agenda_timer_pause": CREW,
        "api.agenda_timer_resume": CREW,
        "api.agenda_timer_thresholds": CREW,
        "api.agenda_undo": CREW,
        "api.lower_third_set": CREW,
        "api.agenda_speaker_message": CREW,
        "api.documents_get": STAFF,
        "api.obs_cut": CREW,
        "api.obs_preview": CREW,
        "api.obs_record": CREW,
        "api.obs_scene": CREW,
        "api.obs_scene_pack": CREW,
        "api.obs_state": CREW,
        "api.obs_stream": CREW,
        "api.obs_take": CREW,
        "api.obs_studio_mode": CREW,
        "api.obs_transition": CREW,
        "api.obs_stream_target": CREW,
        "api.obs_mute": CREW,
        "api.obs_media": CREW,
        "api.obs_volume": CREW,
        "api.obs_text": CREW,
        "api.list_slides": CREW,
        "api.slide_next": CREW,
        "api.slide_prev": CREW,
        "api.slide_goto": CREW,
        "api.upload_slides": CREW,
        "control.panel": CREW,
        "documents.create": {"admin"},
        "documents.manage": {"admin"},
        "documents.new_version": {"admin"},
        "documents.open_document": ANYONE,
        "documents.phone_list": ANYONE,
        "documents.qr": ANYONE,
        "documents.sheet": {"admin"},
        "documents.rename": {"admin"},
        "documents.publish": {"admin"},
        "documents.delete": {"admin"},
        "obs_settings.edit": {"admin"},
        "obs_settings.save": {"admin"},
        "overlays.clock": ANYONE,
        "overlays.index": CREW,
        "overlays.logo": ANYONE,
        "overlays.lower_third": ANYONE,
        "overlays.slide_view": ANYONE,
        "overlays.speaker": ANYONE,
        "overlays.theme": {"admin"},
        "overlays.ticker": ANYONE,
        "public_agenda.agenda": ANYONE,
        "slides.image": ANYONE,
        "slides.thumb": ANYONE,
        "slides.upload": CREW,
    }
)

SOCKET.update(
    {
        ("/crew", "agenda_next"): CREW,
        ("/crew", "agenda_take"): CREW,
        ("/crew", "agenda_undo"): CREW,
        ("/crew", "lower_third_set"): CREW,
        ("/crew", "speaker_message"): CREW,
        ("/crew", "obs_apply_scene_pack"): CREW,
        ("/crew", "obs_cut"): CREW,
        ("/crew", "obs_media"): CREW,
        ("/crew", "obs_mute"): CREW,
        ("/crew", "obs_volume"): CREW,
        ("/crew", "obs_record"): CREW,
        ("/crew", "obs_set_preview"): CREW,
        ("/crew", "obs_state"): CREW,
        ("/crew", "obs_stream"): CREW,
        ("/crew", "obs_stream_target"): CREW,
        ("/crew", "obs_studio_mode"): CREW,
        ("/crew", "obs_take"): CREW,
        ("/crew", "obs_take_scene"): CREW,
        ("/crew", "obs_text"): CREW,
        ("/crew", "obs_transition"): CREW,
        ("/crew", "obs_unwatch_thumbnails"): CREW,
        ("/crew", "obs_watch_thumbnails"): CREW,
        ("/crew", "list_slides"): CREW,
        ("/crew", "slide_goto"): CREW,
        ("/crew", "slide_next"): CREW,
        ("/crew", "slide_prev"): CREW,
        ("/crew", "timer_nudge"): CREW,
        ("/crew", "timer_pause"): CREW,
        ("/crew", "timer_resume"): CREW,
        ("/crew", "timer_thresholds"): CREW,
    }
)

# restream to fan pages (server/services/restream/commands.py): admin manages, crew pushes
HTTP.update(
    {
        "api.destinations_list": CREW,
        "api.destination_create": {"admin"},
        "api.destination_update": {"admin"},
        "api.destination_delete": {"admin"},
        "api.destination_start": CREW,
        "api.destination_stop": CREW,
        "api.restream": CREW,
    }
)

SOCKET.update(
    {
        ("/crew", "destinations_list"): CREW,
        ("/crew", "destination_create"): {"admin"},
        ("/crew", "destination_update"): {"admin"},
        ("/crew", "destination_delete"): {"admin"},
        ("/crew", "destination_start"): CREW,
        ("/crew", "destination_stop"): CREW,
        ("/crew", "restream"): CREW,
    }
)

# archive: recording chapters and the as-run log
HTTP.update(
    {
        "api.recording_chapters": CREW,
        "api.recording_chapters_export": CREW,
        "api.recording_chapters_mux": CREW,
        "api.asrun_log": CREW,
        "archive.chapters_download": CREW,
        "archive.as_run_download": CREW,
    }
)
SOCKET.update(
    {
        ("/crew", "recording_chapters"): CREW,
        ("/crew", "recording_chapters_export"): CREW,
        ("/crew", "recording_chapters_mux"): CREW,
        ("/crew", "asrun_log"): CREW,
    }
)

# the standby OBS (server/services/standby/commands.py): crew reads and switches, admin sets it up
HTTP.update(
    {
        "obs_settings.save_standby": {"admin"},
        "api.standby_state": CREW,
        "api.standby_settings": {"admin"},
        "api.standby_switch": CREW,
    }
)

SOCKET.update(
    {
        ("/crew", "standby_state"): CREW,
        ("/crew", "standby_settings"): {"admin"},
        ("/crew", "standby_switch"): CREW,
    }
)
