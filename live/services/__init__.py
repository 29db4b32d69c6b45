"""Every write of the live classroom. Views and the WebSocket consumer call these.

`attendance_for_session(session, *, now=None) -> list[AttendanceRow]` is one session's
attendance for the room's page; the rule it applies is `live.attendance_rule.attendance_verdict`,
which the reports call too.
"""

from live.services.attendance import (
    ABSENT,
    LATE,
    PRESENT,
    AttendanceRow,
    attendance_for_session,
    attendance_join,
    attendance_leave,
    attendance_reap,
    attendance_reap_due,
    attendance_summary,
    attendance_touch,
    online_users,
    session_window,
)
from live.services.blocklist import blocklist_seed_starter, contains_link, find_blocked_term
from live.services.chat import (
    REACTIONS,
    chat_message_delete,
    chat_message_post,
    message_report,
    reaction_counts,
    reaction_set,
)
from live.services.errors import ERROR_CODES, LiveError
from live.services.qa import (
    poll_close,
    poll_counts,
    poll_open,
    poll_vote,
    question_answer,
    question_ask,
    question_upvote,
)
from live.services.room import (
    hand_set,
    live_session_end,
    live_session_open_if_due,
    live_session_start,
    live_session_video_link_set,
    member_access_revoke,
    member_mute,
    member_readmit,
    member_remove,
    room_settings_update,
)
from live.services.sessions import live_session_ensure

__all__ = [
    "ABSENT", "LATE", "PRESENT", "REACTIONS", "ERROR_CODES", "AttendanceRow", "LiveError",
    "attendance_for_session", "attendance_join", "attendance_leave",
    "attendance_reap", "attendance_reap_due", "attendance_summary", "attendance_touch", "online_users", "session_window",
    "blocklist_seed_starter", "contains_link", "find_blocked_term",
    "chat_message_delete", "chat_message_post", "message_report", "reaction_counts", "reaction_set",
    "poll_close", "poll_counts", "poll_open", "poll_vote", "question_answer", "question_ask", "question_upvote",
    "hand_set", "live_session_end", "live_session_open_if_due", "live_session_start", "member_access_revoke",
    "member_mute",
    "member_readmit", "member_remove", "room_settings_update", "live_session_video_link_set", "live_session_ensure",
]
