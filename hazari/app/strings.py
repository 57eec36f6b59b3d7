"""Every string the phone app shows, in the project's gettext catalogue.

The app's JavaScript must work offline, so it cannot ask the server for a translation: the
shell page carries this catalogue in both languages as JSON (`catalogue()`), and the service
worker caches the shell. The strings live here, in Python, so that `make messages` collects
them with the rest and the completeness test (hazari/tests/test_i18n.py) covers them; several
are the same msgids as the web form's, so the two read alike. Placeholders are Python's
%(name)s, filled in by the app (static/app/js/i18n.js).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

STRINGS = {
    # The frame: header, navigation, network.
    "app_name": _("Hazari"),
    "nav_today": _("Today"),
    "nav_history": _("Last 30 days"),
    "nav_logout": _("Log out"),
    "online": _("Online"),
    "offline": _("Offline"),
    "to_send": _("To send: %(count)s"),
    "offline_ready": _("Ready to work without the network."),
    "language": _("Language"),
    # Log-in.
    "login_title": _("Log in to Hazari"),
    "login_intro": _(
        "Log in once while you have the network. After that the app works without it, "
        "also after the phone restarts."
    ),
    "user_id": _("User ID"),
    "user_id_help": _("Employee code, or the school's UDISE code."),
    "password": _("Password"),
    "login_button": _("Log in"),
    "login_offline": _("There is no network. Logging in needs the network once."),
    "server_unreachable": _("The server could not be reached. Try again in a while."),
    "login_not_school": _(
        "This app is for a school's head master and teachers. Officers use the Hazari website."
    ),
    "loading_school": _("Loading your school's details…"),
    "session_ended": _(
        "Your log-in has ended. Log in again: the entries saved on this phone are kept."
    ),
    # Today.
    "today_title": _("Today's attendance"),
    "window_before": _("Entry opens at %(time)s."),
    "window_on_time": _("On time until %(time)s: %(left)s left."),
    "window_late": _("Now counted as late. Entry closes at %(time)s: %(left)s left."),
    "window_closed": _("Entry for the day closed at %(time)s."),
    "hours_minutes": _("%(h)s h %(m)s min"),
    "minutes": _("%(m)s min"),
    "not_school_day": _("No attendance is taken on this day: %(why)s."),
    "clock_wrong": _(
        "The phone's clock is wrong by %(minutes)s minutes. Set the right date and time in "
        "the phone's settings: an entry saved with a wrong clock does not count until an "
        "officer checks it."
    ),
    "class_n": _("Class %(n)s"),
    "boys": _("Boys"),
    "girls": _("Girls"),
    "third_gender": _("Third gender"),
    "enrolled_n": _("enrolled: %(n)s"),
    "more_than_enrolled": _("More than the %(n)s enrolled."),
    "required_count": _("Enter the number present (0 if none)."),
    "present_of_enrolled": _("Present: %(present)s of %(enrolled)s"),
    "students_present": _("Students present"),
    "staff": _("Staff"),
    "no_staff": _("No staff are posted at this school."),
    "staff_P": _("Present"),
    "staff_A": _("Absent"),
    "staff_L": _("On leave"),
    "staff_D": _("On official duty"),
    # The student-wise roll call (rollcall.js).
    "roll_call": _("Roll call"),
    "roll_help": _(
        "Everyone is marked present. Tap a child who is absent; tap again to mark present."
    ),
    "roll_help_late": _(
        "Everyone is marked present. Tap a child who is absent; tap again for late, again for "
        "left early, and once more for present."
    ),
    "roll_empty": _("No student of this class is on the register today."),
    "roll_absent": _("Absent: %(n)s"),
    "roll_late": _("Late: %(n)s"),
    "roll_left_early": _("Left early: %(n)s"),
    "roll_present_by_gender": _("Present: %(counts)s"),
    "mark_P": _("Present"),
    "mark_A": _("Absent"),
    "mark_L": _("Late"),
    "mark_E": _("Left early"),
    "gender_M": _("Boy"),
    "gender_F": _("Girl"),
    "gender_T": _("Third gender"),
    "section_x": _("Section %(x)s"),
    "meals": _("Meals served"),
    "meals_help": _("Students present in classes 1–8: %(n)s."),
    "meals_too_many": _(
        "Meals served (%(meals)s) are more than the students present in classes 1–8 (%(present)s)."
    ),
    "meals_reason": _("If no meal was served: why"),
    "meals_were_served": _("Meals were served"),
    "meals_note": _("Note on the meals"),
    "meals_reason_with_meals": _("Give a reason only when no meal was served."),
    "meals_reason_missing": _("No meal was served: choose the reason."),
    "meals_note_missing": _("Write what the reason was."),
    "reason": _("Reason for the correction"),
    "reason_required": _("Give the reason for the correction."),
    "save": _("Save attendance"),
    "save_correction": _("Save the correction"),
    "correct": _("Correct today's attendance"),
    "cancel": _("Cancel"),
    "fix_errors": _("Correct the marked fields first."),
    # The state of a capture in the outbox.
    "state_saved": _("Saved on the phone; waiting to upload"),
    "state_sending": _("Uploading…"),
    "state_uploaded": _("Uploaded ✓"),
    "state_held": _("Uploaded, but held for an officer's review"),
    "state_rejected": _("Not accepted"),
    "state_conflict": _("Not accepted: the server has another entry with this ID"),
    "do_held": _(
        "It counts only once an officer approves it. If the phone's clock was wrong, set it "
        "right in the phone's settings."
    ),
    "do_rejected": _("Correct the entry and save it again."),
    "do_conflict": _("Enter the attendance again; it will be sent as a new entry."),
    "version_n": _("Version %(n)s"),
    "saved_at": _("Saved on the phone at %(time)s"),
    "uploaded_at": _("Uploaded at %(time)s"),
    "retry_in": _("No network, or the server did not answer. Trying again in %(left)s."),
    "seconds": _("%(s)s s"),
    "send_now": _("Send now"),
    # The follow-up of absent children (followup.js).
    "nav_followup": _("Follow-up"),
    "fu_title": _("Follow-up of absent children"),
    "fu_open_n": _("Follow-up of absent children: %(n)s"),
    "fu_intro": _(
        "Children who keep missing school. Find out why, record what you did and whether the "
        "child came back. This works without the network too."
    ),
    "fu_not_loaded": _("The list is not on this phone yet: connect to the network once."),
    "fu_empty": _("No child needs following up."),
    "fu_days_absent": _("Absent %(absent)s of %(marked)s days"),
    "fu_in_a_row": _("%(n)s in a row"),
    "fu_attendance": _("present %(pct)s%%"),
    "fu_tier_chronic": _("Chronic"),
    "fu_tier_severe": _("Severe"),
    "fu_reason_in_a_row": _("Absent on the last %(n)s or more days in a row"),
    "fu_reason_below": _("Present on less than %(pct)s%% of the days"),
    "fu_nothing_yet": _("Nothing recorded yet"),
    "fu_not_on_list": _("This child is no longer on the school's list to follow up."),
    "fu_now": _("Follow-up so far"),
    "fu_cause": _("Cause"),
    "fu_action": _("Action"),
    "fu_outcome": _("Outcome"),
    "fu_cause_title": _("Why does the child miss school?"),
    "fu_action_title": _("What did you do?"),
    "fu_outcome_title": _("Did the child come back?"),
    "fu_cause_label": _("Cause"),
    "fu_choose": _("Choose…"),
    "fu_choose_one": _("Choose one."),
    "fu_note": _("Note"),
    "fu_note_help": _("Needed for “Other”; optional for the rest."),
    "fu_note_required": _("Write the cause in the note."),
    "fu_action_on": _("Done on"),
    "fu_outcome_on": _("On"),
    "fu_date_required": _("Give the date."),
    "fu_date_future": _("The day cannot be in the future."),
    "fu_save_cause": _("Save the cause"),
    "fu_save_action": _("Save the action"),
    "fu_save_outcome": _("Save the outcome"),
    "fu_back": _("← All children"),
    "fu_call_family": _("Call the family: %(mobile)s"),
    "fu_history": _("What was done"),
    "fu_by": _("by %(who)s"),
    "fu_refused_title": _("Not accepted by the server"),
    "fu_dismiss": _("Understood, remove"),
    # History.
    "history_title": _("Last 30 days"),
    "h_on_time": _("Sent on time"),
    "h_late": _("Sent late"),
    "h_held": _("Held for an officer's review"),
    "h_not_sent": _("Not sent"),
    "h_not_yet": _("Not sent yet"),
    "h_closed": _("Closed: %(why)s"),
    "h_pending": _("On the phone, not yet uploaded"),
    "h_rejected": _("Not accepted"),
    "h_version": _("corrected: version %(n)s"),
    "h_present": _("%(n)s students present"),
    "h_from_server": _("The server's record, as of %(time)s."),
    "h_phone_only": _(
        "Shown from this phone only: connect to the network to see the server's record."
    ),
    "about_phone": _("This phone"),
    "device_id": _("Phone ID"),
    "storage_kept": _("The phone keeps the app's data even when space runs low."),
    "storage_not_kept": _(
        "The phone may clear the app's data when space runs low: upload entries soon."
    ),
    "last_contact": _("Last contact with the server: %(time)s"),
    "never": _("never"),
    # Log-out.
    "logout_unsent_title": _("Entries not yet uploaded"),
    "logout_unsent_one": _(
        "One entry on this phone has not reached the server yet. Connect to the network and "
        "let it upload first. If you log out now, it stays on the phone and is sent when you "
        "log in again with the same user ID."
    ),
    "logout_unsent": _(
        "%(count)s entries on this phone have not reached the server yet. Connect to the "
        "network and let them upload first. If you log out now, they stay on the phone and "
        "are sent when you log in again with the same user ID."
    ),
    "logout_stay": _("Stay logged in"),
    "logout_anyway": _("Log out anyway"),
}


def catalogue() -> dict[str, dict[str, str]]:
    """{"hi": {key: text}, "en": {key: text}}: the whole catalogue in both languages."""
    out = {}
    for language in ("hi", "en"):
        with override(language):
            out[language] = {key: str(text) for key, text in STRINGS.items()}
    return out
