"""English: for users whose Telegram language starts with ``en``. Keys match catalog_id.py."""

MESSAGES: dict[str, str] = {
    "role.admin": "administrator",
    "role.jaksa": "prosecutor (jaksa)",
    "role.pk": "probation officer (PK)",
    "role.pengawas": "site supervisor (pengawas)",
    "role.pejabat": "official (pejabat)",
    "role.terpidana": "community-service participant (terpidana)",
    "agency_type.kejati": "High Prosecutor's Office (Kejati)",
    "agency_type.kejari": "District Prosecutor's Office (Kejari)",
    "agency_type.bapas": "Probation Office (Bapas)",
    "agency_type.pemprov": "Provincial Government (Pemprov)",
    "agency_type.pemkab": "Regency Government (Pemkab)",
    "agency_type.pemkot": "City Government (Pemkot)",
    "agency_type.dinas": "Government office (dinas / OPD)",
    "cmd.start": "Start and see your roles",
    "cmd.help": "Commands and how to use them",
    "cmd.me": "Your details and roles",
    "cmd.invite": "Create an invitation for a role",
    "cmd.new_agency": "Register a new agency",
    "cmd.people": "Registered people",
    "cmd.revoke": "Revoke someone's access",
    "cmd.cancel": "Cancel the form in progress",
    "start.unknown": (
        "Hello! This bot helps carry out <b>community-service sentences</b> "
        "(pidana kerja sosial, KUHP Article 85).\n\n"
        "Access is by invitation only. If you need to be registered, give your Telegram ID "
        "to an administrator or prosecutor at the District Prosecutor's Office:\n\n"
        "<code>{user_id}</code>"
    ),
    "start.known": "Welcome, {name}.\n\n<b>Your roles</b>\n{roles}\n\n{commands}",
    "start.config_admin": "system administrator (from the configuration)",
    "role_line": "• {role} — {agency}",
    "commands.header": "<b>Your commands</b>",
    "commands.line": "/{command} — {description}",
    "help.unknown": (
        "You are not registered yet. Access is by invitation: type /start to see your "
        "Telegram ID and give it to an administrator or prosecutor."
    ),
    "help.known": "{commands}\n\nType /cancel to cancel a form in progress.",
    "unknown_command": "I don't know that command. Type /help for the list of commands.",
    "unknown_text": "I didn't understand that message. Type /help for the list of commands.",
    "not_registered": (
        "You are not registered yet, so this command is not available. Type /start to see "
        "your Telegram ID."
    ),
    "refused": "Sorry, this command is not available for your role.",
    "refused_button": "Sorry, this button is not available to you.",
    "stale_button": "This button is no longer valid. Please run the command again.",
    "private_only": "This command only works in a private chat with the bot.",
    "error": "Sorry, something went wrong on our side. Your data is safe; please try again shortly.",
    "cancelled": "Cancelled. Nothing was saved.",
    "nothing_to_cancel": "There is no form in progress.",
    "too_long": "That text is too long: at most {max} characters.",
    "expected_text": "Please reply with text. {prompt}",
    "expected_button": "Please choose one of the buttons above, or type /cancel.",
    "invite.usage": ("Usage: <code>/invite &lt;role&gt;</code>\nRoles you can invite: {roles}"),
    "invite.bad_role": "Unknown role “{given}”. Choose one of: {roles}",
    "invite.role_not_allowed": "You cannot invite a {role}. Roles you can invite: {roles}",
    "invite.no_agency": "There is no agency you can use yet. Register one first with /new_agency.",
    "invite.choose_agency": "Invite a <b>{role}</b> to which agency?",
    "invite.created": (
        "Invitation for a <b>{role}</b> at <b>{agency}</b>.\n\n"
        "Send this link to the person you are inviting, or print this QR code:\n{link}\n\n"
        "Valid until {expires}, for one person only."
    ),
    "invite.created_button": "Invitation created.",
    "redeem.ok": "Welcome, {name}! You are registered as <b>{role}</b> at <b>{agency}</b>.",
    "redeem.already": "You are already registered as {role} at {agency}. This invitation was not used.",
    "redeem.malformed": (
        "This invitation link is incomplete or damaged. Open the whole link from the person "
        "who invited you again, or ask for a new one."
    ),
    "redeem.unknown": "This invitation is not known. Ask the person who invited you for a new link.",
    "redeem.expired": "This invitation expired on {expired}. Ask the person who invited you for a new one.",
    "redeem.used": "This invitation has already been used; each invitation is for one person only.",
    "redeem.locked": "Too many failed invitation attempts. Please try again after {until}.",
    "agency.ask_type": "New agency. What type is it?",
    "agency.ask_name": "Agency name? (3–{max} characters, for example “Kejaksaan Negeri Samarinda”)",
    "agency.bad_name": "The name must be 3–{max} characters and not a command. Please try again.",
    "agency.name_taken": "An agency named “{name}” already exists. Please use another name.",
    "agency.ask_parent": "Parent agency of this {type}?",
    "agency.no_parent": "No parent",
    "agency.parent_not_allowed": "{parent} cannot be the parent of a {type}. Choose another.",
    "agency.ask_timezone": "The agency's time zone? (default: {default})",
    "agency.summary": (
        "<b>Please check</b>\nType: {type}\nName: {name}\nParent: {parent}\nTime zone: {timezone}"
    ),
    "agency.none": "—",
    "agency.saved": "Agency <b>{name}</b> saved. Invite people to it with /invite.",
    "agency.timeout": "The new agency form was cancelled because it went unanswered too long.",
    "button.confirm": "✅ Save",
    "button.cancel": "✖️ Cancel",
    "button.previous": "‹ Previous",
    "button.next": "Next ›",
    "button.revoke": "Yes, revoke",
    "button.keep": "No",
    "me": "<b>{name}</b>\nTelegram ID: <code>{user_id}</code>\n\n<b>Roles</b>\n{roles}",
    "me.role_line": "• {role} — {agency} (since {since})",
    "people.header": "<b>Registered people</b>: {total} (page {page} of {pages})",
    "people.empty": "There are no registered people you can see yet.",
    "people.card": "<b>{name}</b>\nTelegram ID: <code>{user_id}</code>\n\n{roles}",
    "people.not_found": "That person was not found or is outside your agency.",
    "revoke.usage": "Pick the person through /people, or type <code>/revoke &lt;Telegram ID&gt;</code>.",
    "revoke.bad_id": "“{given}” is not a Telegram ID. An ID is a number, for example 123456789.",
    "revoke.button": "Revoke: {role} — {agency}",
    "revoke.confirm": (
        "Revoke the <b>{role}</b> role at <b>{agency}</b> from <b>{name}</b>?\n"
        "Their history is kept."
    ),
    "revoke.done": "The {role} role at {agency} was revoked from {name}. Their history is kept.",
    "revoke.already": "That role had already been revoked.",
    "revoke.kept": "Nothing was revoked.",
    "revoke.notice": "Your access as {role} at {agency} has been revoked.",
}
