"""Reads for the security pages."""

from accounts.social import social_providers
from api.selectors import signed_in_apps
from kommo2fa.request_info import describe_browser
from security import backup_codes, email_codes, enrollment, sessions
from security.lockout import two_step_for
from security.mail import mask_email
from security.models import EmailCode
from workspace.compliance import earliest_deadline, mandatory_workspace_names

Purpose = EmailCode.Purpose


def security_overview(request) -> dict:
    user = request.user
    state = two_step_for(user)
    current = sessions.current_session(request)
    signed_in = [
        {
            "row": row,
            "browser": describe_browser(row.user_agent),
            "is_current": current is not None and row.pk == current.pk,
        }
        for row in sessions.sessions_of(user)
    ]
    deadline, _ = earliest_deadline(user)
    return {
        "two_step": state,
        "codes_left": backup_codes.codes_left(user=user) if state.is_enabled else 0,
        "email_hint": mask_email(user.email),
        "has_password": user.has_usable_password(),
        "enable_code_sent": email_codes.live_code(user=user, purpose=Purpose.ENABLE)
        is not None,
        "disable_code_sent": enrollment.password_confirmed(request)
        and email_codes.live_code(user=user, purpose=Purpose.DISABLE) is not None,
        "new_codes_code_sent": enrollment.password_confirmed(request)
        and email_codes.live_code(user=user, purpose=Purpose.NEW_BACKUP_CODES)
        is not None,
        "enable_resend_in": email_codes.resend_available_in(
            user=user, purpose=Purpose.ENABLE
        ),
        "disable_resend_in": email_codes.resend_available_in(
            user=user, purpose=Purpose.DISABLE
        ),
        "mandatory_in": mandatory_workspace_names(user),
        "deadline": deadline,
        "signed_in": signed_in,
        "signed_in_apps": signed_in_apps(user),
        "social_sign_in": bool(social_providers(request)),
    }
